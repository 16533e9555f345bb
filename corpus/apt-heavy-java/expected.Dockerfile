# Build image for a Spring Boot service: JDK, Maven wrapper and a few tools for CI scripts.
FROM debian:bookworm-slim

ENV LANG=C.UTF-8 \
    JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64

RUN apt-get update && \
    apt-get install -y --no-install-recommends \
        openjdk-17-jdk-headless \
        # fetch the Maven wrapper and release assets
        curl \
        git \
        unzip \
        procps && \
    rm -rf /var/lib/apt/lists/*

WORKDIR /src
COPY mvnw pom.xml ./
COPY .mvn .mvn
RUN ./mvnw -B dependency:go-offline

COPY src src
RUN ./mvnw -B package -DskipTests

EXPOSE 8080
CMD ["java", "-jar", "target/app.jar"]

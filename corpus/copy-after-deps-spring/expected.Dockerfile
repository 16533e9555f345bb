# Spring Boot service image: CI runs `mvn package` before `docker build`.
FROM eclipse-temurin:17-jdk

ENV SPRING_PROFILES_ACTIVE=prod \
    JAVA_OPTS="-XX:MaxRAMPercentage=75"

WORKDIR /app

# Tools the entrypoint and the health check use
RUN apt-get update && apt-get install -y \
        curl \
        dumb-init \
        fontconfig && \
        rm -rf /var/lib/apt/lists/*

RUN groupadd --system spring && useradd --system --gid spring --uid 1001 spring

# Application sources and the prebuilt jar
COPY . /app

EXPOSE 8080
USER spring
HEALTHCHECK CMD curl -fsS http://localhost:8080/actuator/health || exit 1
ENTRYPOINT ["dumb-init", "--"]
CMD ["java", "-jar", "/app/target/app.jar"]

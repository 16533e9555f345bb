# Build stage: compile the Spring Boot app with Gradle
FROM gradle:8-jdk17 AS build
WORKDIR /home/gradle/app

COPY settings.gradle build.gradle ./
RUN gradle --no-daemon dependencies

# Bring in the project
COPY . .
RUN gradle --no-daemon bootJar

# Runtime stage: only the JRE and the fat jar
FROM eclipse-temurin:17-jre
WORKDIR /app
COPY --from=build /home/gradle/app/build/libs/app.jar /app.jar
EXPOSE 8080
CMD ["java","-jar","/app.jar"]

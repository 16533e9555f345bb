# Spring Boot service built inside the image with Maven.
FROM maven:3.9-eclipse-temurin-17 AS build

WORKDIR /app

COPY pom.xml ./
COPY .mvn ./.mvn/
RUN mvn -B -DskipTests dependency:go-offline

# The whole project: pom, wrapper and sources
COPY src ./src/
RUN mvn -B package -DskipTests

FROM eclipse-temurin:17-jre-alpine
WORKDIR /app
COPY --from=build /app/target/app.jar /app/target/app.jar
EXPOSE 8080
CMD ["java","-jar","target/app.jar"]

# Orders service: the jar is built by CI (mvn package) before `docker build`.
FROM eclipse-temurin:17-jre

LABEL org.opencontainers.image.title="orders"

# Everything from the checkout
COPY target/app.jar /app/target/app.jar

EXPOSE 8080
USER 1000
CMD ["java","-jar","/app/target/app.jar"]

# The seed's naive Java image: the whole context copied before the build, JDK + Maven + ~/.m2 +
# sources shipped in the image.
FROM maven:3.8-openjdk-17
WORKDIR /app
COPY pom.xml /app/
RUN mvn -B dependency:go-offline
COPY src /app/src/
RUN mvn -B package
EXPOSE 8080
CMD ["java","-jar","target/greeter.jar"]

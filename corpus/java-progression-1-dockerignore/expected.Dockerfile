# The seed's naive Java image: the whole context copied before the build, JDK + Maven + ~/.m2 +
# sources shipped in the image.
FROM maven:3.8-openjdk-17
COPY . /app
WORKDIR /app
RUN mvn -B package
EXPOSE 8080
CMD ["java","-jar","target/greeter.jar"]

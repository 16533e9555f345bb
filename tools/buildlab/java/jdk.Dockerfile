# Stand-in for eclipse-temurin:17-jdk: Debian's OpenJDK 17 JDK (headless); JAVA_HOME as in Temurin's images.
FROM debian:bookworm
RUN apt-get update \
 && apt-get install -y --no-install-recommends openjdk-17-jdk-headless \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /opt/java && ln -s "$(dirname "$(dirname "$(readlink -f /usr/bin/javac)")")" /opt/java/openjdk
ENV JAVA_HOME=/opt/java/openjdk
CMD ["jshell"]

# Stand-in for maven:3.8-openjdk-17, maven:3.9-eclipse-temurin-17 ...: the JDK stand-in + Debian's Maven 3.8.7
# and plugin packages. Pin the plugin versions bookworm ships (corpus/java-progression-*/context/pom.xml does).
FROM localhost/eclipse-temurin:17-jdk
RUN apt-get update \
 && apt-get install -y --no-install-recommends maven \
      libmaven-clean-plugin-java libmaven-resources-plugin-java libmaven-compiler-plugin-java \
      libsurefire-java libmaven-jar-plugin-java libmaven-install-plugin-java libmaven-deploy-plugin-java \
      libmaven-dependency-plugin-java libmaven-shade-plugin-java libmaven-site-plugin-java \
      libmaven-antrun-plugin-java libmaven-assembly-plugin-java libcommons-lang3-java \
 && rm -rf /var/lib/apt/lists/*
# Fill two gaps of Debian's repo: maven-site-plugin 3.3 (the super-POM's version, which dependency:go-offline
# resolves) relocated to 3.12.1, and plexus-utils 1.1 (injected by Maven core) pointing at Debian's jar.
# /etc/mavenrc lets `mvn -o` read the file:// mirror too.
RUN R=/usr/share/maven-repo \
 && d=$R/org/apache/maven/plugins/maven-site-plugin/3.3 && mkdir -p $d \
 && printf '<project><modelVersion>4.0.0</modelVersion><groupId>org.apache.maven.plugins</groupId><artifactId>maven-site-plugin</artifactId><version>3.3</version><distributionManagement><relocation><version>3.12.1</version></relocation></distributionManagement></project>\n' > $d/maven-site-plugin-3.3.pom \
 && d=$R/org/codehaus/plexus/plexus-utils/1.1 && mkdir -p $d && ln -s /usr/share/java/plexus-utils2.jar $d/plexus-utils-1.1.jar \
 && printf '<project><modelVersion>4.0.0</modelVersion><groupId>org.codehaus.plexus</groupId><artifactId>plexus-utils</artifactId><version>1.1</version></project>\n' > $d/plexus-utils-1.1.pom \
 && echo 'MAVEN_OPTS="${MAVEN_OPTS:-} -Daether.offline.protocols=file"' > /etc/mavenrc
COPY maven-settings.xml /etc/maven/settings.xml
ENV MAVEN_HOME=/usr/share/maven
CMD ["mvn"]

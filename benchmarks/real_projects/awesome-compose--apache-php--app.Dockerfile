# Naive variant of awesome-compose--apache-php--app (benchmarks/real_projects.py), in the seed's style:
# one stage, the whole context copied first, apt-get update and install in separate layers, no
# cleanup. Built against the project's own tree (../shared/projects/awesome-compose--apache-php--app).
FROM debian:bookworm
COPY . /var/www/html/
RUN apt-get update
RUN apt-get install -y apache2 libapache2-mod-php
EXPOSE 80
CMD ["apachectl", "-D", "FOREGROUND"]

# Naive variant of awesome-compose--nginx-flask-mongo--flask (benchmarks/real_projects.py), in the seed's style:
# one stage, the whole context copied first, apt-get update and install in separate layers, no
# cleanup. Built against the project's own tree (../shared/projects/awesome-compose--nginx-flask-mongo--flask).
FROM python:3.10-slim
WORKDIR /src
COPY . /src
RUN apt-get update
RUN apt-get install -y curl
RUN pip3 install -r requirements.txt
CMD ["python3", "server.py"]

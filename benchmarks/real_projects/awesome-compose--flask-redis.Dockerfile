# Naive variant of awesome-compose--flask-redis (benchmarks/real_projects.py), in the seed's style:
# one stage, the whole context copied first, apt-get update and install in separate layers, no
# cleanup. Built against the project's own tree (../shared/projects/awesome-compose--flask-redis).
FROM python:3.10-slim
WORKDIR /code
COPY . /code
RUN apt-get update
RUN apt-get install -y curl
RUN pip3 install -r requirements.txt
CMD ["python3", "app.py"]

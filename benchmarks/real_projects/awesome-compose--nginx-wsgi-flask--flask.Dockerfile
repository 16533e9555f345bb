# Naive variant of awesome-compose--nginx-wsgi-flask--flask (benchmarks/real_projects.py), in the seed's style:
# one stage, the whole context copied first, apt-get update and install in separate layers, no
# cleanup. Built against the project's own tree (../shared/projects/awesome-compose--nginx-wsgi-flask--flask).
FROM python:3.9-slim
WORKDIR /home/app
COPY . /home/app
RUN apt-get update
RUN apt-get install -y curl
RUN pip install -r requirements.txt
EXPOSE 5000
CMD ["python", "app.py"]

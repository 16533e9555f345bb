# Naive variant of awesome-compose--django (benchmarks/real_projects.py), in the seed's style:
# one stage, the whole context copied first, apt-get update and install in separate layers, no
# cleanup. Built against the project's own tree (../shared/projects/awesome-compose--django).
FROM python:3.7-slim
WORKDIR /app
COPY . /app
RUN apt-get update
RUN apt-get install -y git
RUN pip3 install -r requirements.txt
EXPOSE 8000
CMD ["python3", "manage.py", "runserver", "0.0.0.0:8000"]

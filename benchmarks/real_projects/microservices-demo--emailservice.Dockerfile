# Naive variant of microservices-demo--emailservice (benchmarks/real_projects.py), in the seed's style:
# one stage, the whole context copied first, apt-get update and install in separate layers, no
# cleanup. Built against the project's own tree (../shared/projects/microservices-demo--emailservice).
FROM python:3.14-slim
WORKDIR /email_server
COPY . /email_server
RUN apt-get update
RUN apt-get install -y g++
RUN pip install -r requirements.txt
ENV PYTHONUNBUFFERED=1
EXPOSE 8080
CMD ["python", "email_server.py"]

# Naive variant of microservices-demo--recommendationservice (benchmarks/real_projects.py), in the seed's style:
# one stage, the whole context copied first, apt-get update and install in separate layers, no
# cleanup. Built against the project's own tree (../shared/projects/microservices-demo--recommendationservice).
FROM python:3.14-slim
WORKDIR /recommendationservice
COPY . /recommendationservice
RUN apt-get update
RUN apt-get install -y g++
RUN pip install -r requirements.txt
ENV PORT="8080"
EXPOSE 8080
CMD ["python", "recommendation_server.py"]

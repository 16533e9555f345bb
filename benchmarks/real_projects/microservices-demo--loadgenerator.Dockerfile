# Naive variant of microservices-demo--loadgenerator (benchmarks/real_projects.py), in the seed's style:
# one stage, the whole context copied first, apt-get update and install in separate layers, no
# cleanup. Built against the project's own tree (../shared/projects/microservices-demo--loadgenerator).
FROM python:3.14-slim
WORKDIR /loadgen
COPY . /loadgen
RUN apt-get update
RUN apt-get install -y g++
RUN pip install -r requirements.txt
ENV GEVENT_SUPPORT=True
CMD locust --host="http://${FRONTEND_ADDR}" --headless -u "${USERS:-10}" -r "${RATE:-1}" 2>&1

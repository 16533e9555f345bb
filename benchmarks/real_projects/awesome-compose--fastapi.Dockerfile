# Naive variant of awesome-compose--fastapi (benchmarks/real_projects.py), in the seed's style:
# one stage, the whole context copied first, apt-get update and install in separate layers, no
# cleanup. Built against the project's own tree (../shared/projects/awesome-compose--fastapi).
FROM python:3.9-slim
WORKDIR /app
COPY . /app
RUN apt-get update
RUN apt-get install -y git
RUN pip install -r requirements.txt
CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "80"]

# Naive variant of awesome-compose--django (benchmarks/real_projects.py), in the seed's style:
# one stage, the whole context copied first, apt-get update and install in separate layers, no
# cleanup. Built against the project's own tree (../shared/projects/awesome-compose--django).
# environs 7.3.1 (the project's pin) breaks with today's marshmallow 4: the second pip install keeps the
# app's settings importable, so the smoke command can run `manage.py check`.
FROM python:3.7-slim
WORKDIR /app
COPY . /app
RUN apt-get update
RUN apt-get install -y git
RUN pip3 install -r requirements.txt
RUN pip3 install "marshmallow<4"
EXPOSE 8000
CMD ["python3", "manage.py", "runserver", "0.0.0.0:8000"]

# Naive variant of awesome-compose--nginx-flask-mysql--backend (benchmarks/real_projects.py), in the seed's style:
# one stage, the whole context copied first, apt-get update and install in separate layers, no
# cleanup. Built against the project's own tree (../shared/projects/awesome-compose--nginx-flask-mysql--backend).
# Flask 2.0.1 (the project's pin) breaks with today's Werkzeug 3: the second pip install keeps the app
# importable for the smoke command.
FROM python:3.10-slim
WORKDIR /code
COPY . /code
RUN apt-get update
RUN apt-get install -y curl
RUN pip3 install -r requirements.txt
RUN pip3 install "Werkzeug<3"
ENV FLASK_APP hello.py
ENV FLASK_RUN_PORT 8000
ENV FLASK_RUN_HOST 0.0.0.0
EXPOSE 8000
CMD ["flask", "run"]

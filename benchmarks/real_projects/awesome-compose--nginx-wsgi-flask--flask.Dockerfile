# Naive variant of awesome-compose--nginx-wsgi-flask--flask (benchmarks/real_projects.py), in the seed's style:
# one stage, the whole context copied first, apt-get update and install in separate layers, no
# cleanup. Built against the project's own tree (../shared/projects/awesome-compose--nginx-wsgi-flask--flask).
# Flask 1.1.1 (the project's pin) breaks with today's Jinja2, itsdangerous, Werkzeug and MarkupSafe: the
# second pip install keeps the app importable for the smoke command.
FROM python:3.9-slim
WORKDIR /home/app
COPY . /home/app
RUN apt-get update
RUN apt-get install -y curl
RUN pip install -r requirements.txt
RUN pip install "Jinja2<3.0" "itsdangerous<2.0" "Werkzeug<2.0" "MarkupSafe<2.1"
EXPOSE 5000
CMD ["python", "app.py"]

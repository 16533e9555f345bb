# Naive variant of awesome-compose--traefik-golang--backend (benchmarks/real_projects.py), in the seed's style:
# one stage, the whole context copied first, apt-get update and install in separate layers, no
# cleanup. Built against the project's own tree (../shared/projects/awesome-compose--traefik-golang--backend).
FROM golang:1.18
WORKDIR /compose/hello-docker
COPY . /compose/hello-docker
RUN apt-get update
RUN apt-get install -y curl
RUN CGO_ENABLED=0 go build -o backend main.go
CMD ["./backend"]

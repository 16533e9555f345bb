# Naive variant of awesome-compose--traefik-golang--backend (benchmarks/real_projects.py), in the seed's style:
# one stage, the whole context copied first, apt-get update and install in separate layers, no
# cleanup. Built against the project's own tree (../shared/projects/awesome-compose--traefik-golang--backend).
FROM golang:1.18
WORKDIR /compose/hello-docker
COPY . /compose/hello-docker
RUN apt-get update
RUN apt-get install -y curl
# the Go build cache stays out of the image (its entries differ from build to build)
RUN --mount=type=cache,target=/root/.cache/go-build CGO_ENABLED=0 go build -o backend main.go
CMD ["./backend"]

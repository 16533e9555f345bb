# Go service: compiled in a builder stage, shipped on a slim Debian runtime.
FROM golang:1.22-bookworm AS build
# The builder never reaches the final image: its package lists cost nothing there.
RUN apt-get update && apt-get install -y --no-install-recommends protobuf-compiler
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -o /out/server ./cmd/server

FROM debian:bookworm-slim AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      ca-certificates \
      # for the TZ setting below
      tzdata \
 && rm -rf /var/lib/apt/lists/*
ENV TZ=Etc/UTC

FROM runtime
# Debug tools, installed after the base layer was built.
RUN apt-get update && apt-get install -y --no-install-recommends procps && rm -rf /var/lib/apt/lists/*
COPY --from=build /out/server /usr/local/bin/server
USER nobody
ENTRYPOINT ["/usr/local/bin/server"]

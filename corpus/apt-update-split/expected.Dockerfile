# A typical first Dockerfile: the package lists are fetched in a layer of their own.
FROM debian:bookworm

# Fetch the package lists
RUN apt-get update && apt-get install -y \
      curl \
      # used by the healthcheck
      ca-certificates && \
      rm -rf /var/lib/apt/lists/*

COPY . /app
CMD ["/app/run.sh"]

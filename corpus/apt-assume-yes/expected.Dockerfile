# syntax=docker/dockerfile:1
# Build agent image (edited on Windows: CRLF line endings).
FROM debian:bookworm-slim

RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      ca-certificates \
      curl \
      gnupg \
 && rm -rf /var/lib/apt/lists/*

# The legacy toolchain is optional: skip it when the mirror lacks it.
RUN apt-get update && apt-get install --no-install-recommends gcc-multilib || true && rm -rf /var/lib/apt/lists/*

RUN set -eux; \
    apt-get update; \
    apt-get upgrade -y; \
    apt-get purge -y --auto-remove gnupg; \
    rm -rf /var/lib/apt/lists/*

WORKDIR /agent
COPY agent.sh .
ENTRYPOINT ["./agent.sh"]

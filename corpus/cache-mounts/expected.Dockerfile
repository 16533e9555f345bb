# syntax=docker/dockerfile:1
# A Python service that compiles a database driver.
FROM python:3.12-slim

RUN --mount=type=cache,target=/var/cache/apt,sharing=locked \
    --mount=type=cache,target=/var/lib/apt,sharing=locked \
    rm -f /etc/apt/apt.conf.d/docker-clean && echo 'Binary::apt::APT::Keep-Downloaded-Packages "true";' > /etc/apt/apt.conf.d/keep-cache \
    && apt-get update \
    && apt-get install -y --no-install-recommends gcc libpq-dev

WORKDIR /app
COPY requirements.txt .
# the wheels are built here
RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt

COPY . .
CMD ["python", "app.py"]

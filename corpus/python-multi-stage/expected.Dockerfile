# A Django API whose database drivers compile at install time (about 1.2 GB with the compilers).
FROM python:3.12-bookworm AS build

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1

# Compilers and headers for psycopg2 and mysqlclient; curl for the health check
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
        build-essential \
        libpq-dev \
        default-libmysqlclient-dev \
        pkg-config \
        curl \
 && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 10001 api
WORKDIR /srv/api

RUN python -m venv /opt/venv
ENV PATH="/opt/venv/bin:$PATH"
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

FROM python:3.12-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1
RUN apt-get update && apt-get install -y --no-install-recommends libpq5 libmariadb3 curl && rm -rf /var/lib/apt/lists/*
RUN useradd --create-home --uid 10001 api
WORKDIR /srv/api
COPY requirements.txt .
COPY --from=build /opt/venv /opt/venv
ENV PATH="/opt/venv/bin:$PATH"
# The application itself
COPY --chown=api:api . .
RUN python manage.py collectstatic --noinput

USER api
EXPOSE 8000
HEALTHCHECK CMD curl -fsS http://localhost:8000/health || exit 1
CMD ["gunicorn", "--bind", "0.0.0.0:8000", "api.wsgi"]

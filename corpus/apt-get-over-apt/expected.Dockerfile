# Image for a small Flask service, written from an interactive shell session.
FROM ubuntu:24.04

ENV DEBIAN_FRONTEND=noninteractive

# Bring the base up to date, then add the runtime.
RUN apt-get update \
    && apt-get upgrade --with-new-pkgs -y \
    && apt-get install -y --no-install-recommends \
        python3 \
        python3-venv \
        # healthcheck uses curl
        curl \
    && apt-get autoremove -y \
    && rm -rf /var/lib/apt/lists/*

# Record what is installed, for the SBOM job.
RUN apt list --installed > /usr/share/doc/packages.txt

WORKDIR /srv/app
COPY requirements.txt .
RUN python3 -m venv /opt/venv && /opt/venv/bin/pip install --no-cache-dir -r requirements.txt
COPY . .

USER ubuntu
EXPOSE 8000
CMD ["/opt/venv/bin/gunicorn", "-b", "0.0.0.0:8000", "app:app"]

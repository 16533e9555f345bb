# Stand-in for python:3.N and python:3.N-slim (every 3.N: it is Debian bookworm's Python 3.11).
# Laid out like the official image: a venv over Debian's python3 at /usr/local, so python, python3, pip
# and pip3 are in /usr/local/bin and `pip install` writes /usr/local/lib/python3.11/site-packages.
FROM debian:bookworm
LABEL org.opencontainers.image.description="dockeropt build-lab stand-in, not the official python image" \
      dockeropt.standin.packages="debian bookworm: python3 (3.11) python3-venv ca-certificates"
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 python3-venv ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && python3 -m venv /usr/local \
 && printf '[global]\ncert = /etc/ssl/certs/ca-certificates.crt\n' > /etc/pip.conf
ENV LANG=C.UTF-8 PIP_DISABLE_PIP_VERSION_CHECK=1
CMD ["python3"]

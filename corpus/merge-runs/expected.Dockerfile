# A small service image whose setup grew one RUN at a time.
FROM debian:bookworm

RUN useradd --system --home-dir /srv/app app && \
# where the service keeps its state
    mkdir -p /srv/app/data && \
    (echo "ready" > /srv/app/data/status; chmod 0640 /srv/app/data/status) && \
    cd /srv/app && chown -R app:app .

WORKDIR /srv/app
USER app
CMD ["cat", "/srv/app/data/status"]

# Builds a patched nginx from its source tarball.
FROM debian:12

RUN apt-get update && apt-get install -y --no-install-recommends \
        ca-certificates curl gcc make libc6-dev libpcre2-dev zlib1g-dev \
    && rm -rf /var/lib/apt/lists/*

ENV NGINX_VERSION=1.27.3

# The release tarball
RUN curl -fsSL --create-dirs -o /usr/src/nginx-1.27.3.tar.gz "https://nginx.org/download/nginx-${NGINX_VERSION}.tar.gz" && cd /usr/src \
    && tar -xzf nginx-${NGINX_VERSION}.tar.gz && rm -f nginx-${NGINX_VERSION}.tar.gz \
    && cd nginx-${NGINX_VERSION} \
    && ./configure --prefix=/usr/local/nginx \
    && make -j"$(nproc)" \
    && make install

EXPOSE 80
CMD ["/usr/local/nginx/sbin/nginx", "-g", "daemon off;"]

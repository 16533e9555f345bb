# Stand-in for nginx:1.N (every 1.N: it is Debian bookworm's nginx 1.22, package nginx-light), laid out like the
# official image: the default site in /etc/nginx/conf.d/default.conf serving /usr/share/nginx/html, the logs
# on stdout/stderr, `nginx -g 'daemon off;'` in the foreground. The workers run as www-data (uid 33), not as
# the official image's nginx (uid 101); no /docker-entrypoint.d scripts.
FROM debian:bookworm
LABEL org.opencontainers.image.description="dockeropt build-lab stand-in, not the official nginx image" \
      dockeropt.standin.packages="debian bookworm: nginx-light (1.22)"
RUN apt-get update \
 && apt-get install -y --no-install-recommends nginx-light \
 && rm -rf /var/lib/apt/lists/* /etc/nginx/sites-enabled/default /var/www/html \
 && mkdir -p /usr/share/nginx/html \
 && printf '<!DOCTYPE html>\n<title>Welcome to nginx!</title>\n<h1>Welcome to nginx!</h1>\n' > /usr/share/nginx/html/index.html \
 && printf 'server {\n    listen 80;\n    server_name localhost;\n    location / {\n        root /usr/share/nginx/html;\n        index index.html index.htm;\n    }\n}\n' > /etc/nginx/conf.d/default.conf \
 && ln -sf /dev/stdout /var/log/nginx/access.log && ln -sf /dev/stderr /var/log/nginx/error.log \
 && nginx -t -q
EXPOSE 80
STOPSIGNAL SIGQUIT
CMD ["nginx", "-g", "daemon off;"]

# Stand-in for node:N and node:N-slim (every N: it is Debian bookworm's Node.js 18), with npm and yarn 1
# unpacked from the npm registry where the official image has them (/usr/local/lib/node_modules/npm, /opt/yarn-*),
# and the official image's user node (uid/gid 1000, home /home/node).
FROM debian:bookworm
ARG NPM_VERSION=10.8.2
ARG YARN_VERSION=1.22.22
LABEL org.opencontainers.image.description="dockeropt build-lab stand-in, not the official node image" \
      dockeropt.standin.packages="debian bookworm: nodejs (18) ca-certificates; npm registry: npm@10.8.2 yarn@1.22.22"
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
RUN apt-get update \
 && apt-get install -y --no-install-recommends nodejs ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && fetch() { node -e 'require("https").get(process.argv[1], r => r.pipe(process.stdout))' "$1" | tar -xz -C "$2" --strip-components=1; } \
 && mkdir -p /usr/local/lib/node_modules/npm "/opt/yarn-v$YARN_VERSION" \
 && fetch "https://registry.npmjs.org/npm/-/npm-$NPM_VERSION.tgz" /usr/local/lib/node_modules/npm \
 && fetch "https://registry.npmjs.org/yarn/-/yarn-$YARN_VERSION.tgz" "/opt/yarn-v$YARN_VERSION" \
 && ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
 && ln -s "/opt/yarn-v$YARN_VERSION/bin/yarn" /usr/local/bin/yarn \
 && ln -s "/opt/yarn-v$YARN_VERSION/bin/yarnpkg" /usr/local/bin/yarnpkg \
 && npm --version && yarn --version \
 && groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node
CMD ["node"]

# syntax=docker/dockerfile:1
# A small Express service: dependencies first, then the sources.
FROM node:20-bookworm-slim

ENV NODE_ENV=production
WORKDIR /usr/src/app

# Only the manifests, so editing a source file keeps the npm layer cached
COPY package*.json ./
RUN npm ci --omit=dev

COPY . .

USER node
EXPOSE 3000
HEALTHCHECK --interval=30s CMD node src/healthcheck.js
CMD ["node", "src/index.js"]

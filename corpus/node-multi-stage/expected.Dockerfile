# An Express API written in TypeScript, compiled and run in the full node image.
FROM node:20-bookworm AS build

WORKDIR /usr/src/app
COPY package.json package-lock.json ./
RUN npm ci --no-audit

COPY . .
# tsc writes dist/ (tsconfig.json's outDir)
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /usr/src/app
COPY --from=build /usr/src/app /usr/src/app
ENV NODE_ENV=production
EXPOSE 3000
# the image's own unprivileged user
USER node
CMD ["node", "dist/server.js"]

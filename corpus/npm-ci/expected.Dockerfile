# A small HTTP service; the dependencies are installed before the sources are copied.
FROM node:20-slim

ENV NODE_ENV=production
WORKDIR /app

COPY package.json package-lock.json ./
# production dependencies only
RUN npm ci --omit=dev --no-audit

COPY src ./src
USER node
EXPOSE 8080
CMD ["node","src/index.js"]

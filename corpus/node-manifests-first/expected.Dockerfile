# A small HTTP service built from its lockfile.
FROM node:20-slim

ENV NODE_ENV=production
WORKDIR /app

COPY package.json package-lock.json ./
# production dependencies only, exactly as locked
RUN npm ci --omit=dev
# the whole project
COPY . .

USER node
EXPOSE 8080
CMD ["node","src/index.js"]

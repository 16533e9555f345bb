# A Node.js service; `docker stop` should reach node, not a shell.
FROM node:22-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev
COPY . .
EXPOSE 3000
# Start the server
CMD ["node", "server.js", "--port", "3000"]

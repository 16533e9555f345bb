# Naive variant of microservices-demo--currencyservice (benchmarks/real_projects.py), in the seed's style:
# one stage, the whole context copied first, apt-get update and install in separate layers, no
# cleanup. Built against the project's own tree (../shared/projects/microservices-demo--currencyservice).
FROM node:20-slim
WORKDIR /usr/src/app
COPY . /usr/src/app
RUN apt-get update
RUN apt-get install -y python3 make g++
RUN npm install --only=production
EXPOSE 7000
CMD ["node", "server.js"]

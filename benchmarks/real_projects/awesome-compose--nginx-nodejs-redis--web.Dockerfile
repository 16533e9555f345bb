# Naive variant of awesome-compose--nginx-nodejs-redis--web (benchmarks/real_projects.py), in the seed's style:
# one stage, the whole context copied first, apt-get update and install in separate layers, no
# cleanup. Built against the project's own tree (../shared/projects/awesome-compose--nginx-nodejs-redis--web).
FROM node:14-slim
WORKDIR /usr/src/app
COPY . /usr/src/app
RUN apt-get update
RUN apt-get install -y curl
RUN npm install
CMD ["npm", "start"]

# Naive variant of awesome-compose--react-express-mongodb--backend (benchmarks/real_projects.py), in the seed's style:
# one stage, the whole context copied first, apt-get update and install in separate layers, no
# cleanup. Built against the project's own tree (../shared/projects/awesome-compose--react-express-mongodb--backend).
FROM node:lts-buster-slim
WORKDIR /usr/src/app
COPY . /usr/src/app
RUN apt-get update
RUN apt-get install -y git
RUN npm install
EXPOSE 3000
CMD ["npm", "run", "dev"]

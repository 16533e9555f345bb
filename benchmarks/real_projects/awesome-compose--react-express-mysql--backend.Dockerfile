# Naive variant of awesome-compose--react-express-mysql--backend (benchmarks/real_projects.py), in the seed's style:
# one stage, the whole context copied first, apt-get update and install in separate layers, no
# cleanup. Built against the project's own tree (../shared/projects/awesome-compose--react-express-mysql--backend).
FROM node:lts
WORKDIR /code
COPY . /code
RUN apt-get update
RUN apt-get install -y curl
RUN npm install
ENV PORT 80
EXPOSE 80
HEALTHCHECK --interval=30s CMD node healthcheck.js
CMD ["node", "src/index.js"]

# An nginx image with static pages, written before Docker 1.13.
FROM nginx:1.27
# Who to ask about this image
LABEL maintainer="Web Team \"web@example.org\""

COPY site/ /usr/share/nginx/html/
EXPOSE 80

# A Go API built and run in the golang image (about 850 MB).
FROM golang:1.22-bookworm AS build

WORKDIR /src
ENV CGO_ENABLED=0
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN go build -trimpath -ldflags="-s -w" -o /usr/local/bin/api ./cmd/api

FROM gcr.io/distroless/static-debian12
WORKDIR /src
COPY --from=build /usr/local/bin/api /usr/local/bin/api
COPY --from=build /src/web /src/web
# The API listens here
EXPOSE 8080
ENV LOG_LEVEL=info
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/api"]
CMD ["--addr", ":8080"]

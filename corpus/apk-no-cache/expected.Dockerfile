# A small Go service built and run on Alpine.
FROM golang:1.22-alpine AS build

# Build tools, removed again once the binary is built
RUN apk add --no-cache --virtual .build-deps \
        git \
        # cgo needs a C toolchain
        gcc musl-dev
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=1 go build -o /out/app ./cmd/app \
 && apk del .build-deps

FROM alpine:3.20
RUN apk add --no-cache ca-certificates tzdata \
 && addgroup -S app && adduser -S app -G app
COPY --from=build /out/app /usr/local/bin/app
USER app
ENTRYPOINT ["/usr/local/bin/app"]

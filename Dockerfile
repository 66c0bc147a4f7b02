# syntax=docker/dockerfile:1
# twincms for the production path (MongoDB + MinIO by configuration).
# BuildKit cache mounts keep modules and build results between builds.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o /out/twincms ./cmd/twincms

# Alpine for wget in the healthcheck; twincms runs as an unprivileged user.
FROM alpine:3.20
RUN adduser -D -H -u 10001 twincms
COPY --from=build /out/twincms /usr/local/bin/twincms
USER twincms
ENV TWINCMS_ADDR=0.0.0.0:8080
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s CMD wget -qO- http://127.0.0.1:8080/readyz >/dev/null || exit 1
ENTRYPOINT ["/usr/local/bin/twincms"]

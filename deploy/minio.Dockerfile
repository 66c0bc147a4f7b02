# syntax=docker/dockerfile:1
# MinIO and mc built from source at the commits CI tests against
# (.ci/run). Community MinIO ships as source only: no maintained, pinned
# image to pull, so the image is made here, reproducibly, from the Go
# module proxy.
FROM golang:1.26 AS build
ENV CGO_ENABLED=0 GOFLAGS=-trimpath
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    go install github.com/minio/minio@v0.0.0-20260212201848-7aac2a2c5b7c && \
    go install github.com/minio/mc@v0.0.0-20250313080218-cf909e1063a9

FROM alpine:3.20 AS minio
RUN apk add --no-cache curl && adduser -D -u 10001 minio && mkdir /data1 /data2 && chown minio /data1 /data2
COPY --from=build /go/bin/minio /usr/local/bin/minio
USER minio
ENTRYPOINT ["minio"]

FROM alpine:3.20 AS mc
COPY --from=build /go/bin/mc /usr/local/bin/mc
COPY deploy/minio-setup.sh deploy/minio-twincms-policy.json /setup/
ENTRYPOINT ["/bin/sh", "/setup/minio-setup.sh"]

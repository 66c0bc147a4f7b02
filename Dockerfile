# twincms for the production path (MongoDB + MinIO by configuration).
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o /out/twincms ./cmd/twincms

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/twincms /twincms
ENV TWINCMS_ADDR=0.0.0.0:8080
EXPOSE 8080
ENTRYPOINT ["/twincms"]

package objectstore

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"
	"testing"

	"github.com/jesenice/twincms/models"
	"github.com/minio/minio-go/v7"
)

// What MinIO and versitygw answer in trouble, and the kind each becomes.
func TestTranslateS3(t *testing.T) {
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	cases := []struct {
		name string
		err  error
		want error
	}{
		{"missing key", minio.ErrorResponse{Code: "NoSuchKey", StatusCode: 404}, models.ErrNotFound},
		{"versitygw disk full", minio.ErrorResponse{Code: "InsufficientStorage", StatusCode: 507}, models.ErrInsufficientStorage},
		{"minio below free space", minio.ErrorResponse{Code: "XMinioStorageFull", StatusCode: 507}, models.ErrInsufficientStorage},
		{"minio write quorum lost", minio.ErrorResponse{Code: "SlowDownWrite", StatusCode: 503}, models.ErrUnavailable},
		{"minio internal", minio.ErrorResponse{Code: "InternalError", StatusCode: 500}, models.ErrUnavailable},
		{"proxy without upstream", minio.ErrorResponse{Code: "BadGateway", StatusCode: 502}, models.ErrUnavailable},
		{"connection refused", refused, models.ErrUnavailable},
		{"connection reset", &net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}, models.ErrUnavailable},
		{"deadline", context.DeadlineExceeded, models.ErrUnavailable},
		{"cut body", io.ErrUnexpectedEOF, models.ErrUnavailable},
	}
	for _, c := range cases {
		got := translateS3(c.err)
		if !errors.Is(got, c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
	if got := translateS3(context.Canceled); !errors.Is(got, context.Canceled) || errors.Is(got, models.ErrUnavailable) {
		t.Errorf("a client that went away is not a store failure: %v", got)
	}
}

// A read cut short is never taken for the end of the object.
func TestObjectReaderRefusesAShortObject(t *testing.T) {
	var b breaker
	r := &objectReader{rc: io.NopCloser(strings.NewReader("abc")), left: 5, down: &b}
	if _, err := io.ReadAll(r); !errors.Is(err, models.ErrUnavailable) {
		t.Fatalf("3 of 5 bytes: %v, want ErrUnavailable", err)
	}
	if b.check() == nil {
		t.Fatal("the breaker did not open")
	}
	r = &objectReader{rc: io.NopCloser(strings.NewReader("abcde")), left: 5, down: &breaker{}}
	if got, err := io.ReadAll(r); err != nil || string(got) != "abcde" {
		t.Fatalf("whole object: %q, %v", got, err)
	}
}

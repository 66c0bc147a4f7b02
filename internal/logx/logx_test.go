package logx

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/jesenice/twincms/models"
)

// Log lines written under a request's context name its request id once.
func TestLogLinesCarryTheRequestID(t *testing.T) {
	var buf bytes.Buffer
	logger := WithRequestIDs(slog.New(slog.NewTextHandler(&buf, nil)))
	ctx := models.WithRequestID(context.Background(), "abc123")
	logger.WarnContext(ctx, "object store slow")
	logger.ErrorContext(ctx, "request failed", "request_id", "abc123")
	logger.Info("no request")
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 3 || strings.Count(lines[0], "request_id=abc123") != 1 || strings.Count(lines[1], "request_id=abc123") != 1 ||
		strings.Contains(lines[2], "request_id") {
		t.Fatalf("log:\n%s", buf.String())
	}
}

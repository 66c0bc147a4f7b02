package logx

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"
)

// AccessLog writes what LogAccess writes, for every kind of logger: the
// fast path under the wrappers, slog's path for options and attributes,
// nothing below a level floor or with info off, and it follows a level
// changed after it was made.
func TestAccessLogIsLogAccess(t *testing.T) {
	a := Access{Time: time.Now(), RequestID: "id1", Method: "GET", Path: "/p q", Route: "/p", Status: 304, Duration: time.Millisecond}
	var level slog.LevelVar
	for _, tc := range []struct {
		name string
		make func(buf *bytes.Buffer) *slog.Logger
		want bool
	}{
		{"text", func(b *bytes.Buffer) *slog.Logger { return slog.New(NewTextHandler(b, nil)) }, true},
		{"wrapped", func(b *bytes.Buffer) *slog.Logger {
			return WithRequestIDs(LevelFilter(WithRequestIDs(slog.New(NewTextHandler(b, nil))), slog.LevelInfo))
		}, true},
		{"attrs", func(b *bytes.Buffer) *slog.Logger { return slog.New(NewTextHandler(b, nil)).With("component", "api") }, true},
		{"slog", func(b *bytes.Buffer) *slog.Logger { return slog.New(slog.NewTextHandler(b, nil)) }, true},
		{"floor", func(b *bytes.Buffer) *slog.Logger {
			return WithRequestIDs(LevelFilter(slog.New(NewTextHandler(b, nil)), slog.LevelWarn))
		}, false},
		{"off", func(b *bytes.Buffer) *slog.Logger {
			return slog.New(NewTextHandler(b, &slog.HandlerOptions{Level: slog.LevelError}))
		}, false},
		{"var", func(b *bytes.Buffer) *slog.Logger {
			return slog.New(NewTextHandler(b, &slog.HandlerOptions{Level: &level}))
		}, true},
	} {
		var got, want bytes.Buffer
		al := NewAccessLog(tc.make(&got))
		ctx := context.Background()
		if al.Enabled(ctx) != tc.want {
			t.Errorf("%s: enabled %v", tc.name, !tc.want)
		}
		if al.Enabled(ctx) {
			al.Log(ctx, a)
		}
		if l := tc.make(&want); l.Enabled(ctx, slog.LevelInfo) {
			LogAccess(ctx, l, a)
		}
		if got.String() != want.String() || tc.want != (got.Len() > 0) {
			t.Errorf("%s: AccessLog\n%q\nLogAccess\n%q", tc.name, got.String(), want.String())
		}
		if tc.name == "attrs" && !strings.Contains(got.String(), "component=api") {
			t.Errorf("attrs lost: %q", got.String())
		}
	}
	var buf bytes.Buffer
	al := NewAccessLog(slog.New(NewTextHandler(&buf, &slog.HandlerOptions{Level: &level})))
	level.Set(slog.LevelWarn)
	defer level.Set(slog.LevelInfo)
	if al.Enabled(context.Background()) {
		t.Error("enabled after the level moved to warn")
	}
	if NewAccessLog(nil).Enabled(context.Background()) {
		t.Error("a nil logger logs")
	}
}

package handlers

import (
	"bytes"
	"io"
	"log/slog"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/jesenice/twincms/internal/logx"
	"github.com/valyala/fasthttp"
)

// accessAPI serves a public page (a route served from memory, like the
// published pages) and a route with a request context through the real
// middleware, logging to h as the composition root wraps loggers.
func accessAPI(h slog.Handler) *fiber.App {
	logger := logx.WithRequestIDs(slog.New(h))
	app := fiber.New(fiber.Config{ErrorHandler: WriteProblem(logger), DisableStartupMessage: true})
	// app.Test's peer is 0.0.0.0: trusted, its X-Forwarded-For names the client.
	a := newAPI(app, Deps{Logger: logger, TrustedProxies: []netip.Prefix{netip.MustParsePrefix("0.0.0.0/32")}})
	a.handle("GET", "/api/v1/public/pages/:slug", op{InMemory: true}, func(c *fiber.Ctx) error {
		return c.SendString("page " + c.Params("slug"))
	})
	a.handle("GET", "/api/v1/items/:id", op{}, func(c *fiber.Ctx) error {
		return c.Status(fiber.StatusAccepted).SendString("item")
	})
	app.Use(a.noRoute)
	return app
}

// parseLine reads a text log line's key=value fields (quoted values
// unquoted).
func parseLine(t *testing.T, line string) map[string]string {
	t.Helper()
	f := map[string]string{}
	for rest := line; rest != ""; {
		k, v, ok := strings.Cut(rest, "=")
		if !ok {
			t.Fatalf("not key=value: %q", rest)
		}
		if strings.HasPrefix(v, `"`) {
			q, err := strconv.QuotedPrefix(v)
			if err != nil {
				t.Fatalf("%q: %v", v, err)
			}
			f[k], _ = strconv.Unquote(q)
			rest = strings.TrimPrefix(v[len(q):], " ")
		} else {
			f[k], rest, _ = strings.Cut(v, " ")
		}
	}
	return f
}

// The access line names the request (client address as the audit log
// has it, method, route, path without the
// query, status, duration, bytes, request id), with the command's handler
// (logx's fast path) and with any other: a token in the query string, as
// preview links carry one, never reaches the log.
func TestAccessLogLine(t *testing.T) {
	const secret = "prv_SECRET0123456789abcdef"
	for _, kind := range []string{"logx", "slog"} {
		var buf bytes.Buffer
		h := slog.Handler(slog.NewTextHandler(&buf, nil))
		if kind == "logx" {
			h = logx.NewTextHandler(&buf, nil)
		}
		app := accessAPI(h)
		for _, tc := range []struct {
			target, id, route, xff, client string
			status                         int
		}{
			{"/api/v1/public/pages/pobratene-obcine?locale=en&token=" + secret, "client-req.1", "/api/v1/public/pages/:slug", "", "0.0.0.0", 200},
			{"/api/v1/items/abc?token=" + secret, "", "/api/v1/items/:id", "192.0.2.1, 198.51.100.7", "198.51.100.7", 202},
			{"/api/v1/nowhere?token=" + secret, "", "/", "", "0.0.0.0", 404},
		} {
			buf.Reset()
			req := httptest.NewRequest("GET", tc.target, nil)
			if tc.id != "" {
				req.Header.Set("X-Request-Id", tc.id)
			}
			if tc.xff != "" {
				req.Header.Set("X-Forwarded-For", tc.xff)
			}
			before := time.Now()
			res, err := app.Test(req, -1)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			out := buf.String()
			if strings.Contains(out, secret) || strings.Contains(out, "token") || strings.Contains(out, "?") {
				t.Fatalf("%s: the query reached the log: %s", kind, out)
			}
			if strings.Count(out, "\n") != 1 {
				t.Fatalf("%s: want one line: %q", kind, out)
			}
			f := parseLine(t, strings.TrimSuffix(out, "\n"))
			path, _, _ := strings.Cut(tc.target, "?")
			want := map[string]string{"level": "INFO", "msg": "request", "method": "GET", "path": path, "route": tc.route,
				"status": strconv.Itoa(tc.status), "bytes": strconv.Itoa(len(body)), "request_id": res.Header.Get("X-Request-Id"), "client": tc.client}
			for k, v := range want {
				if f[k] != v {
					t.Errorf("%s %s: %s=%q, want %q (line %q)", kind, tc.target, k, f[k], v, out)
				}
			}
			if tc.id != "" && f["request_id"] != tc.id {
				t.Errorf("%s: request_id %q, want the client's %q", kind, f["request_id"], tc.id)
			}
			if len(f["request_id"]) < 8 {
				t.Errorf("%s: request_id %q", kind, f["request_id"])
			}
			if d, err := time.ParseDuration(f["duration"]); err != nil || d <= 0 || d > time.Since(before) {
				t.Errorf("%s: duration %q", kind, f["duration"])
			}
			if ts, err := time.Parse(time.RFC3339Nano, f["time"]); err != nil || ts.Before(before.Truncate(time.Millisecond)) || ts.After(time.Now()) {
				t.Errorf("%s: time %q", kind, f["time"])
			}
			if len(f) != 11 {
				t.Errorf("%s: fields %v", kind, f)
			}
		}
	}
}

// With info off, the access log writes nothing.
func TestAccessLogOffAtWarn(t *testing.T) {
	var buf bytes.Buffer
	app := accessAPI(logx.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelWarn}))
	res, err := app.Test(httptest.NewRequest("GET", "/api/v1/public/pages/x", nil), -1)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if buf.Len() != 0 {
		t.Fatalf("logged: %q", buf.String())
	}
}

// BenchmarkAccessLog is the middleware's cost on a page served from
// memory, by log configuration: off (TWINCMS_LOG_LEVEL=error); on as the
// command logs today (slog's TextHandler on stderr, here a file: a write
// per line); on through logx (the fast path into a Writer on the file).
// Compare each "on" with "off" for the access log's own cost.
func BenchmarkAccessLog(b *testing.B) {
	file := func(b *testing.B) io.Writer {
		f, err := os.Create(filepath.Join(b.TempDir(), "log"))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { f.Close() })
		return f
	}
	for _, bc := range []struct {
		name    string
		handler func(b *testing.B) slog.Handler
	}{
		{"off", func(b *testing.B) slog.Handler {
			return slog.NewTextHandler(file(b), &slog.HandlerOptions{Level: slog.LevelError})
		}},
		{"on-slog-file", func(b *testing.B) slog.Handler { return slog.NewTextHandler(file(b), nil) }},
		{"on-logx-file", func(b *testing.B) slog.Handler {
			w := logx.NewWriter(file(b), 0)
			b.Cleanup(func() { _ = w.Close() })
			return logx.NewTextHandler(w, nil)
		}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			serve := accessAPI(bc.handler(b)).Handler()
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				var ctx fasthttp.RequestCtx
				for pb.Next() {
					ctx.Request.SetRequestURI("/api/v1/public/pages/pobratene-obcine?locale=en")
					serve(&ctx)
					ctx.Response.Reset()
				}
			})
		})
	}
}

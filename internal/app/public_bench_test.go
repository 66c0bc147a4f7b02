package app_test

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/jesenice/twincms/internal/apitest"
	"github.com/jesenice/twincms/internal/app"
	"github.com/jesenice/twincms/internal/logx"
	"github.com/valyala/fasthttp"
)

// BenchmarkPublicPage is the in-process half of bench/public-load.sh: the
// real Fiber app the command serves (composition root, embedded stores,
// demo content), driven through fasthttp without a network, beside a plain
// Fiber handler sending the page's bytes (static), so what the page path
// and its 304 spend beyond sending bytes shows as ns/op and allocations
// without the kernel's share. Two log configurations: info (the default:
// one access-log line per request through logx's Writer into a file, as
// the command writes stderr) and error (no access log). Compare page with
// static and 304 with static304 of the same configuration; -cpuprofile
// shows where the difference goes.
func BenchmarkPublicPage(b *testing.B) {
	const target = "/api/v1/public/pages/pobratene-obcine?locale=en"
	for _, level := range []slog.Level{slog.LevelInfo, slog.LevelError} {
		b.Run("log="+level.String(), func(b *testing.B) {
			serve := benchPublicApp(b, level)
			var ctx fasthttp.RequestCtx
			ctx.Request.SetRequestURI(target)
			serve(&ctx)
			if ctx.Response.StatusCode() != 200 {
				b.Fatalf("page: %d %s", ctx.Response.StatusCode(), ctx.Response.Body())
			}
			body := append([]byte(nil), ctx.Response.Body()...)
			etag := string(ctx.Response.Header.Peek(fiber.HeaderETag))
			static := staticTwin(body, etag)
			for _, bc := range []struct {
				name  string
				serve fasthttp.RequestHandler
				inm   string
				want  int
			}{
				{"static", static, "", 200},
				{"page", serve, "", 200},
				{"static304", static, etag, 304},
				{"304", serve, etag, 304},
			} {
				b.Run(bc.name, func(b *testing.B) {
					b.ReportAllocs()
					var ctx fasthttp.RequestCtx
					for b.Loop() {
						ctx.Request.SetRequestURI(target)
						if bc.inm != "" {
							ctx.Request.Header.Set(fiber.HeaderIfNoneMatch, bc.inm)
						}
						bc.serve(&ctx)
						if ctx.Response.StatusCode() != bc.want {
							b.Fatalf("%s: %d", bc.name, ctx.Response.StatusCode())
						}
						ctx.Request.Reset()
						ctx.Response.Reset()
					}
				})
			}
		})
	}
}

// benchPublicApp opens twincms with the demo content and a logger like
// the command's at level, and returns its Fiber app's request handler.
func benchPublicApp(b *testing.B, level slog.Level) fasthttp.RequestHandler {
	b.Helper()
	dir := b.TempDir()
	cfg, err := apitest.Config(filepath.Join(dir, "data"), nil)
	if err != nil {
		b.Fatal(err)
	}
	f, err := os.Create(filepath.Join(dir, "log"))
	if err != nil {
		b.Fatal(err)
	}
	w := logx.NewWriter(f, logx.FlushEvery)
	ctx := context.Background()
	cms, err := app.Open(ctx, cfg, app.Options{Logger: slog.New(logx.NewTextHandler(w, &slog.HandlerOptions{Level: level}))})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		_ = cms.Close(ctx)
		_ = w.Close()
		_ = f.Close()
	})
	fa, err := cms.Handler()
	if err != nil {
		b.Fatal(err)
	}
	return fa.Handler()
}

// staticTwin is internal/bench/static's handler: the page's bytes with the
// headers twincms sends, and its 304 to If-None-Match.
func staticTwin(body []byte, etag string) fasthttp.RequestHandler {
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	app.Get("/*", func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderETag, etag)
		c.Set(fiber.HeaderCacheControl, "public, max-age=60")
		c.Set(fiber.HeaderVary, fiber.HeaderAcceptLanguage)
		c.Set(fiber.HeaderContentLanguage, "sl")
		if c.Get(fiber.HeaderIfNoneMatch) == etag {
			return c.SendStatus(fiber.StatusNotModified)
		}
		c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
		return c.Send(body)
	})
	return app.Handler()
}

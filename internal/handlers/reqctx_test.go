package handlers

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/jesenice/twincms/models"
)

// probeAPI serves a few probe routes through the real middleware on a
// real listener.
func probeAPI(t *testing.T, routes func(a *API)) string {
	t.Helper()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	app := fiber.New(fiber.Config{ErrorHandler: WriteProblem(logger), DisableStartupMessage: true, StreamRequestBody: true})
	a := newAPI(app, Deps{Logger: logger})
	routes(a)
	app.Use(a.noRoute)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = app.Listener(ln) }()
	t.Cleanup(func() { _ = app.ShutdownWithTimeout(5 * time.Second) })
	return "http://" + ln.Addr().String()
}

func TestRequestContextHasIDAndRouteDeadline(t *testing.T) {
	type seen struct {
		id       string
		deadline time.Duration
		ctx      context.Context
	}
	got := make(chan seen, 2)
	base := probeAPI(t, func(a *API) {
		probe := func(c *fiber.Ctx) error {
			ctx := c.UserContext()
			dl, _ := ctx.Deadline()
			got <- seen{models.RequestID(ctx), time.Until(dl), ctx}
			return c.SendString("ok")
		}
		a.handle("GET", "/short", op{}, probe)
		a.handle("GET", "/long", op{Timeout: longRequest}, probe)
	})
	for _, tc := range []struct {
		path     string
		min, max time.Duration
	}{{"/short", shortRequest - 5*time.Second, shortRequest}, {"/long", longRequest - time.Minute, longRequest}} {
		res, err := http.Get(base + tc.path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		s := <-got
		if s.id == "" || s.id != res.Header.Get("X-Request-Id") {
			t.Errorf("%s: context request id %q, header %q", tc.path, s.id, res.Header.Get("X-Request-Id"))
		}
		if s.deadline < tc.min || s.deadline > tc.max {
			t.Errorf("%s: deadline in %v, want %v..%v", tc.path, s.deadline, tc.min, tc.max)
		}
		if s.ctx.Err() == nil {
			t.Errorf("%s: context still live after the response", tc.path)
		}
	}
}

// A handler whose work outlives its deadline answers 503, not a hang.
func TestRequestDeadlineEndsHungWork(t *testing.T) {
	base := probeAPI(t, func(a *API) {
		a.handle("GET", "/hang", op{Timeout: 300 * time.Millisecond}, func(c *fiber.Ctx) error {
			select {
			case <-c.UserContext().Done():
				return c.UserContext().Err()
			case <-time.After(time.Minute):
				return c.SendString("too late")
			}
		})
	})
	client := &http.Client{Timeout: 30 * time.Second}
	start := time.Now()
	res, err := client.Get(base + "/hang")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 503 || time.Since(start) > 5*time.Second {
		t.Fatalf("status %d after %v, want 503 within 5 s", res.StatusCode, time.Since(start))
	}
}

// endless is a response stream that fails once its context is done.
type endless struct {
	ctx  context.Context
	sent atomic.Int64
}

func (e *endless) Read(p []byte) (int, error) {
	if err := e.ctx.Err(); err != nil {
		return 0, err
	}
	e.sent.Add(int64(len(p)))
	return len(p), nil
}

// A streamed response keeps its context while it streams, and loses it
// when the client goes away.
func TestStreamContextLivesUntilClientLeaves(t *testing.T) {
	ctxs := make(chan context.Context, 1)
	base := probeAPI(t, func(a *API) {
		a.handle("GET", "/stream", op{Timeout: longRequest}, func(c *fiber.Ctx) error {
			ctxs <- c.UserContext()
			streamBody(c, &endless{ctx: c.UserContext()}, -1)
			return nil
		})
	})
	res, err := http.Get(base + "/stream")
	if err != nil {
		t.Fatal(err)
	}
	ctx := <-ctxs
	if _, err := io.CopyN(io.Discard, res.Body, 4<<20); err != nil {
		t.Fatalf("stream ended early: %v (context: %v)", err, ctx.Err())
	}
	if ctx.Err() != nil {
		t.Fatal("context cancelled while the response streams")
	}
	res.Body.Close() // the client leaves
	select {
	case <-ctx.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("context still live 10 s after the client left")
	}
}

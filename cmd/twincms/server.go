package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/jesenice/twincms/config"
	"github.com/jesenice/twincms/internal/app"
)

// Server is the twincms command's serving process: one App (the
// composition root) served by its own Fiber app, with its background work. Start builds it; Shutdown
// stops the parts in reverse order.
type Server struct {
	CMS *app.App
	App *fiber.App
	// Metrics serves /metrics alone on TWINCMS_METRICS_ADDR (nil: not set).
	Metrics *fiber.App

	stopBG context.CancelFunc
	bgDone chan struct{}
}

// Start opens twincms and builds the app; out receives the one-time
// initial admin token when one is generated.
func Start(ctx context.Context, cfg config.Config, logger *slog.Logger, out io.Writer) (*Server, error) {
	cms, err := app.Open(ctx, cfg, app.Options{Logger: logger, AdminTokenOut: out})
	if err != nil {
		return nil, err
	}
	app, err := cms.Handler()
	if err != nil {
		_ = cms.Close(ctx)
		return nil, err
	}
	bgCtx, stop := context.WithCancel(context.WithoutCancel(ctx))
	s := &Server{CMS: cms, App: app, Metrics: cms.MetricsHandler(), stopBG: stop, bgDone: make(chan struct{})}
	go func() { defer close(s.bgDone); _ = cms.Run(bgCtx) }()
	return s, nil
}

// Serve answers HTTP on ln until Shutdown; its connections move their
// deadlines lazily (coarseDeadlines).
func (s *Server) Serve(ln net.Listener) error { return s.App.Listener(coarseDeadlines(ln)) }

// ServeMetrics answers /metrics on ln until Shutdown.
func (s *Server) ServeMetrics(ln net.Listener) error { return s.Metrics.Listener(ln) }

// Shutdown stops accepting, drains in-flight requests up to timeout, then
// stops the background work and closes twincms, in that order.
func (s *Server) Shutdown(ctx context.Context, timeout time.Duration) error {
	err := s.App.ShutdownWithTimeout(timeout)
	if s.Metrics != nil {
		err = errors.Join(err, s.Metrics.ShutdownWithTimeout(time.Second))
	}
	s.stopBG()
	<-s.bgDone
	return errors.Join(err, s.CMS.Close(ctx))
}

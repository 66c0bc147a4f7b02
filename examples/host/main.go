// Command host is a small municipal website (its own Fiber app and pages)
// that carries twincms under /cms as a plugin: the twin-town list on its
// home page comes from twincms through the Go API, and twincms's public
// pages, editor API, admin UI and demo site are served under /cms.
//
//	go run ./examples/host
//
// It reads the same TWINCMS_* environment as the twincms command (its own
// address from TWINCMS_ADDR). Its editors sign in through the single
// sign-on proxy in front of it, which passes the user in X-Forwarded-User;
// the users named in HOST_EDITORS (comma-separated) are twincms editors.
// Trust that header only behind such a proxy.
package main

import (
	"context"
	"fmt"
	"html"
	"log/slog"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"

	"github.com/gofiber/fiber/v2"
	"github.com/jesenice/twincms"
	"github.com/jesenice/twincms/config"
	"github.com/jesenice/twincms/models"
)

func main() {
	twincms.RunS3ChildIfRequested() // first: the embedded S3 server is this binary
	if err := run(); err != nil {
		slog.Error("host stopped", "err", err)
		os.Exit(1)
	}
}

func run() error {
	cfg, err := config.Load(os.Getenv)
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: cfg.LogLevel}))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	editors := strings.Split(os.Getenv("HOST_EDITORS"), ",")
	cms, err := twincms.Open(ctx, cfg, twincms.WithPrefix("/cms"), twincms.WithLogger(logger),
		twincms.WithInitialAdminToken(os.Stdout),
		twincms.WithAuthenticator(func(c *fiber.Ctx) (twincms.User, bool) {
			user := c.Get("X-Forwarded-User")
			return twincms.User{ID: user, Name: user, Role: models.RoleEditor}, user != "" && slices.Contains(editors, user)
		}))
	if err != nil {
		return err
	}
	defer cms.Close(context.WithoutCancel(ctx))
	done := make(chan error, 1)
	go func() { done <- cms.Run(ctx) }()

	// Uploads stream through twincms only when the app streams request bodies.
	app := fiber.New(fiber.Config{AppName: "Občina Nagold", DisableStartupMessage: true, StreamRequestBody: true})
	app.Get("/", func(c *fiber.Ctx) error { return home(c, cms) })
	if err := cms.Mount(app); err != nil {
		return err
	}
	go func() {
		<-ctx.Done()
		_ = app.ShutdownWithTimeout(cfg.ShutdownTimeout)
	}()
	logger.Info("host ready", "url", "http://"+cfg.Addr, "cms", "http://"+cfg.Addr+"/cms/")
	if err := app.Listen(cfg.Addr); err != nil {
		return err
	}
	stop()
	return <-done
}

// home is the host's own page, listing the twin towns through the Go API.
func home(c *fiber.Ctx, cms *twincms.CMS) error {
	partners, err := cms.PublishedPartnerships(c.UserContext())
	if err != nil {
		return err
	}
	locales := cms.Locales()
	var b strings.Builder
	b.WriteString(`<!doctype html><html lang="sl"><title>Naša občina</title><h1>Naša občina</h1><h2>Pobratena mesta</h2><ul>`)
	for _, p := range partners {
		name, _ := p.Partner.Name.Resolve(append([]string{"sl"}, locales.Fallback...))
		fmt.Fprintf(&b, `<li class="partner">%s (%s)</li>`, html.EscapeString(name), html.EscapeString(p.Partner.Country))
	}
	b.WriteString(`</ul><p><a href="/cms/">Več o pobratenih mestih</a></p></html>`)
	c.Type("html", "utf-8")
	return c.SendString(b.String())
}

package handlers

import (
	"crypto/subtle"
	"time"

	"github.com/gofiber/fiber/v2"
)

// Who may read /metrics (TWINCMS_METRICS).
const (
	MetricsToken  = "token"  // an admin token or the scraper's TWINCMS_METRICS_TOKEN
	MetricsPublic = "public" // anyone: for a listener only the monitoring network reaches
	MetricsOff    = "off"    // nobody: not served
)

// metricsRoute registers /metrics as d.MetricsAccess says: nothing when
// off or when there is no registry to serve (a Go host exposes the
// metrics: twincms.WithRegisterer). In token mode the route takes an
// admin token, or the scraper's token, which is compared in constant
// time and has no other rights; a wrong one is a refused authentication
// like any other (audit log, throttle).
func (a *API) metricsRoute() {
	if a.metrics.Registry == nil || a.d.MetricsAccess == MetricsOff {
		return
	}
	o := op{Summary: "Prometheus metrics", Tag: "system", Produces: []string{"text/plain"}, Timeout: 30 * time.Second}
	if a.d.MetricsAccess != MetricsPublic {
		o.Summary = "Prometheus metrics (an admin token or the scraper's TWINCMS_METRICS_TOKEN)"
		o.Roles = admins
		if a.d.MetricsToken != "" {
			want := []byte(a.d.MetricsToken)
			o.Bypass = func(c *fiber.Ctx) bool {
				secret, ok := bearerToken(c.Get(fiber.HeaderAuthorization))
				return ok && subtle.ConstantTimeCompare([]byte(secret), want) == 1
			}
		}
	}
	a.handle("GET", "/metrics", o, a.metrics.handler())
}

// NewMetricsApp serves /metrics alone, as d.MetricsAccess says, for a
// listener of its own (TWINCMS_METRICS_ADDR): anything else is 404.
func NewMetricsApp(d Deps) *fiber.App {
	app := fiber.New(fiber.Config{
		AppName:               "twincms-metrics",
		ErrorHandler:          WriteProblem(d.Logger),
		DisableStartupMessage: true,
		ReadTimeout:           30 * time.Second,
		WriteTimeout:          30 * time.Second,
		IdleTimeout:           2 * time.Minute,
	})
	d.MetricsElsewhere = false
	a := newAPI(app, d)
	a.metricsRoute()
	app.Use(a.noRoute)
	return app
}

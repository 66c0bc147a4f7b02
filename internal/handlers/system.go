package handlers

import (
	"context"
	"errors"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/jesenice/twincms/models"
)

// healthz: the process is up and answers HTTP. Orchestrators restart the
// process when it fails (liveness); it does not look at the stores,
// because restarting twincms does not mend a store.
func (a *API) healthz(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(fiber.Map{"status": "ok"})
}

// Readiness check outcomes, as /readyz reports them per check.
const (
	checkOK          = "ok"
	checkUnavailable = "unavailable"
	checkFull        = "insufficient_storage"
)

// readyz: this instance can serve reads and writes now (readiness: send
// it traffic). Each check reads and writes its store (the write probes are
// cached for a few seconds). A store that is down or hung, or has lost
// write quorum, gives 503 with Retry-After. A full disk gives 200 with
// status "degraded": taking every instance out of service would stop reads
// and the purges that free space, while writes get a 507 that says why.
func (a *API) readyz(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), 4*time.Second)
	defer cancel()
	checks := map[string]string{}
	ok, full := true, false
	for _, ch := range a.d.Checks {
		err := ch.Ping(ctx)
		switch {
		case err == nil:
			checks[ch.Name] = checkOK
		case errors.Is(err, models.ErrInsufficientStorage):
			checks[ch.Name] = checkFull
			full = true
			a.logger.Warn("readiness: storage full", "check", ch.Name, "err", err)
		default:
			checks[ch.Name] = checkUnavailable
			ok = false
			a.logger.Warn("readiness check failed", "check", ch.Name, "err", err)
		}
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	if !ok {
		c.Set(fiber.HeaderContentType, "application/problem+json")
		c.Set(fiber.HeaderRetryAfter, retryAfter)
		return c.Status(fiber.StatusServiceUnavailable).JSON(fiber.Map{
			"type": problemPrefix + "not-ready", "title": "Not ready", "status": fiber.StatusServiceUnavailable,
			"detail": "a backing service is unavailable", "checks": checks, "request_id": requestID(c),
		}, "application/problem+json")
	}
	status := "ready"
	if full {
		status = "degraded"
	}
	out := healthView{Status: status, Checks: checks}
	if a.d.Backups != nil {
		if w := a.d.Backups.Warning(); w != "" {
			out.Warnings = map[string]string{"backup": w}
		}
	}
	return c.JSON(out)
}

package handlers

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"
)

// healthz: the process is up.
func (a *API) healthz(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(fiber.Map{"status": "ok"})
}

// readyz: every backing service answers; 503 names the ones that do not.
func (a *API) readyz(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), 3*time.Second)
	defer cancel()
	checks := map[string]string{}
	ok := true
	for _, ch := range a.d.Checks {
		if err := ch.Ping(ctx); err != nil {
			checks[ch.Name] = "unavailable"
			ok = false
			a.logger.Warn("readiness check failed", "check", ch.Name, "err", err)
		} else {
			checks[ch.Name] = "ok"
		}
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	if !ok {
		c.Set(fiber.HeaderContentType, "application/problem+json")
		return c.Status(fiber.StatusServiceUnavailable).JSON(fiber.Map{
			"type": problemPrefix + "not-ready", "title": "Not ready", "status": fiber.StatusServiceUnavailable,
			"detail": "a backing service is unavailable", "checks": checks,
		}, "application/problem+json")
	}
	return c.JSON(fiber.Map{"status": "ready", "checks": checks})
}

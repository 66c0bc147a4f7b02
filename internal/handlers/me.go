package handlers

import (
	"github.com/gofiber/fiber/v2"
	"github.com/jesenice/twincms/models"
)

// everyone is every role: routes any valid token may call.
var everyone = []models.Role{models.RoleEditor, models.RoleArchivist}

// me: GET /me — who the caller is (a token or a signed-in person), so a
// client (the admin UI) can show the name and role and offer only the
// screens it may use. A person also gets the session's CSRF token.
func (a *API) me(c *fiber.Ctx) error {
	p, _ := c.Locals(localPrincipal).(principal)
	c.Set(fiber.HeaderCacheControl, "no-store")
	v := meView{Type: p.Kind, ID: p.ID, Name: p.Name, Role: p.Role}
	if p.User != nil {
		v.Email, v.TOTPEnabled, v.MustEnrolTOTP = p.User.Email, &p.User.TOTPEnabled, &p.MustEnrol
		v.CSRFToken, v.SessionExpires = p.Session.CSRF, &p.Session.ExpiresAt
		sso := p.User.SSO && p.User.PasswordHash == ""
		v.SSO = &sso
	}
	return c.JSON(v)
}

// storageUsage: GET /storage — how many documents are kept and how many
// bytes their originals and renditions take, for the dashboard.
func (a *API) storageUsage(c *fiber.Ctx) error {
	docs, err := a.d.Documents.All(c.UserContext())
	if err != nil {
		return err
	}
	var out struct {
		Documents int   `json:"documents"`
		Withdrawn int   `json:"withdrawn"`
		Bytes     int64 `json:"bytes"`
	}
	for _, d := range docs {
		out.Documents++
		if d.Status == models.DocumentWithdrawn {
			out.Withdrawn++
		}
		out.Bytes += d.File.Size
		for _, r := range d.Renditions {
			out.Bytes += r.Size
		}
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(out)
}

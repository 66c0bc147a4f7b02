package handlers

import (
	"context"

	"github.com/gofiber/fiber/v2"
	"github.com/jesenice/twincms/internal/a11y"
	"github.com/jesenice/twincms/models"
)

// AccessibilityStatement is the accessibility statement (a11y.Statement):
// the editor's settings and the statement generated from them and the
// published documents' facts.
type AccessibilityStatement interface {
	Current(ctx context.Context) (models.StatementSettings, error)
	Save(ctx context.Context, in models.StatementSettings) (models.StatementSettings, error)
	Public(ctx context.Context, locale string) (*a11y.PublicStatement, error)
}

func (a *API) accessibilityRoutes() {
	if a.d.Statement == nil {
		return
	}
	a.handle("GET", "/api/v1/public/accessibility-statement", op{Summary: "The accessibility statement (izjava o dostopnosti, ZDSMA) generated from the settings and the published documents' accessibility facts; Slovenian, or English for every other locale",
		Tag: "public", Response: "AccessibilityStatement", Query: []string{"locale"}, Headers: []string{"Accept-Language"}}, a.publicStatement)
	a.handle("GET", "/api/v1/accessibility-statement", op{Summary: "The accessibility statement's settings (the defaults until saved)", Tag: "content", Roles: editors, Response: "StatementSettings"}, a.getStatementSettings)
	a.handle("PUT", "/api/v1/accessibility-statement", op{Summary: "Replace the accessibility statement's settings: conformance status, contact, enforcement body, dates of preparation and review",
		Tag: "content", Roles: editors, Request: "StatementSettingsInput", Response: "StatementSettings"}, a.putStatementSettings)
}

func (a *API) publicStatement(c *fiber.Ctx) error {
	v, err := a.publicView(c)
	if err != nil {
		return err
	}
	st, err := a.d.Statement.Public(c.UserContext(), v.Locale)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "public, max-age=60")
	c.Set(fiber.HeaderContentLanguage, st.Locale)
	c.Set(fiber.HeaderVary, "Accept-Language")
	return c.JSON(st)
}

func (a *API) getStatementSettings(c *fiber.Ctx) error {
	s, err := a.d.Statement.Current(c.UserContext())
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(s)
}

func (a *API) putStatementSettings(c *fiber.Ctx) error {
	var in models.StatementSettings
	if err := decodeStrict(c, a.d.MaxJSONBytes, &in); err != nil {
		return err
	}
	s, err := a.d.Statement.Save(c.UserContext(), in)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(s)
}

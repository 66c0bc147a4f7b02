package handlers

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/jesenice/twincms/models"
)

// TokenStore checks and keeps API tokens.
type TokenStore interface {
	// Authenticate finds the token for a secret from memory (no query).
	Authenticate(secret string) (models.Token, bool)
	// Create returns the new token and its secret, shown once.
	Create(ctx context.Context, in models.TokenInput, by string) (models.Token, string, error)
	List(ctx context.Context) ([]models.Token, error)
	// Delete returns models.ErrNotFound for an unknown id.
	Delete(ctx context.Context, id string) error
}

const localToken = "token"

// requireRole authenticates the bearer token and checks its role; admin
// passes every check. The request's context then carries the client's
// address and the actor, whom every change below records. (Here rather
// than in the middleware: only routes with a role write or refuse, and the
// public routes stay free of the per-request cost.)
func (a *API) requireRole(roles ...models.Role) fiber.Handler {
	return func(c *fiber.Ctx) error {
		c.SetUserContext(models.WithClient(c.UserContext(), c.IP()))
		if c.Get(fiber.HeaderAuthorization) == "" && a.d.Authenticate != nil {
			if tok, ok := a.d.Authenticate(c); ok {
				return a.allowRole(c, tok, roles)
			}
		}
		secret, ok := bearerToken(c.Get(fiber.HeaderAuthorization))
		if !ok {
			c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="twincms"`)
			a.authRefused(c, "no bearer token")
			return fmt.Errorf("%w: send Authorization: Bearer <token>", models.ErrUnauthorized)
		}
		tok, ok := a.d.Tokens.Authenticate(secret)
		if !ok {
			c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="twincms", error="invalid_token"`)
			a.authRefused(c, "unknown or revoked token")
			return fmt.Errorf("%w: the token is not valid", models.ErrUnauthorized)
		}
		return a.allowRole(c, tok, roles)
	}
}

// allowRole lets an authenticated caller through when its role is one of
// roles; admin passes every check.
func (a *API) allowRole(c *fiber.Ctx, tok models.Token, roles []models.Role) error {
	if tok.Role != models.RoleAdmin && !slices.Contains(roles, tok.Role) {
		return fmt.Errorf("%w: role %s may not do this", models.ErrForbidden, tok.Role)
	}
	c.Locals(localToken, tok)
	c.SetUserContext(models.WithActor(c.UserContext(), models.Actor{TokenID: tok.ID, Name: tok.Name}))
	return c.Next()
}

// bearerToken reads the secret of an "Authorization: Bearer <token>"
// header. The scheme is case-insensitive (RFC 9110 §11.1), so "bearer" and
// "BEARER" work as well.
func bearerToken(h string) (string, bool) {
	scheme, secret, ok := strings.Cut(strings.TrimSpace(h), " ")
	secret = strings.TrimSpace(secret)
	if !ok || !strings.EqualFold(scheme, "Bearer") || secret == "" || strings.ContainsAny(secret, " \t") {
		return "", false
	}
	return secret, true
}

// actor names the caller in records: the token id, never the secret.
func actor(c *fiber.Ctx) string { return models.ActorFrom(c.UserContext()).Ref() }

// createToken: POST /tokens (admin).
func (a *API) createToken(c *fiber.Ctx) error {
	var in models.TokenInput
	if err := decodeStrict(c, a.d.MaxJSONBytes, &in); err != nil {
		return err
	}
	if err := in.Validate(); err != nil {
		return err
	}
	tok, secret, err := a.d.Tokens.Create(c.UserContext(), in, actor(c))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(fiber.StatusCreated).JSON(struct {
		models.Token
		Secret string `json:"token"`
	}{tok, secret})
}

// listTokens: GET /tokens (admin).
func (a *API) listTokens(c *fiber.Ctx) error {
	list, err := a.d.Tokens.List(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": list})
}

// deleteToken: DELETE /tokens/:id (admin).
func (a *API) deleteToken(c *fiber.Ctx) error {
	if err := a.d.Tokens.Delete(c.UserContext(), strings.Clone(c.Params("id"))); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

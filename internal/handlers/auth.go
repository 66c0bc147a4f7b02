package handlers

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

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
//
// Refused credentials are throttled (AuthThrottle): a client over its
// limit gets 429 before its token is looked at, and past the global limit
// a refused token is 429 too, while a good one still passes. A request
// without credentials is refused (401) but not counted: it guesses
// nothing.
func (a *API) requireRole(roles ...models.Role) fiber.Handler {
	return a.requireRoleUnless(nil, roles...)
}

// requireRoleUnless is requireRole, but a request bypass says yes to
// passes without a token (bypass nil: none does).
func (a *API) requireRoleUnless(bypass func(c *fiber.Ctx) bool, roles ...models.Role) fiber.Handler {
	return func(c *fiber.Ctx) error {
		client := a.clientAddr(c).String()
		c.SetUserContext(models.WithClient(c.UserContext(), client))
		if bypass != nil && bypass(c) {
			return c.Next()
		}
		header := c.Get(fiber.HeaderAuthorization)
		if header == "" {
			if a.d.Accounts != nil && c.Cookies(sessionCookie) != "" {
				return a.sessionAuth(c, roles)
			}
			if a.d.Authenticate != nil {
				if tok, ok := a.d.Authenticate(c); ok {
					return a.allowToken(c, tok, roles)
				}
			}
		}
		if header != "" && a.d.AuthThrottle != nil {
			if wait, ok := a.d.AuthThrottle.Allow(client); !ok {
				return throttled(c, wait, "from this client")
			}
		}
		secret, ok := bearerToken(header)
		if !ok {
			c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="twincms"`)
			if header == "" {
				a.authRefused(c, "no bearer token")
				return fmt.Errorf("%w: send Authorization: Bearer <token>", models.ErrUnauthorized)
			}
			return a.refuse(c, client, "malformed Authorization header",
				fmt.Errorf("%w: send Authorization: Bearer <token>", models.ErrUnauthorized))
		}
		tok, ok := a.d.Tokens.Authenticate(secret)
		if !ok {
			c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="twincms", error="invalid_token"`)
			return a.refuse(c, client, "unknown or revoked token", fmt.Errorf("%w: the token is not valid", models.ErrUnauthorized))
		}
		if a.d.AuthThrottle != nil {
			a.d.AuthThrottle.Pass(client)
		}
		return a.allowToken(c, tok, roles)
	}
}

// refuse records a refused authentication (audit log, throttle) and
// answers err, or 429 when the throttle says so.
func (a *API) refuse(c *fiber.Ctx, client, reason string, err error) error {
	a.authRefused(c, reason)
	if a.d.AuthThrottle == nil {
		return err
	}
	if wait, ok := a.d.AuthThrottle.Fail(client); !ok {
		return throttled(c, wait, "from all clients")
	}
	return err
}

// throttled answers 429 with Retry-After in whole seconds (at least 1).
func throttled(c *fiber.Ctx, wait time.Duration, from string) error {
	secs := int((wait + time.Second - 1) / time.Second)
	secs = max(secs, 1)
	c.Set(fiber.HeaderRetryAfter, strconv.Itoa(secs))
	return fmt.Errorf("%w: too many refused authentications %s; try again in %d s", models.ErrThrottled, from, secs)
}

func (a *API) allowToken(c *fiber.Ctx, tok models.Token, roles []models.Role) error {
	c.Locals(localToken, tok)
	return a.allowRole(c, tokenPrincipal(tok), roles)
}

// allowRole lets an authenticated caller (a token or a signed-in person)
// through when its role is one of roles; admin passes every check. It is
// the one role check of the API.
func (a *API) allowRole(c *fiber.Ctx, p principal, roles []models.Role) error {
	if p.Role != models.RoleAdmin && !slices.Contains(roles, p.Role) {
		return fmt.Errorf("%w: role %s may not do this", models.ErrForbidden, p.Role)
	}
	c.Locals(localPrincipal, p)
	c.SetUserContext(models.WithActor(c.UserContext(), p.actor()))
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
		return models.MergeProblems(err, in.Validate())
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

package handlers

import (
	"encoding/json"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/jesenice/twincms/internal/accounts"
	"github.com/jesenice/twincms/models"
)

// userCreated is POST /users and POST /users/{id}/invitation: the user
// and the invitation link, shown once.
type userCreated struct {
	User *models.User `json:"user"`
	accounts.Invitation
}

// signInPolicy is GET and PUT /auth/policy.
type signInPolicy struct {
	TOTPRequiredRoles []models.Role `json:"totp_required_roles"`
}

// userOwned are the fields of a user a client never sends (status is the
// admin's to change, so it is not among them).
var userOwned = []string{"id", "created_at", "created_by", "updated_at", "password_hash", "totp_enabled", "sso", "last_sign_in", "invitation_expires"}

// decodeUserBody reads a JSON object into dst, refusing unknown and
// server-owned fields.
func (a *API) decodeUserBody(c *fiber.Ctx, dst any, types ...string) error {
	if err := requireJSON(c, types...); err != nil {
		return err
	}
	body, err := readBody(c, a.d.MaxJSONBytes)
	if err != nil {
		return err
	}
	fields, err := parseJSONObject(body, "the body", userOwned)
	if err != nil {
		return err
	}
	raw, _ := json.Marshal(fields)
	return strictDecode(raw, dst)
}

// baseURL is where the request came to, with the API's mount prefix:
// invitation links point there unless TWINCMS_PUBLIC_URL says otherwise.
func (a *API) baseURL(c *fiber.Ctx) string {
	return c.BaseURL() + a.prefix()
}

func (a *API) createUser(c *fiber.Ctx) error {
	var in models.UserInput
	if err := a.decodeUserBody(c, &in); err != nil {
		return err
	}
	u, inv, err := a.d.Accounts.Create(c.UserContext(), in, a.baseURL(c))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Location(a.prefix() + "/api/v1/users/" + u.ID)
	return c.Status(fiber.StatusCreated).JSON(userCreated{User: u, Invitation: inv})
}

func (a *API) listUsers(c *fiber.Ctx) error {
	list, err := a.d.Accounts.List(c.UserContext())
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(itemsOf[models.User]{Items: list})
}

func (a *API) getUser(c *fiber.Ctx) error {
	u, err := a.d.Accounts.Get(c.UserContext(), strings.Clone(c.Params("id")))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(u)
}

func (a *API) patchUser(c *fiber.Ctx) error {
	var in models.UserPatch
	if err := a.decodeUserBody(c, &in, "application/merge-patch+json"); err != nil {
		return err
	}
	u, err := a.d.Accounts.Update(c.UserContext(), strings.Clone(c.Params("id")), in)
	if err != nil {
		return err
	}
	return c.JSON(u)
}

func (a *API) deleteUser(c *fiber.Ctx) error {
	if err := a.d.Accounts.Delete(c.UserContext(), strings.Clone(c.Params("id"))); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// reinviteUser: a new invitation (a password reset); the earlier link
// stops working.
func (a *API) reinviteUser(c *fiber.Ctx) error {
	u, inv, err := a.d.Accounts.Reinvite(c.UserContext(), strings.Clone(c.Params("id")), a.baseURL(c))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(fiber.StatusCreated).JSON(userCreated{User: u, Invitation: inv})
}

// resetUserTOTP: an admin removes the second factor of a person who lost
// their device.
func (a *API) resetUserTOTP(c *fiber.Ctx) error {
	u, err := a.d.Accounts.Get(c.UserContext(), strings.Clone(c.Params("id")))
	if err != nil {
		return err
	}
	if err := a.d.Accounts.DisableTOTP(c.UserContext(), u); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (a *API) getPolicy(c *fiber.Ctx) error {
	roles, err := a.d.Accounts.TOTPRequiredRoles(c.UserContext())
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(signInPolicy{TOTPRequiredRoles: roles})
}

func (a *API) putPolicy(c *fiber.Ctx) error {
	var in signInPolicy
	if err := decodeStrict(c, a.d.MaxJSONBytes, &in); err != nil {
		return err
	}
	if in.TOTPRequiredRoles == nil {
		var p models.Problems
		p.Add("totp_required_roles", "is required (an empty list requires no second factor)")
		return p.Err(models.ErrInvalid)
	}
	if err := a.d.Accounts.SetTOTPRequiredRoles(c.UserContext(), in.TOTPRequiredRoles); err != nil {
		return err
	}
	return a.getPolicy(c)
}

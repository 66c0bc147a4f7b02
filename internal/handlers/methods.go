package handlers

import (
	"fmt"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/jesenice/twincms/models"
)

// route is one registered method and path, kept so that a request that
// reached no handler can be told which methods its path takes (405 with
// Allow) from the same registrations that built the router.
type route struct {
	method string
	parts  []string
}

func newRoute(method, path string) route {
	return route{method: method, parts: splitPath(path)}
}

// splitPath splits like Fiber matches: case-insensitive, with a trailing
// slash ignored.
func splitPath(p string) []string {
	return strings.Split(strings.Trim(strings.ToLower(p), "/"), "/")
}

// matches reports whether path fits the route's pattern; a ":name" segment
// matches any one non-empty segment.
func (r route) matches(parts []string) bool {
	if len(parts) != len(r.parts) {
		return false
	}
	for i, want := range r.parts {
		if strings.HasPrefix(want, ":") {
			if parts[i] == "" {
				return false
			}
			continue
		}
		if want != parts[i] {
			return false
		}
	}
	return true
}

// allowedMethods lists the methods registered for path, sorted.
func (a *API) allowedMethods(path string) []string {
	parts := splitPath(path)
	var out []string
	for _, r := range a.table {
		if r.matches(parts) && !slices.Contains(out, r.method) {
			out = append(out, r.method)
		}
	}
	slices.Sort(out)
	return out
}

// noRoute answers a request no handler took: 405 with Allow when the path
// exists under other methods, else 404.
func (a *API) noRoute(c *fiber.Ctx) error {
	if outsideMount(c) {
		return c.Next()
	}
	// Mounted under a prefix, the catch-all's path is that prefix.
	rel := strings.TrimPrefix(c.Path(), strings.TrimSuffix(c.Route().Path, "/"))
	if allow := a.allowedMethods(rel); len(allow) > 0 {
		c.Set(fiber.HeaderAllow, strings.Join(allow, ", "))
		return fmt.Errorf("%w: this path takes %s, not %s", errMethodNotAllowed, strings.Join(allow, ", "), methodName(c.Method()))
	}
	return fmt.Errorf("%w: no route for this path", models.ErrNotFound)
}

// methodName echoes a method only if it is a plain token (it is the
// client's, but it goes into our text).
func methodName(m string) string {
	if len(m) > 16 || strings.Trim(m, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
		return "the method sent"
	}
	return m
}

// outsideMount reports a request that reached one of the API's
// middlewares without being under its mount prefix: Fiber matches
// middleware by string prefix, so a group at /cms also sees /cmsx. Such a
// request is the host app's, passed on untouched.
func outsideMount(c *fiber.Ctx) bool {
	mount, p := c.Route().Path, c.Path()
	return len(mount) > 1 && len(p) > len(mount) && p[len(mount)] != '/'
}

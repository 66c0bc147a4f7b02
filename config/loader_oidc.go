package config

import (
	"fmt"
	"net"
	"net/url"
	"strings"
)

// OIDC is single sign-on with an OpenID provider (Entra ID, Keycloak,
// SI-PASS ...): the authorization code flow with PKCE. Issuer "" turns it
// off.
type OIDC struct {
	Issuer       string
	ClientID     string
	ClientSecret string
	// Scopes are asked for besides openid (default profile, email).
	Scopes []string
	// RoleClaim names the claim (a dotted path into nested objects, such
	// as Keycloak's realm_access.roles) whose values RoleMap maps.
	RoleClaim string
	// RoleMap maps claim values to twincms roles, first match wins.
	RoleMap []RoleMapping
	// AutoCreate: a first sign-in makes the account; otherwise only people
	// an admin created (same email) may sign in.
	AutoCreate bool
}

// RoleMapping is one "value=role" of TWINCMS_OIDC_ROLE_MAP.
type RoleMapping struct {
	Value string
	Role  string
}

// Enabled tells whether single sign-on is configured.
func (o OIDC) Enabled() bool { return o.Issuer != "" }

// issuer is an OpenID provider's issuer URL: https, or http on a loopback
// address only (a provider on the same machine, tests).
func (l *loader) issuer(name string) string {
	v := strings.TrimSpace(l.getenv(name))
	if v == "" {
		return ""
	}
	u, err := url.Parse(v)
	if err != nil || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		l.fail(name, fmt.Sprintf("must be the provider's issuer URL, got %q", v))
		return v
	}
	if u.Scheme != "https" {
		host := u.Hostname()
		ip := net.ParseIP(host)
		if u.Scheme != "http" || !(host == "localhost" || ip != nil && ip.IsLoopback()) {
			l.fail(name, fmt.Sprintf("must be an https URL (http only on a loopback address), got %q", v))
		}
	}
	return v
}

// scopes reads scopes separated by spaces or commas; openid is always
// asked for and not repeated.
func (l *loader) scopes(name, def string) []string {
	var out []string
	for _, s := range strings.FieldsFunc(l.str(name, def), func(r rune) bool { return r == ',' || r == ' ' }) {
		if s == "openid" {
			continue
		}
		if strings.ContainsAny(s, "\"\\") {
			l.fail(name, fmt.Sprintf("has an invalid scope %q", s))
		}
		out = append(out, s)
	}
	return out
}

// roleMap reads "value=role,value=role" (roles admin, editor, archivist).
func (l *loader) roleMap(name string) []RoleMapping {
	v := l.str(name, "")
	if v == "" {
		return nil
	}
	var out []RoleMapping
	for _, pair := range strings.Split(v, ",") {
		val, role, ok := strings.Cut(strings.TrimSpace(pair), "=")
		val, role = strings.TrimSpace(val), strings.TrimSpace(role)
		if !ok || val == "" || (role != "admin" && role != "editor" && role != "archivist") {
			l.fail(name, fmt.Sprintf(`must be "value=role,..." with roles admin, editor, archivist, got %q`, pair))
			return nil
		}
		out = append(out, RoleMapping{Value: val, Role: role})
	}
	return out
}

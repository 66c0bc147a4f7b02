package twincms

import (
	"errors"
	"io"
	"log/slog"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/jesenice/twincms/internal/app"
	"github.com/jesenice/twincms/models"
	"github.com/prometheus/client_golang/prometheus"
)

// Option customises how Open builds a CMS; see the package documentation
// for what can and cannot be changed.
type Option func(*options)

type options struct {
	prefix        string
	logger        *slog.Logger
	registerer    prometheus.Registerer
	noMetrics     bool
	site, admin   bool
	authenticate  Authenticator
	adminTokenOut io.Writer
	hooks         models.Hooks
}

func defaultOptions() options {
	return options{logger: slog.New(slog.DiscardHandler), site: true, admin: true}
}

// check refuses options that cannot work, before anything is opened.
func (o options) check() error {
	if o.prefix != "" && (!strings.HasPrefix(o.prefix, "/") || strings.HasSuffix(o.prefix, "/") || strings.ContainsAny(o.prefix, ":*?+ ")) {
		return errors.New("twincms: the prefix must start with / and name a plain path (\"/cms\"), without a trailing /")
	}
	return nil
}

// app is what the options ask of the composition root.
func (o options) app() app.Options {
	a := app.Options{Prefix: o.prefix, Logger: o.logger, Registerer: o.registerer, NoMetrics: o.noMetrics,
		NoSite: !o.site, NoAdminUI: !o.admin, AdminTokenOut: o.adminTokenOut, Hooks: o.hooks}
	if auth := o.authenticate; auth != nil {
		a.Authenticate = func(fc *fiber.Ctx) (models.Token, bool) {
			u, ok := auth(fc)
			if !ok || u.ID == "" || !validRole(u.Role) {
				return models.Token{}, false
			}
			return models.Token{ID: "host:" + u.ID, Name: u.Name, Role: u.Role}, true
		}
	}
	return a
}

func validRole(r models.Role) bool {
	return r == models.RoleAdmin || r == models.RoleEditor || r == models.RoleArchivist
}

// WithPrefix mounts the API under prefix ("/cms"): Mount adds routes only
// below it. The default is "" (the root), as the twincms command serves it.
func WithPrefix(prefix string) Option { return func(o *options) { o.prefix = prefix } }

// WithLogger sends twincms's logs (access log, background work) to l;
// records logged with a request's context carry its request_id. The
// default discards them.
func WithLogger(l *slog.Logger) Option {
	return func(o *options) {
		if l != nil {
			o.logger = l
		}
	}
}

// WithRegisterer registers twincms's metrics (twincms_*: requests,
// latency, fixity checks, sweep repairs) with the host's registerer
// instead of twincms's own registry; PREFIX/metrics then answers 404 and
// the host exposes them with its own metrics. The Go runtime and process
// collectors are left to the host.
func WithRegisterer(r prometheus.Registerer) Option { return func(o *options) { o.registerer = r } }

// WithoutMetrics serves no PREFIX/metrics: the metrics are still counted
// in a registry of this instance, registered nowhere.
func WithoutMetrics() Option { return func(o *options) { o.noMetrics = true } }

// WithSite serves the demo website at PREFIX/ (default true).
func WithSite(on bool) Option { return func(o *options) { o.site = on } }

// WithAdminUI serves the admin web UI at PREFIX/admin (default true).
func WithAdminUI(on bool) Option { return func(o *options) { o.admin = on } }

// WithInitialAdminToken writes the one-time admin token to w when Open
// finds no admin and no TWINCMS_BOOTSTRAP_TOKEN. Without it no token is
// made (the library writes nowhere on its own).
func WithInitialAdminToken(w io.Writer) Option { return func(o *options) { o.adminTokenOut = w } }

// User is who a host's authenticator says the caller is. ID and Name go
// into the records of what the user changes (as "token:host:ID"); Role is
// the twincms role the user acts in (editor, archivist or admin).
type User struct {
	ID   string
	Name string
	Role models.Role
}

// Authenticator maps a request of the host's own users (a session cookie,
// an SSO header its middleware checked) to a twincms user. It is asked only
// when the request carries no Authorization header, so twincms tokens keep
// working beside it; ok false means "not one of ours": the request is then
// unauthenticated (401 where a role is needed). It runs on every request to
// a route that needs a role and must not block for long.
type Authenticator func(c *fiber.Ctx) (u User, ok bool)

// WithAuthenticator lets the host's own sessions or SSO users call the
// API in the roles a maps them to, besides twincms tokens.
func WithAuthenticator(a Authenticator) Option { return func(o *options) { o.authenticate = a } }

// WithChangeHook adds a subscriber to every change of content (a
// models.Change after each write), told after twincms's own (the
// published snapshot): a host's search index or cache, say. It runs in the
// writing request and must not block for long.
func WithChangeHook(h models.ChangeHook) Option {
	return func(o *options) { o.hooks = append(o.hooks, h) }
}

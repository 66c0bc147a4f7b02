package handlers

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"io/fs"
	"log/slog"
	"net/netip"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"
	"github.com/jesenice/twincms/models"
)

// Deps is everything the API needs; cmd/twincms wires the real stores.
type Deps struct {
	Logger       *slog.Logger
	Tokens       TokenStore
	Checks       []Check
	Partnerships ContentService[models.Partnership, *models.Partnership]
	Blocks       ContentService[models.Block, *models.Block]
	Pages        ContentService[models.ContentPage, *models.ContentPage]
	Published    PublicContent
	Documents    DocumentStore
	// PartnershipIndex, when set, answers the archive's partnership list
	// and year search from memory (else every partnership is read).
	PartnershipIndex PartnershipIndex
	Ingest           Ingester
	Presigner        Presigner
	Fixity           FixityService
	Bags             BagWriter
	Originals        RangeReader
	// DownloadLinks signs the admin UI's download links (nil: no link
	// routes; the UI then has none to offer).
	DownloadLinks DownloadLinks
	Ingests       IngestJobs
	// FullText answers document searches with q (nil: the metadata search
	// answers them); PublicDocuments, with it, serves the public search.
	FullText        FullTextSearch
	PublicDocuments PublicDocuments
	// Texts reads extracted texts and TextExtraction reports their queue
	// (nil: no text routes); PublishedDocument serves the public text.
	Texts             DocumentTexts
	TextExtraction    TextExtraction
	PublishedDocument PublishedDocument
	// Authenticate, when set, names the caller of a request without an
	// Authorization header from the host app's own session (twincms as a
	// plugin); ok false leaves the request unauthenticated.
	Authenticate func(c *fiber.Ctx) (tok models.Token, ok bool)
	// Site is the demo website served at /; nil serves none.
	Site fs.FS
	// Admin is the admin web UI served at /admin; nil serves none.
	Admin fs.FS
	// S3Origin is the object store's origin as browsers reach it, allowed
	// by the pages' Content-Security-Policy.
	S3Origin string
	// LinkTTL is the lifetime of public signed links.
	LinkTTL      time.Duration
	Locales      models.Locales
	MaxJSONBytes int64
	// BodyLimit is Fiber's in-memory body limit; larger bodies are streamed.
	BodyLimit int
	Metrics   *Metrics
	// Schedules plans publishes; nil serves no schedule routes.
	Schedules ScheduleService
	// PreviewLinks makes draft preview links (nil serves no preview
	// routes); Drafts renders what they show.
	PreviewLinks PreviewLinkService
	Drafts       DraftRenderer
	// Webhooks manages webhooks (admin routes).
	Webhooks WebhookService
	// Audit reads the audit log (admin routes).
	Audit AuditLog
	// Backups runs backups (admin routes); nil serves none.
	Backups BackupService
	// Harvest answers OAI-PMH requests at /oai; nil serves none.
	Harvest Harvester
	// Statement is the accessibility statement; nil serves none.
	Statement AccessibilityStatement
	// Accounts are people's accounts and sessions; nil: tokens only.
	Accounts AccountService
	// SSO is single sign-on with an OpenID provider; nil: not configured.
	SSO SSOService
	// PublicURL is TWINCMS_PUBLIC_URL: an https one makes cookies Secure
	// and is an accepted Origin.
	PublicURL string
	// AuthRefused is told of every refused authentication (audit log).
	AuthRefused func(ctx context.Context, reason string)
	// AuthThrottle, when set, limits refused authentications per client
	// and for all clients (throttle.Guard).
	AuthThrottle AuthThrottle
	// MetricsAccess says who may read /metrics: "token" (an admin token or
	// MetricsToken; also when empty), "public" or "off".
	MetricsAccess string
	// MetricsToken is a scraper's bearer token for /metrics ("": none).
	MetricsToken string
	// MetricsElsewhere: /metrics is served on a listener of its own
	// (NewMetricsApp), not with the API.
	MetricsElsewhere bool
	// TrustedProxies are the peers whose X-Forwarded-For / Forwarded
	// name the client (clientAddr).
	TrustedProxies []netip.Prefix
}

// AuthThrottle limits refused authentications. Allow is asked before a
// client's credentials are read (and counts the attempt as refused until
// Pass says it was not); Fail records one refused, ok false when
// it must be answered as throttled rather than refused.
type AuthThrottle interface {
	Allow(client string) (retryAfter time.Duration, ok bool)
	Pass(client string)
	Fail(client string) (retryAfter time.Duration, ok bool)
}

// Check is one readiness check (database, object store).
type Check struct {
	Name string
	Ping func(ctx context.Context) error
}

// New builds the standalone Fiber app with the API at the root.
func New(d Deps) *fiber.App {
	app := fiber.New(fiber.Config{
		AppName:               "twincms",
		ErrorHandler:          WriteProblem(d.Logger),
		StreamRequestBody:     true,
		BodyLimit:             d.BodyLimit,
		DisableStartupMessage: true,
		ReadTimeout:           5 * time.Minute,
		WriteTimeout:          5 * time.Minute,
		IdleTimeout:           2 * time.Minute,
		ReadBufferSize:        16 << 10,
		// Uploads are parsed as a stream by the handler, not buffered here.
		DisablePreParseMultipartForm: true,
	})
	Register(app, d)
	return app
}

// Register mounts the whole API on r, so another Fiber app can carry
// twincms under a prefix. Errors are turned into problems here, not by the
// host app's error handler, so the contract holds when mounted too.
func Register(r fiber.Router, d Deps) *API {
	a := newAPI(r, d)
	a.routes()
	// Anything that reached no route: a problem, not Fiber's text page.
	r.Use(a.noRoute)
	return a
}

// middleware wraps every request: id, recovery, problems, metrics, log.
// It runs on every request, the public pages' too, so it allocates little:
// ids come from a counter, metric handles are made once per route, and the
// access log is built only when its level is on. The request's context
// (id, deadline) is made by the route's chain (withDeadline), which routes
// served from memory skip.
func (a *API) middleware(c *fiber.Ctx) (err error) {
	if outsideMount(c) {
		return c.Next()
	}
	// fasthttp read the clock just before calling the handler: the
	// request's start without a second read (a clock read is a visible
	// share of a request served from memory). Zero when a test drives the
	// handler without fasthttp's server.
	start := c.Context().Time()
	if start.IsZero() {
		start = time.Now()
	}
	// The id lives in the response header only (requestID reads it back),
	// so a request that never needs it as a string allocates nothing for it.
	if id := c.Get(fiber.HeaderXRequestID); validRequestID(id) {
		c.Response().Header.SetCanonical(canonicalXRequestID, utils.UnsafeBytes(id)) // copied into the response
	} else {
		var b [24]byte
		a.ids.next(&b)
		c.Response().Header.SetCanonical(canonicalXRequestID, b[:])
	}
	func() {
		defer func() {
			if rec := recover(); rec != nil {
				a.logger.Error("panic", "request_id", requestID(c), "panic", rec, "stack", string(debug.Stack()))
				err = errPanic
			}
		}()
		err = c.Next()
	}()
	if err != nil {
		err = WriteProblem(a.logger)(c, err)
	}
	end := time.Now()
	status, took := c.Response().StatusCode(), end.Sub(start)
	a.observe(c, status, took)
	a.logAccess(c, status, end, took)
	return err
}

// observe counts the request in the metrics, with the route's prebuilt
// handles when it has them (routes registered by handle).
func (a *API) observe(c *fiber.Ctx, status int, took time.Duration) {
	a.metrics.served.Add(1)
	if rm := a.routeMetrics[routeKey{c.Method(), c.Route().Path}]; rm != nil {
		rm.observe(status, took)
		return
	}
	// Clones: Fiber reuses request memory, and metric labels outlive it.
	a.metrics.observe(strings.Clone(c.Method()), strings.Clone(c.Route().Path), status, took)
}

// errPanic is an internal error: the client sees only the request id.
var errPanic = errors.New("handler panicked")

// requestID is the request's id, as the middleware put it in the
// response header ("" before it ran: fasthttp's own errors).
func requestID(c *fiber.Ctx) string {
	return string(c.Response().Header.Peek(fiber.HeaderXRequestID))
}

// validRequestID accepts a client's X-Request-Id only if it is a plain
// token: it is echoed in headers, problems and logs.
func validRequestID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}

// requestIDs makes request ids: 24 hex characters, a random prefix made
// once per process and a counter. Unique across instances and restarts,
// without reading the system's random source on every request.
type requestIDs struct {
	prefix [16]byte
	n      atomic.Uint32
}

func newRequestIDs() *requestIDs {
	g := &requestIDs{}
	var b [8]byte
	_, _ = rand.Read(b[:])
	hex.Encode(g.prefix[:], b[:])
	return g
}

// next writes the next id into b.
func (g *requestIDs) next(b *[24]byte) {
	copy(b[:], g.prefix[:])
	var n [4]byte
	binary.BigEndian.PutUint32(n[:], g.n.Add(1))
	hex.Encode(b[16:], n[:])
}

// responseSize is the body length without reading a streamed body.
func responseSize(c *fiber.Ctx) int {
	if c.Response().IsBodyStream() {
		return c.Response().Header.ContentLength()
	}
	return len(c.Response().Body())
}

// newRequestID is a random id, for the rare requests that never reach the
// middleware (fasthttp's own errors).
func newRequestID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

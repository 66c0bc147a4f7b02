package handlers

import (
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/jesenice/twincms/internal/logx"
	"github.com/jesenice/twincms/models"
)

// API is the mounted API: its router, its dependencies and the OpenAPI
// document built from the routes as they are registered, so the document
// cannot name a route that does not exist.
type API struct {
	r       fiber.Router
	d       Deps
	logger  *slog.Logger
	access  *logx.AccessLog // the access log's writer, resolved from logger once
	metrics *Metrics
	doc     *openAPIDoc
	// table is every registered route, for 405 answers.
	table []route
	// publicCache is the public bodies' Cache-Control, made once.
	publicCache []byte
	ids         *requestIDs
	// routeMetrics are the metric handles of every registered route,
	// filled while routes are registered and only read after.
	routeMetrics map[routeKey]*routeMetrics
}

func newAPI(r fiber.Router, d Deps) *API {
	if d.Metrics == nil {
		reg := NewRegistry()
		d.Metrics, _ = NewMetrics(reg, reg) // a new registry has no names yet
	}
	a := &API{r: r, d: d, logger: d.Logger, access: logx.NewAccessLog(d.Logger), metrics: d.Metrics, doc: newOpenAPIDoc(),
		publicCache: []byte("public, max-age=" + strconv.Itoa(publicMaxAge(d.LinkTTL))), ids: newRequestIDs(),
		routeMetrics: map[routeKey]*routeMetrics{}}
	r.Use(a.middleware)
	return a
}

// op documents one route for OpenAPI.
type op struct {
	Summary  string
	Tag      string
	Roles    []models.Role // empty: public
	Request  string        // component schema of the JSON body, if any
	Response string        // component schema of the 2xx body, if any
	Status   int           // success status; 200 when zero
	Query    []string      // query parameter names
	Headers  []string      // request headers the route reads (If-Match ...)
	Produces []string      // media types of a non-JSON success body (streams, pages)
	Also     []int         // statuses only the handler knows (409, 410 ...), beyond the derived ones
	// Redirects documents a 302 with Location besides the success (a
	// page that sends other spellings of its path to the canonical one).
	Redirects bool
	// Timeout is the deadline of the request's context; zero is
	// shortRequest, streaming routes use longRequest.
	Timeout time.Duration
	// Bypass, on a route with Roles, lets a request through without a
	// token of those roles when it says so (a scraper's own token).
	Bypass func(c *fiber.Ctx) bool
	// InMemory says the handler only reads memory (the published
	// snapshot) and never blocks: its context gets no deadline and no
	// request id, which would cost a timer and allocations per request on
	// the busiest routes. Nothing below it logs.
	InMemory bool
}

// handle registers a route with its documentation and role check.
func (a *API) handle(method, path string, o op, h fiber.Handler) {
	a.doc.add(method, path, o)
	a.table = append(a.table, newRoute(method, path))
	var handlers []fiber.Handler
	if !o.InMemory {
		handlers = append(handlers, withDeadline(o.Timeout))
	}
	if len(o.Roles) > 0 {
		handlers = append(handlers, a.requireRoleUnless(o.Bypass, o.Roles...))
	}
	handlers = append(handlers, h)
	a.r.Add(method, path, handlers...)
	a.routeMetrics[routeKey{method, path}] = a.metrics.forRoute(method, path)
	if method == fiber.MethodGet {
		// RFC 9110 §9.3.2: HEAD is GET without the body (fasthttp drops it).
		a.table = append(a.table, newRoute(fiber.MethodHead, path))
		a.r.Add(fiber.MethodHead, path, handlers...)
		a.routeMetrics[routeKey{fiber.MethodHead, path}] = a.metrics.forRoute(fiber.MethodHead, path)
	}
}

// OpenAPIPath turns a Fiber route path (/x/:id) into an OpenAPI one (/x/{id}).
func OpenAPIPath(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		if strings.HasPrefix(s, ":") {
			parts[i] = "{" + strings.TrimSuffix(strings.TrimPrefix(s, ":"), "?") + "}"
		}
	}
	return strings.Join(parts, "/")
}

package handlers

import (
	"maps"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics are the HTTP metrics of one service instance (requests and
// latency by route) and the registry /metrics serves. Other packages
// register their own metrics (package metrics) with the same registerer;
// this one counts only what HTTP does. It is never the global registry,
// so tests can run several instances in one process.
type Metrics struct {
	// Registry is served at /metrics; nil serves none (the host exposes
	// the metrics, or they go nowhere).
	Registry *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	// served counts every request answered: how busy the service is, for
	// background work that yields to requests (a backup's copying).
	served atomic.Uint64
}

// Served is the number of requests answered so far.
func (m *Metrics) Served() uint64 { return m.served.Load() }

// NewRegistry is an instance's own registry, with the Go runtime and
// process collectors, for NewMetrics to serve.
func NewRegistry() *prometheus.Registry {
	r := prometheus.NewRegistry()
	r.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return r
}

// NewMetrics registers the HTTP metrics with reg (nowhere when nil) and
// serves serve at /metrics (none when nil). Errors: reg's.
func NewMetrics(reg prometheus.Registerer, serve *prometheus.Registry) (*Metrics, error) {
	m := &Metrics{
		Registry: serve,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "twincms_http_requests_total", Help: "HTTP requests by method, route and status.",
		}, []string{"method", "route", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "twincms_http_request_duration_seconds", Help: "HTTP request latency by method and route.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 10},
		}, []string{"method", "route"}),
	}
	if reg != nil {
		for _, c := range []prometheus.Collector{m.requests, m.latency} {
			if err := reg.Register(c); err != nil {
				return nil, err
			}
		}
	}
	return m, nil
}

func (m *Metrics) observe(method, route string, status int, d time.Duration) {
	m.requests.WithLabelValues(method, route, strconv.Itoa(status)).Inc()
	m.latency.WithLabelValues(method, route).Observe(d.Seconds())
}

func (m *Metrics) handler() fiber.Handler {
	return adaptor.HTTPHandler(promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{}))
}

// routeKey names a registered route: method and path as registered.
type routeKey struct{ method, path string }

// routeMetrics are one route's metric handles, made once: looking a
// metric up by its label values on every request hashes them and
// allocates. The counters by status are made on first use and kept in a
// map replaced on write (copy on write), so reads take no lock.
type routeMetrics struct {
	m             *Metrics
	method, route string
	latency       prometheus.Observer
	mu            sync.Mutex
	byStatus      atomic.Pointer[map[int]prometheus.Counter]
}

func (m *Metrics) forRoute(method, route string) *routeMetrics {
	rm := &routeMetrics{m: m, method: method, route: route, latency: m.latency.WithLabelValues(method, route)}
	rm.byStatus.Store(&map[int]prometheus.Counter{})
	return rm
}

func (rm *routeMetrics) observe(status int, d time.Duration) {
	rm.counter(status).Inc()
	rm.latency.Observe(d.Seconds())
}

func (rm *routeMetrics) counter(status int) prometheus.Counter {
	if c, ok := (*rm.byStatus.Load())[status]; ok {
		return c
	}
	rm.mu.Lock()
	defer rm.mu.Unlock()
	cur := *rm.byStatus.Load()
	if c, ok := cur[status]; ok {
		return c
	}
	c := rm.m.requests.WithLabelValues(rm.method, rm.route, strconv.Itoa(status))
	next := maps.Clone(cur)
	next[status] = c
	rm.byStatus.Store(&next)
	return c
}

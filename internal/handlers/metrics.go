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

// Metrics is the Prometheus registry of one service instance. It is not
// the global registry, so tests can run several instances in one process.
type Metrics struct {
	Registry *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	fixity   *prometheus.CounterVec
	sweep    *prometheus.CounterVec
	refresh  *prometheus.CounterVec
	schedule *prometheus.CounterVec
	// reg is where other parts (audit, webhooks) register their metrics:
	// Registry, the host's registerer, or nil (none).
	reg prometheus.Registerer
}

// Registerer is where other parts of this instance register their
// metrics; nil when metrics go nowhere (twincms.WithoutMetrics).
func (m *Metrics) Registerer() prometheus.Registerer { return m.reg }

// NewMetrics registers request metrics and the Go runtime collectors in a
// registry of this instance, served at /metrics.
func NewMetrics() *Metrics {
	m := newMetrics()
	m.Registry = prometheus.NewRegistry()
	m.reg = m.Registry
	m.Registry.MustRegister(append(m.own(), collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))...)
	return m
}

// own are the twincms_* collectors.
func (m *Metrics) own() []prometheus.Collector {
	return []prometheus.Collector{m.requests, m.latency, m.fixity, m.sweep, m.refresh, m.schedule}
}

// NewHostMetrics registers the twincms_* metrics with a host's registerer
// (none when reg is nil). Registry stays nil, so the API serves no
// /metrics: the host exposes them with its own, and the runtime collectors
// are its to choose.
func NewHostMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := newMetrics()
	if reg == nil {
		return m, nil
	}
	m.reg = reg
	for _, c := range m.own() {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

func newMetrics() *Metrics {
	m := &Metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "twincms_http_requests_total", Help: "HTTP requests by method, route and status.",
		}, []string{"method", "route", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "twincms_http_request_duration_seconds", Help: "HTTP request latency by method and route.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 10},
		}, []string{"method", "route"}),
	}
	m.fixity = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "twincms_fixity_checks_total", Help: "Fixity checks by result (ok, failed); failed means an original changed or vanished.",
	}, []string{"result"})
	m.fixity.WithLabelValues("ok")
	m.fixity.WithLabelValues("failed")
	m.sweep = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "twincms_sweep_repairs_total", Help: "What the sweeper removed or repaired, by kind (incomplete_uploads, orphan_objects, stale_claims, ...).",
	}, []string{"kind"})
	m.refresh = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "twincms_published_refreshes_total", Help: "Published snapshot refreshes by kind: full (every published item relisted) or partial (one change applied).",
	}, []string{"kind"})
	m.refresh.WithLabelValues("full")
	m.refresh.WithLabelValues("partial")
	m.schedule = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "twincms_schedule_runs_total", Help: "Schedule runs by outcome (done, failed, retry: the record changed under the run or a store was down).",
	}, []string{"outcome"})
	for _, o := range []string{"done", "failed", "retry"} {
		m.schedule.WithLabelValues(o)
	}
	return m
}

func (m *Metrics) observe(method, route string, status int, d time.Duration) {
	m.requests.WithLabelValues(method, route, strconv.Itoa(status)).Inc()
	m.latency.WithLabelValues(method, route).Observe(d.Seconds())
}

func (m *Metrics) handler() fiber.Handler {
	return adaptor.HTTPHandler(promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{}))
}

// FixityResult counts one fixity check.
func (m *Metrics) FixityResult(ok bool) {
	if ok {
		m.fixity.WithLabelValues("ok").Inc()
	} else {
		m.fixity.WithLabelValues("failed").Inc()
	}
}

// SweepRepairs counts n things of kind that one sweep removed or repaired.
func (m *Metrics) SweepRepairs(kind string, n int) {
	m.sweep.WithLabelValues(kind).Add(float64(n))
}

// PublishedRefresh counts one refresh of the published snapshot ("full"
// or "partial").
func (m *Metrics) PublishedRefresh(kind string) {
	m.refresh.WithLabelValues(kind).Inc()
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

// ScheduleRun counts one schedule run by its outcome.
func (m *Metrics) ScheduleRun(outcome string) {
	m.schedule.WithLabelValues(outcome).Inc()
}

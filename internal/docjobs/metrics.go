package docjobs

import "github.com/prometheus/client_golang/prometheus"

// Metrics are every runner's progress and failures in /metrics, by kind
// of work; one Metrics serves all the runners of an instance.
type Metrics struct {
	jobs    *prometheus.CounterVec
	waiting *prometheus.GaugeVec
}

// NewMetrics registers the runners' metrics with reg (nil: none).
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{
		jobs: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "twincms_document_jobs_total",
			Help: "Per-document background work (kind: text, format, a11y) by outcome: done, failed (the document's own failure, tried again on a later pass), unavailable (the store could not be reached)."},
			[]string{"kind", "outcome"}),
		waiting: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "twincms_document_jobs_due",
			Help: "Documents waiting for a kind of background work on this instance's current or last pass."}, []string{"kind"}),
	}
	if reg != nil {
		for _, c := range []prometheus.Collector{m.jobs, m.waiting} {
			if err := reg.Register(c); err != nil {
				return nil, err
			}
		}
	}
	return m, nil
}

// Init makes kind's series present at zero before its first pass.
func (m *Metrics) Init(kind string) {
	if m == nil {
		return
	}
	for _, o := range []string{"done", "failed", "unavailable"} {
		m.jobs.WithLabelValues(kind, o)
	}
	m.waiting.WithLabelValues(kind)
}

func (m *Metrics) outcome(kind, outcome string) {
	if m != nil {
		m.jobs.WithLabelValues(kind, outcome).Inc()
	}
}

func (m *Metrics) due(kind string, n int) {
	if m != nil {
		m.waiting.WithLabelValues(kind).Set(float64(n))
	}
}

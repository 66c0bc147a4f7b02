package ingest

import (
	"github.com/jesenice/twincms/internal/metrics"
	"github.com/prometheus/client_golang/prometheus"
)

// SweepCounter registers twincms_sweep_repairs_total with reg and returns
// the Deps.OnSweep that counts what one sweep removed or repaired, by kind.
func SweepCounter(reg prometheus.Registerer) (func(SweepResult), error) {
	add, err := metrics.Adder(reg, "twincms_sweep_repairs_total",
		"What the sweeper removed or repaired, by kind (incomplete_uploads, orphan_objects, stale_claims, ...).", "kind")
	if err != nil {
		return nil, err
	}
	return func(r SweepResult) {
		for kind, n := range r.Counts() {
			add(kind, n)
		}
	}, nil
}

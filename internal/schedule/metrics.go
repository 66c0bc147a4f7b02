package schedule

import (
	"github.com/jesenice/twincms/internal/metrics"
	"github.com/prometheus/client_golang/prometheus"
)

// RunCounter registers twincms_schedule_runs_total with reg and returns
// the Service.OnRun that counts one run by its outcome.
func RunCounter(reg prometheus.Registerer) (func(outcome string), error) {
	return metrics.Counter(reg, "twincms_schedule_runs_total",
		"Schedule runs by outcome (done, failed, retry: the record changed under the run or a store was down).", "outcome", "done", "failed", "retry")
}

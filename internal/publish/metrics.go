package publish

import (
	"github.com/jesenice/twincms/internal/metrics"
	"github.com/prometheus/client_golang/prometheus"
)

// RefreshCounter registers twincms_published_refreshes_total with reg and
// returns the Sources.OnRefresh that counts one refresh.
func RefreshCounter(reg prometheus.Registerer) (func(kind string), error) {
	return metrics.Counter(reg, "twincms_published_refreshes_total",
		"Published snapshot refreshes by kind: full (every published item relisted) or partial (one change applied).", "kind", "full", "partial")
}

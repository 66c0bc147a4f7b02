package archive

import (
	"github.com/jesenice/twincms/internal/metrics"
	"github.com/prometheus/client_golang/prometheus"
)

// CheckCounter registers twincms_fixity_checks_total with reg and returns
// the Fixity.OnResult that counts one check ("ok" or "failed").
func CheckCounter(reg prometheus.Registerer) (func(result string), error) {
	return metrics.Counter(reg, "twincms_fixity_checks_total",
		"Fixity checks by result (ok, failed); failed means an original changed or vanished.", "result", "ok", "failed")
}

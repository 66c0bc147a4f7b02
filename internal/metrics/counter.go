// Package metrics is the one way twincms's packages register their own
// Prometheus metrics: each package names and registers its metric with the
// registerer the composition root hands it (the instance's registry, the
// host's, or none), and keeps the function that counts. HTTP metrics are
// package handlers'; nothing registers another package's metric.
package metrics

import "github.com/prometheus/client_golang/prometheus"

// Counter registers a counter vector name with one label with reg
// (nowhere when reg is nil: counted, never exposed), its initial label
// values present at 0, and returns the function that counts one event of
// a label value. Errors: reg's (a name registered twice).
func Counter(reg prometheus.Registerer, name, help, label string, initial ...string) (func(value string), error) {
	add, err := Adder(reg, name, help, label, initial...)
	if err != nil {
		return nil, err
	}
	return func(v string) { add(v, 1) }, nil
}

// Adder is Counter whose function adds n events at once.
func Adder(reg prometheus.Registerer, name, help, label string, initial ...string) (func(value string, n int), error) {
	c := prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, []string{label})
	for _, v := range initial {
		c.WithLabelValues(v)
	}
	if reg != nil {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return func(v string, n int) { c.WithLabelValues(v).Add(float64(n)) }, nil
}

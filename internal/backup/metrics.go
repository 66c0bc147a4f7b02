package backup

import (
	"github.com/jesenice/twincms/models"
	"github.com/prometheus/client_golang/prometheus"
)

// runMetrics are the backups' outcome and size in /metrics.
type runMetrics struct {
	runs     *prometheus.CounterVec
	lastOK   prometheus.Gauge
	lastEnd  prometheus.Gauge
	lastSize prometheus.Gauge
	lastSent prometheus.Gauge
	lastFail prometheus.Gauge
}

func newRunMetrics(reg prometheus.Registerer) (*runMetrics, error) {
	m := &runMetrics{
		runs: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "twincms_backups_total",
			Help: "Backups run by this instance, by result (succeeded, failed)."}, []string{"result"}),
		lastOK: prometheus.NewGauge(prometheus.GaugeOpts{Name: "twincms_backup_last_success_timestamp_seconds",
			Help: "When the last successful backup finished (Unix time; 0 none yet)."}),
		lastEnd: prometheus.NewGauge(prometheus.GaugeOpts{Name: "twincms_backup_last_duration_seconds",
			Help: "How long the last backup ran."}),
		lastSize: prometheus.NewGauge(prometheus.GaugeOpts{Name: "twincms_backup_last_size_bytes",
			Help: "Bytes the last successful backup holds (database and objects)."}),
		lastSent: prometheus.NewGauge(prometheus.GaugeOpts{Name: "twincms_backup_last_sent_bytes",
			Help: "Bytes the last successful backup sent to its target (objects already there are not sent)."}),
		lastFail: prometheus.NewGauge(prometheus.GaugeOpts{Name: "twincms_backup_last_failed",
			Help: "1 when the last backup failed, else 0."}),
	}
	m.runs.WithLabelValues(models.BackupSucceeded)
	m.runs.WithLabelValues(models.BackupFailed)
	if reg != nil {
		for _, c := range []prometheus.Collector{m.runs, m.lastOK, m.lastEnd, m.lastSize, m.lastSent, m.lastFail} {
			if err := reg.Register(c); err != nil {
				return nil, err
			}
		}
	}
	return m, nil
}

func (m *runMetrics) observe(run models.BackupRun, info Info) {
	m.runs.WithLabelValues(run.Status).Inc()
	if run.FinishedAt != nil {
		m.lastEnd.Set(run.FinishedAt.Sub(run.StartedAt).Seconds())
	}
	if run.Status == models.BackupFailed {
		m.lastFail.Set(1)
		return
	}
	m.lastFail.Set(0)
	m.lastOK.Set(float64(run.FinishedAt.Unix()))
	m.lastSize.Set(float64(info.Bytes))
	m.lastSent.Set(float64(info.SentBytes))
}

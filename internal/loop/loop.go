// Package loop runs background work periodically: the token refresh, the
// published snapshot's and the document index's polls, the ingest sweeper
// and clean-up queue, the fixity audit and its lease, webhook deliveries,
// the schedule runner, audit pruning and a bulk job's progress saving.
// Each of them was a ticker loop of its own; the one shape here ends with
// its context, logs failures the same way, and can start at once, spread
// instances apart (jitter), wake early and back off after failures.
package loop

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"time"
)

// Option changes how Every runs.
type Option func(*options)

type options struct {
	name        string
	immediately bool
	jitter      float64
	wake        <-chan struct{}
	retryFirst  time.Duration
	retryMax    time.Duration
}

// Name is what failures are logged as ("<name> failed"); "periodic work"
// when not given.
func Name(name string) Option { return func(o *options) { o.name = name } }

// Immediately runs the work once at the start, before the first interval.
func Immediately() Option { return func(o *options) { o.immediately = true } }

// Jitter makes each wait up to fraction (0 to 0.5) of the interval
// shorter or longer at random, so instances started together drift apart.
func Jitter(fraction float64) Option {
	return func(o *options) { o.jitter = min(max(fraction, 0), 0.5) }
}

// Wake runs the work as soon as a value arrives on ch, besides the
// interval.
func Wake(ch <-chan struct{}) Option { return func(o *options) { o.wake = ch } }

// Retry waits first after a failed run instead of the interval, doubling
// the wait after each further failure up to most; a success goes back to
// the interval.
func Retry(first, most time.Duration) Option {
	return func(o *options) { o.retryFirst, o.retryMax = first, max(first, most) }
}

// Every runs work every interval until ctx ends, then returns. An interval
// of zero or less runs it only when woken (Wake), at the start
// (Immediately) and on retries (Retry). Runs never overlap: the next wait
// starts when a run ends. A failure is logged at warn level unless ctx has
// ended meanwhile (a shutdown is not a failure); logger nil logs nothing
// (the work logs for itself).
func Every(ctx context.Context, interval time.Duration, work func(context.Context) error, logger *slog.Logger, opts ...Option) {
	o := options{name: "periodic work"}
	for _, opt := range opts {
		opt(&o)
	}
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	wait := o.next(interval)
	if o.immediately {
		wait = 0
	}
	arm(timer, wait, o.immediately)
	backoff := o.retryFirst
	for {
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		case <-o.wake:
		}
		err := work(ctx)
		if err != nil && ctx.Err() == nil && logger != nil {
			logger.Warn(o.name+" failed", "err", err)
		}
		if err != nil && o.retryFirst > 0 {
			arm(timer, backoff, true)
			backoff = min(2*backoff, o.retryMax)
			continue
		}
		backoff = o.retryFirst
		arm(timer, o.next(interval), false)
	}
}

// arm sets timer to fire after d; d <= 0 disarms it unless now is set
// (then it fires at once).
func arm(timer *time.Timer, d time.Duration, now bool) {
	if d <= 0 && !now {
		timer.Stop()
		return
	}
	timer.Reset(max(d, 0))
}

// next is the wait before the next run: the interval, jittered.
func (o options) next(interval time.Duration) time.Duration {
	return jittered(interval, o.jitter, rand.Float64())
}

// jittered moves d by up to fraction of itself, r in [0, 1) choosing
// where between d·(1−fraction) and d·(1+fraction).
func jittered(d time.Duration, fraction, r float64) time.Duration {
	if d <= 0 || fraction <= 0 {
		return d
	}
	return d + time.Duration((2*r-1)*fraction*float64(d))
}

// Package throttle limits failures per key (a client address, an account,
// everyone) in a sliding window, in memory bounded however many keys an
// attacker makes up. The API's token check uses it per client and for all
// clients together (Guard); a sign-in can reuse a Limiter per account.
package throttle

import (
	"sync"
	"time"
)

// Limiter counts failures per key in a sliding window: a key with limit
// failures in the last window is refused (Allow) until enough of them are
// older than the window. The window is estimated from two fixed windows
// (the current one and the previous one, weighted by how much of it the
// sliding window still covers), so a key costs two counters whatever the
// limit. Safe for concurrent use.
type Limiter struct {
	limit   int
	window  time.Duration
	maxKeys int
	// now is the clock (time.Now; tests set another).
	now func() time.Time

	mu        sync.Mutex
	keys      map[string]*counter
	lastSweep time.Time
}

// counter is one key's failures: cur in the fixed window starting at
// start, prev in the one before it.
type counter struct {
	start     time.Time
	cur, prev int
}

// DefaultMaxKeys bounds the keys a Limiter keeps when New is given none:
// about 100 bytes each, so some 10 MB at most.
const DefaultMaxKeys = 100_000

// New makes a Limiter allowing limit failures per key in window (limit
// and window at least 1), keeping at most maxKeys keys (DefaultMaxKeys
// when maxKeys <= 0). When that many keys have failures, the keys whose
// failures all left the window are dropped, then arbitrary ones: an
// attacker spreading guesses over more addresses than that is held by a
// global Limiter instead.
func New(limit int, window time.Duration, maxKeys int) *Limiter {
	if limit < 1 {
		limit = 1
	}
	if window <= 0 {
		window = time.Minute
	}
	if maxKeys <= 0 {
		maxKeys = DefaultMaxKeys
	}
	return &Limiter{limit: limit, window: window, maxKeys: maxKeys, now: time.Now, keys: map[string]*counter{}}
}

// SetClock replaces the clock (tests).
func (l *Limiter) SetClock(now func() time.Time) { l.now = now }

// Limit is the failures allowed per key in a window.
func (l *Limiter) Limit() int { return l.limit }

// Allow says whether key may try again: false, with how long until it
// may, when it has had limit failures in the last window. It records
// nothing.
func (l *Limiter) Allow(key string) (retryAfter time.Duration, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	c := l.keys[key]
	if c == nil {
		return 0, true
	}
	now := l.now()
	c.roll(now, l.window)
	return c.wait(now, l.window, l.limit)
}

// Fail records a failure of key and says, as Allow would after it,
// whether key may try again.
func (l *Limiter) Fail(key string) (retryAfter time.Duration, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	c := l.counterOf(key, now)
	c.cur++
	return c.wait(now, l.window, l.limit)
}

// counterOf is key's counter rolled to now, made (room kept) when key has
// none. Under l.mu.
func (l *Limiter) counterOf(key string, now time.Time) *counter {
	c := l.keys[key]
	if c == nil {
		if len(l.keys) >= l.maxKeys {
			l.makeRoom(now)
		}
		c = &counter{start: now}
		l.keys[key] = c
	}
	c.roll(now, l.window)
	return c
}

// Reserve is Allow and Fail in one step: when key may try, a failure is
// counted at once (Release takes it back when the attempt succeeds).
// Counting before the attempt is judged keeps parallel attempts from one
// key within the limit: with Allow first and Fail after, every attempt in
// flight passed Allow before the first of them failed.
func (l *Limiter) Reserve(key string) (retryAfter time.Duration, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	c := l.counterOf(key, now)
	if wait, ok := c.wait(now, l.window, l.limit); !ok {
		return wait, false
	}
	c.cur++
	return 0, true
}

// Release takes back a failure Reserve counted for an attempt that
// succeeded.
func (l *Limiter) Release(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	c := l.keys[key]
	if c == nil {
		return
	}
	c.roll(l.now(), l.window)
	switch {
	case c.cur > 0:
		c.cur--
	case c.prev > 0:
		c.prev--
	}
}

// Reset forgets key's failures (a sign-in that succeeded).
func (l *Limiter) Reset(key string) {
	l.mu.Lock()
	delete(l.keys, key)
	l.mu.Unlock()
}

// Len is the number of keys kept.
func (l *Limiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.keys)
}

// makeRoom drops the keys with no failure in the last window (at most
// once per half window: a full sweep costs every key), then, if still
// full, arbitrary keys down to nine tenths of maxKeys.
func (l *Limiter) makeRoom(now time.Time) {
	if now.Sub(l.lastSweep) >= l.window/2 {
		l.lastSweep = now
		for k, c := range l.keys {
			if now.Sub(c.start) >= 2*l.window {
				delete(l.keys, k)
			}
		}
	}
	for k := range l.keys { // map order is random
		if len(l.keys) < l.maxKeys-l.maxKeys/10 {
			break
		}
		delete(l.keys, k)
	}
}

// roll moves c's fixed windows up to the one holding now.
func (c *counter) roll(now time.Time, w time.Duration) {
	n := now.Sub(c.start) / w
	switch {
	case n <= 0:
		return
	case n == 1:
		c.prev, c.cur = c.cur, 0
	default:
		c.prev, c.cur = 0, 0
	}
	c.start = c.start.Add(n * w)
}

// wait is how long until c's estimate of failures in the sliding window
// ending then is below limit (ok when it is now).
func (c *counter) wait(now time.Time, w time.Duration, limit int) (time.Duration, bool) {
	elapsed := now.Sub(c.start)
	if c.estimate(elapsed, w) < float64(limit) {
		return 0, true
	}
	// Within this fixed window the estimate falls as prev's share does:
	// prev*(1-e/w)+cur < limit once e > w*(1-(limit-cur)/prev).
	if c.cur < limit && c.prev > 0 {
		e := time.Duration(float64(w) * (1 - float64(limit-c.cur)/float64(c.prev)))
		if e < w {
			return e - elapsed + time.Millisecond, false
		}
	}
	// In the next one, cur becomes prev: cur*(1-e/w) < limit once
	// e > w*(1-limit/cur).
	e := w + time.Duration(float64(w)*(1-float64(limit)/float64(c.cur)))
	return e - elapsed + time.Millisecond, false
}

// estimate is the failures in the sliding window ending elapsed into the
// current fixed window.
func (c *counter) estimate(elapsed, w time.Duration) float64 {
	return float64(c.prev)*(1-float64(elapsed)/float64(w)) + float64(c.cur)
}

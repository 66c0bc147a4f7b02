package accounts

import (
	"sync"
	"time"
)

// Limiter counts failed sign-ins in leaky buckets: a key may fail Burst
// times, and one more failure is allowed every Every after that. A person
// is never locked out for long: a full bucket drains one step every Every
// (tens of seconds), whoever caused it.
type Limiter struct {
	mu      sync.Mutex
	buckets map[string]bucket
	rules   map[string]Rule
	now     func() time.Time
}

// Rule is one kind of key's budget.
type Rule struct {
	Burst int
	Every time.Duration
}

type bucket struct {
	level float64
	at    time.Time
}

// maxBuckets bounds the memory a spray of keys can take: past it the
// drained buckets are dropped, and if all are full, the map starts again.
const maxBuckets = 100_000

// DefaultRules are the limits of failed sign-ins: per account and client
// (the person mistyping), per account from everywhere (a distributed
// guess), and per client over every account (a spray).
var DefaultRules = map[string]Rule{
	"account+client": {Burst: 5, Every: 30 * time.Second},
	"account":        {Burst: 30, Every: 10 * time.Second},
	"client":         {Burst: 30, Every: 5 * time.Second},
}

// NewLimiter makes a limiter with rules (DefaultRules when nil).
func NewLimiter(rules map[string]Rule) *Limiter {
	if rules == nil {
		rules = DefaultRules
	}
	return &Limiter{buckets: map[string]bucket{}, rules: rules, now: time.Now}
}

func (l *Limiter) levelAt(b bucket, r Rule, now time.Time) float64 {
	drained := float64(now.Sub(b.at)) / float64(r.Every)
	if lv := b.level - drained; lv > 0 {
		return lv
	}
	return 0
}

// Wait is how long keys (rule name → key) must wait before another try;
// 0 lets the try go ahead.
func (l *Limiter) Wait(keys map[string]string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.waitLocked(keys)
}

func (l *Limiter) waitLocked(keys map[string]string) time.Duration {
	now := l.now()
	var wait time.Duration
	for rule, key := range keys {
		r, ok := l.rules[rule]
		if !ok {
			continue
		}
		b, ok := l.buckets[rule+"\x00"+key]
		if !ok {
			continue
		}
		if over := l.levelAt(b, r, now) - float64(r.Burst-1); over > 0 {
			if w := time.Duration(over * float64(r.Every)); w > wait {
				wait = w
			}
		}
	}
	return wait
}

// Reserve is Wait and Fail in one step: when keys may try (0), the try is
// counted as failed at once, and Release takes it back if it was not.
// Counting before the password is checked (tens of milliseconds) keeps
// parallel guesses within the budget: with Wait first and Fail after,
// every guess in flight passed Wait before the first failed.
func (l *Limiter) Reserve(keys map[string]string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	if w := l.waitLocked(keys); w > 0 {
		return w
	}
	l.failLocked(keys)
	return 0
}

// Release takes back a try Reserve counted that did not fail.
func (l *Limiter) Release(keys map[string]string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	for rule, key := range keys {
		r, ok := l.rules[rule]
		if !ok {
			continue
		}
		k := rule + "\x00" + key
		b, ok := l.buckets[k]
		if !ok {
			continue
		}
		if lv := l.levelAt(b, r, now) - 1; lv > 0 {
			l.buckets[k] = bucket{level: lv, at: now}
		} else {
			delete(l.buckets, k)
		}
	}
}

// Fail counts a failed try against keys.
func (l *Limiter) Fail(keys map[string]string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.failLocked(keys)
}

func (l *Limiter) failLocked(keys map[string]string) {
	now := l.now()
	if len(l.buckets) >= maxBuckets {
		for k, b := range l.buckets {
			if r, ok := l.rules[ruleOf(k)]; !ok || l.levelAt(b, r, now) == 0 {
				delete(l.buckets, k)
			}
		}
		if len(l.buckets) >= maxBuckets {
			l.buckets = map[string]bucket{}
		}
	}
	for rule, key := range keys {
		r, ok := l.rules[rule]
		if !ok {
			continue
		}
		k := rule + "\x00" + key
		l.buckets[k] = bucket{level: l.levelAt(l.buckets[k], r, now) + 1, at: now}
	}
}

// Succeeded forgets the person's own mistakes (account+client) after a
// sign-in; the other budgets keep counting.
func (l *Limiter) Succeeded(keys map[string]string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.buckets, "account+client\x00"+keys["account+client"])
}

func ruleOf(k string) string {
	for i := 0; i < len(k); i++ {
		if k[i] == 0 {
			return k[:i]
		}
	}
	return k
}

// limitKeys are a sign-in's keys for the limiter.
func limitKeys(email, client string) map[string]string {
	return map[string]string{"account+client": email + "\x00" + client, "account": email, "client": client}
}

// Package probe caches the readiness write probes of the database and the
// object store. Readiness asks "can a write succeed now?", which only a
// write answers: a bucket that exists on a MinIO that lost write quorum,
// or a database on a full disk, still answers reads. The write probes are
// tiny and their result is cached, so /readyz polled by every load
// balancer stays cheap. It imports only the standard library.
package probe

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"sync"
	"time"
)

const (
	// Every is how long a probe's result is reused.
	Every = 2 * time.Second
	// Timeout bounds one probe: a hung store is "not ready" in seconds,
	// never a hung /readyz.
	Timeout = 3 * time.Second
)

// Cache runs a probe at most once per Every; callers arriving
// while it runs wait for that run instead of starting their own.
type Cache struct {
	mu   sync.Mutex
	at   time.Time
	last error
}

// Get returns the last probe result younger than Every, or runs probe.
func (p *Cache) Get(ctx context.Context, probe func(context.Context) error) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.at.IsZero() && time.Since(p.at) < Every {
		return p.last
	}
	// The result serves other callers too: the first caller's going away
	// must not become everybody's answer.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), Timeout)
	defer cancel()
	p.last = probe(ctx)
	p.at = time.Now()
	return p.last
}

// ID names this process's health object and record, so instances
// sharing a store do not race on one key.
func ID() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Ready pings on every call (a dead store shows at once) and then runs
// the write probe, whose result is cached for Every: the one shape of the
// database's and the object store's readiness.
func (p *Cache) Ready(ctx context.Context, ping, write func(context.Context) error) error {
	if err := ping(ctx); err != nil {
		return err
	}
	return p.Get(ctx, write)
}

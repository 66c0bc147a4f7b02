package storage

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Readiness asks "can a write succeed now?", which only a write answers: a
// bucket that exists on a MinIO that lost write quorum, or a database on a
// full disk, still answers reads. The write probes are tiny and their
// result is cached, so /readyz polled by every load balancer stays cheap.
const (
	// probeEvery is how long a probe's result is reused.
	probeEvery = 2 * time.Second
	// probeTimeout bounds one probe: a hung store is "not ready" in
	// seconds, never a hung /readyz.
	probeTimeout = 3 * time.Second
)

// probeCache runs a probe at most once per probeEvery; callers arriving
// while it runs wait for that run instead of starting their own.
type probeCache struct {
	mu   sync.Mutex
	at   time.Time
	last error
}

func (p *probeCache) get(ctx context.Context, probe func(context.Context) error) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.at.IsZero() && time.Since(p.at) < probeEvery {
		return p.last
	}
	// The result serves other callers too: the first caller's going away
	// must not become everybody's answer.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), probeTimeout)
	defer cancel()
	p.last = probe(ctx)
	p.at = time.Now()
	return p.last
}

// probeID names this process's health object and record, so instances
// sharing a store do not race on one key.
func probeID() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Ready reports whether the object store serves reads (the bucket answers,
// checked on every call: a dead store shows at once) and takes writes (a
// tiny put and remove of this process's health object, cached, see
// probeEvery). Errors: models.ErrUnavailable, models.ErrInsufficientStorage.
func (o *Objects) Ready(ctx context.Context) error {
	if err := o.Ping(ctx); err != nil {
		return err
	}
	return o.probe.get(ctx, func(ctx context.Context) error {
		body := []byte("ok")
		if _, err := o.Put(ctx, o.probeKey, bytes.NewReader(body), int64(len(body)), "text/plain", nil); err != nil {
			return err
		}
		return o.Remove(ctx, o.probeKey)
	})
}

// Ready reports whether the database answers (a ping on every call) and
// takes writes (an upsert of this process's health record, cached, see
// probeEvery). Errors: models.ErrUnavailable, models.ErrInsufficientStorage.
func (d *DB) Ready(ctx context.Context) error {
	if err := d.Ping(ctx); err != nil {
		return err
	}
	return d.probe.get(ctx, func(ctx context.Context) error {
		_, err := d.collection("health").UpdateOne(ctx, bson.D{{Key: "_id", Value: d.probeID}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "at", Value: time.Now().UTC()}}}}, options.UpdateOne().SetUpsert(true))
		if err != nil {
			return fmt.Errorf("readiness probe: %w", translateDB(err))
		}
		return nil
	})
}

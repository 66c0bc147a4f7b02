package webhooks

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/jesenice/twincms/internal/loop"
	"github.com/jesenice/twincms/models"
)

const (
	// deliveryLease makes one instance at a time deliver, so an entry is
	// not posted by two instances at once.
	deliveryLease = "webhook-deliveries"
	leaseTTL      = time.Minute
	batchSize     = 32
)

// Run delivers due outbox entries until ctx ends: at once when this
// instance queued something, else every Poll (retries that came due,
// entries other instances queued, entries left by a restart).
func (s *Service) Run(ctx context.Context) {
	if s.opts.Workers <= 0 {
		return
	}
	loop.Every(ctx, s.opts.Poll, func(ctx context.Context) error {
		s.deliverDue(ctx) // logs for itself
		return nil
	}, nil, loop.Immediately(), loop.Wake(s.wake))
}

// deliverDue takes the delivery lease and posts every due entry.
func (s *Service) deliverDue(ctx context.Context) {
	ok, err := s.leases.Acquire(ctx, deliveryLease, s.opts.Holder, leaseTTL)
	if err != nil || !ok {
		if err != nil && ctx.Err() == nil {
			s.logger.WarnContext(ctx, "webhooks: cannot take the delivery lease", "err", err)
		}
		return
	}
	defer func() {
		if err := s.leases.Release(context.WithoutCancel(ctx), deliveryLease, s.opts.Holder); err != nil {
			s.logger.WarnContext(ctx, "webhooks: cannot release the delivery lease", "err", err)
		}
	}()
	for ctx.Err() == nil {
		due, err := s.outbox.Due(ctx, time.Now().UTC(), batchSize)
		if err != nil {
			if ctx.Err() == nil {
				s.logger.WarnContext(ctx, "webhooks: cannot read the outbox", "err", err)
			}
			return
		}
		if len(due) == 0 {
			return
		}
		s.deliverBatch(ctx, due)
		if len(due) < batchSize {
			return // the rest comes due later (retries) or at the next poll
		}
		if err := s.leases.Renew(ctx, deliveryLease, s.opts.Holder, leaseTTL); err != nil {
			return
		}
	}
}

// deliverBatch posts entries with up to Workers at once.
func (s *Service) deliverBatch(ctx context.Context, due []models.Delivery) {
	sem := make(chan struct{}, s.opts.Workers)
	var wg sync.WaitGroup
	for _, d := range due {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			s.deliver(ctx, d)
		}()
	}
	wg.Wait()
}

// deliver makes one attempt and records its outcome.
func (s *Service) deliver(ctx context.Context, d models.Delivery) {
	start, begun := time.Now(), models.Now()
	w, err := s.store.Get(ctx, d.WebhookID)
	var code int
	switch {
	case errors.Is(err, models.ErrNotFound):
		err = errors.New("the webhook was deleted")
	case err != nil:
		return // the database is away: try again at the next poll
	case !w.Active:
		err = errors.New("the webhook was deactivated")
	default:
		code, err = s.post(ctx, w, d)
	}
	if ctx.Err() != nil {
		// Shutting down: the attempt was cut short, not answered. The
		// entry stays due and is sent again after the restart.
		return
	}
	at := models.DeliveryAttempt{At: begun, StatusCode: code, DurationMS: time.Since(start).Milliseconds()}
	if err != nil {
		at.Error = err.Error()
	}
	d.History = append(d.History, at)
	d.Attempts++
	d.UpdatedAt = models.Now()
	outcome := "retried"
	switch {
	case err == nil:
		d.Status, d.NextAttempt, outcome = models.DeliverySucceeded, nil, "succeeded"
	case errors.Is(err, errRefusedTarget):
		d.Status, d.NextAttempt, outcome = models.DeliveryFailed, nil, "refused"
	case w.ID == "" || !w.Active || d.Attempts > len(s.opts.Backoff):
		d.Status, d.NextAttempt, outcome = models.DeliveryFailed, nil, "failed"
	default:
		next := d.UpdatedAt.Add(s.opts.Backoff[d.Attempts-1])
		d.NextAttempt = &next
	}
	s.deliveries.WithLabelValues(outcome).Inc()
	if err := s.outbox.Save(context.WithoutCancel(ctx), d); err != nil {
		s.logger.WarnContext(ctx, "webhooks: cannot record a delivery attempt; it will be sent again", "delivery", d.ID, "err", err)
	}
	if outcome != "succeeded" {
		// The URL is the admin's; the secret and signature are never logged.
		s.logger.InfoContext(ctx, "webhook delivery attempt failed", "delivery", d.ID, "webhook", d.WebhookID,
			"event", d.Type, "attempt", d.Attempts, "status", code, "outcome", outcome, "err", at.Error)
	}
}

// post sends the signed message; a 2xx answer is success.
func (s *Service) post(ctx context.Context, w models.Webhook, d models.Delivery) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, s.opts.Timeout)
	defer cancel()
	body := []byte(d.Payload)
	ts := time.Now().Unix()
	sig, err := sign(w.Secret, d.ID, ts, body)
	if err != nil {
		return 0, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL, bytes.NewReader(body))
	if err != nil {
		return 0, errors.New("the URL cannot be requested")
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "twincms-webhooks/1")
	req.Header.Set("webhook-id", d.ID)
	req.Header.Set("webhook-timestamp", strconv.FormatInt(ts, 10))
	req.Header.Set("webhook-signature", sig)
	res, err := s.client.Do(req)
	if err != nil {
		if errors.Is(err, errRefusedTarget) {
			return 0, errRefusedTarget
		}
		if errors.Is(err, context.DeadlineExceeded) {
			return 0, errors.New("no answer within " + s.opts.Timeout.String())
		}
		return 0, errors.New("no answer: the target could not be reached")
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
	_ = res.Body.Close()
	if res.StatusCode < 200 || res.StatusCode > 299 {
		return res.StatusCode, errors.New("the target answered " + strconv.Itoa(res.StatusCode))
	}
	return res.StatusCode, nil
}

// Package webhooks keeps webhook subscriptions and delivers events to
// them per the Standard Webhooks spec: signed, at least once, through an
// outbox in the database that the change hook fills and a worker empties
// with retries and backoff.
package webhooks

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"net/http"
	"slices"
	"time"

	"github.com/jesenice/twincms/models"
	"github.com/prometheus/client_golang/prometheus"
)

// Store keeps webhooks.
type Store interface {
	Insert(ctx context.Context, w models.Webhook) error
	Get(ctx context.Context, id string) (models.Webhook, error)
	List(ctx context.Context) ([]models.Webhook, error)
	Replace(ctx context.Context, w models.Webhook) error
	Delete(ctx context.Context, id string) error
}

// Outbox keeps deliveries until they succeed or fail for good.
type Outbox interface {
	Insert(ctx context.Context, ds []models.Delivery) error
	Due(ctx context.Context, t time.Time, limit int) ([]models.Delivery, error)
	Save(ctx context.Context, d models.Delivery) error
	Get(ctx context.Context, webhookID, id string) (models.Delivery, error)
	List(ctx context.Context, webhookID string, page, perPage int) (models.List[models.Delivery], error)
}

// Leases let one instance at a time deliver.
type Leases interface {
	Acquire(ctx context.Context, name, holder string, ttl time.Duration) (bool, error)
	Renew(ctx context.Context, name, holder string, ttl time.Duration) error
	Release(ctx context.Context, name, holder string) error
}

// Options tune delivery.
type Options struct {
	// AllowPrivate lets webhooks reach loopback, private and link-local
	// addresses (tests, closed networks).
	AllowPrivate bool
	// Backoff is the wait before each retry; a delivery has
	// len(Backoff)+1 attempts, then it fails.
	Backoff []time.Duration
	// Timeout bounds one attempt (connect, send, answer).
	Timeout time.Duration
	// Workers is how many deliveries run at once; 0 makes this instance
	// only queue deliveries (another instance delivers them).
	Workers int
	// Poll is how often the outbox is read for due retries and for
	// entries other instances queued.
	Poll time.Duration
	// Holder names this instance in the delivery lease.
	Holder string
}

// DefaultBackoff is the retry schedule: 5 s, 30 s, 2 min, 10 min, 1 h, 6 h.
var DefaultBackoff = []time.Duration{5 * time.Second, 30 * time.Second, 2 * time.Minute, 10 * time.Minute, time.Hour, 6 * time.Hour}

// Service manages webhooks and delivers their events.
type Service struct {
	store  Store
	outbox Outbox
	leases Leases
	opts   Options
	// hook is told of webhook creates, changes and deletions (audit).
	hook       models.ChangeHook
	logger     *slog.Logger
	client     *http.Client
	deliveries *prometheus.CounterVec
	wake       chan struct{}
}

// New builds the service; reg receives its metrics.
func New(store Store, outbox Outbox, leases Leases, opts Options, hook models.ChangeHook, logger *slog.Logger, reg prometheus.Registerer) *Service {
	if opts.Backoff == nil {
		opts.Backoff = DefaultBackoff
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 10 * time.Second
	}
	if opts.Poll <= 0 {
		opts.Poll = time.Second
	}
	s := &Service{store: store, outbox: outbox, leases: leases, opts: opts, hook: hook, logger: logger,
		client: newClient(opts.AllowPrivate), wake: make(chan struct{}, 1)}
	s.deliveries = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "twincms_webhook_deliveries_total",
		Help: "Webhook delivery attempts by outcome: succeeded, retried (an attempt failed, another follows), failed (out of attempts), refused (target not a public address).",
	}, []string{"outcome"})
	for _, o := range []string{"succeeded", "retried", "failed", "refused"} {
		s.deliveries.WithLabelValues(o)
	}
	if reg != nil {
		reg.MustRegister(s.deliveries)
	}
	return s
}

// Created is a new webhook with its secret, shown this once.
type Created struct {
	models.Webhook
	Secret string `json:"secret"`
}

// Create stores a new webhook and returns it with its secret.
func (s *Service) Create(ctx context.Context, in models.WebhookInput) (Created, error) {
	var w models.Webhook
	changed, err := in.Apply(&w, true)
	if err != nil {
		return Created{}, err
	}
	if err := s.checkTarget(w.URL); err != nil {
		return Created{}, err
	}
	now := models.Now()
	w.ID, w.Secret, w.CreatedAt, w.UpdatedAt = newID(), newSecret(), now, now
	if err := s.store.Insert(ctx, w); err != nil {
		return Created{}, err
	}
	s.changed(ctx, w, models.ActionCreate, changed)
	return Created{Webhook: w, Secret: w.Secret}, nil
}

// checkTarget refuses a literal non-public address (in any of its IPv6
// forms) at once; names are checked after resolution, at delivery.
func (s *Service) checkTarget(url string) error {
	if s.opts.AllowPrivate {
		return nil
	}
	if why := literalTargetProblem(url); why != "" {
		var p models.Problems
		p.Add("url", "%s", why)
		return p.Err(models.ErrInvalid)
	}
	return nil
}

// Get returns one webhook.
func (s *Service) Get(ctx context.Context, id string) (models.Webhook, error) {
	return s.store.Get(ctx, id)
}

// List returns every webhook.
func (s *Service) List(ctx context.Context) ([]models.Webhook, error) { return s.store.List(ctx) }

// Update applies a merge patch; a patch that changes nothing writes nothing.
func (s *Service) Update(ctx context.Context, id string, in models.WebhookInput) (models.Webhook, error) {
	// Validate before looking the webhook up, so a bad patch is a 422
	// whether or not the id exists.
	var probe models.Webhook
	if _, err := in.Apply(&probe, false); err != nil {
		return models.Webhook{}, err
	}
	w, err := s.store.Get(ctx, id)
	if err != nil {
		return models.Webhook{}, err
	}
	changed, err := in.Apply(&w, false)
	if err != nil {
		return models.Webhook{}, err
	}
	if len(changed) == 0 {
		return w, nil
	}
	// Only a new URL is checked: a webhook saved under older rules (or
	// while private targets were allowed) can still be switched off or
	// re-pointed; its deliveries are refused when dialling anyway.
	if slices.Contains(changed, "url") {
		if err := s.checkTarget(w.URL); err != nil {
			return models.Webhook{}, err
		}
	}
	w.UpdatedAt = models.Now()
	if err := s.store.Replace(ctx, w); err != nil {
		return models.Webhook{}, err
	}
	s.changed(ctx, w, models.ActionUpdate, changed)
	return w, nil
}

// Delete removes a webhook; its pending deliveries fail when next due.
func (s *Service) Delete(ctx context.Context, id string) error {
	if err := s.store.Delete(ctx, id); err != nil {
		return err
	}
	s.changed(ctx, models.Webhook{ID: id}, models.ActionDelete, nil)
	return nil
}

func (s *Service) changed(ctx context.Context, w models.Webhook, a models.Action, fields []string) {
	if s.hook != nil {
		s.hook(ctx, models.Stamped(ctx, models.Change{Resource: models.ResourceWebhook, ID: w.ID, Action: a, Changed: fields}))
	}
}

// Deliveries lists a webhook's deliveries, newest first.
func (s *Service) Deliveries(ctx context.Context, id string, page, perPage int) (models.List[models.Delivery], error) {
	if _, err := s.store.Get(ctx, id); err != nil {
		return models.List[models.Delivery]{}, err
	}
	return s.outbox.List(ctx, id, page, perPage)
}

// Redeliver queues a delivery again, now, with a fresh round of attempts
// (same message id, so the receiver can tell it is the same event).
func (s *Service) Redeliver(ctx context.Context, id, deliveryID string) (models.Delivery, error) {
	if _, err := s.store.Get(ctx, id); err != nil {
		return models.Delivery{}, err
	}
	d, err := s.outbox.Get(ctx, id, deliveryID)
	if err != nil {
		return models.Delivery{}, err
	}
	now := models.Now()
	d.Status, d.Attempts, d.NextAttempt, d.UpdatedAt = models.DeliveryPending, 0, &now, now
	if err := s.outbox.Save(ctx, d); err != nil {
		return models.Delivery{}, err
	}
	s.poke()
	return d, nil
}

// payload is the body of a delivery (Standard Webhooks: type, timestamp,
// data).
type payload struct {
	Type      string    `json:"type"`
	Timestamp time.Time `json:"timestamp"`
	Data      eventData `json:"data"`
}

type eventData struct {
	Resource string `json:"resource"`
	ID       string `json:"id"`
	Version  int64  `json:"version"`
	Slug     string `json:"slug,omitempty"`
}

// Changed is the change hook: it queues one delivery per active webhook
// subscribed to the change's event. It is quick (one query, one insert)
// and never fails the write: errors are logged.
func (s *Service) Changed(ctx context.Context, c models.Change) {
	ev := models.WebhookEventOf(c)
	if ev == "" {
		return
	}
	at := c.At
	if at.IsZero() {
		at = time.Now().UTC()
	}
	s.enqueue(ctx, payload{Type: ev, Timestamp: at, Data: eventData{Resource: string(c.Resource), ID: c.ID, Version: c.Version, Slug: c.Key}})
}

// FixityFailed queues the fixity.failed event of a document.
func (s *Service) FixityFailed(ctx context.Context, doc *models.Document) {
	s.enqueue(ctx, payload{Type: models.EventTypeFixityFailed, Timestamp: time.Now().UTC(),
		Data: eventData{Resource: string(models.ResourceDocument), ID: doc.ID, Version: doc.Version}})
}

// BackupFailed queues the backup.failed event of a failed backup (its id
// is the start's; a backup that failed before it was named has none).
func (s *Service) BackupFailed(ctx context.Context, run models.BackupRun) {
	s.enqueue(ctx, payload{Type: models.EventTypeBackupFailed, Timestamp: time.Now().UTC(),
		Data: eventData{Resource: string(models.ResourceBackup), ID: run.ID}})
}

func (s *Service) enqueue(ctx context.Context, p payload) {
	// The write is stored already: a client that hangs up must not lose
	// its event, so only the request's values are kept, with a deadline.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	hooks, err := s.store.List(ctx)
	if err != nil {
		s.logger.ErrorContext(ctx, "webhooks: cannot read subscriptions; event not queued", "event", p.Type, "id", p.Data.ID, "err", err)
		return
	}
	body, err := json.Marshal(p)
	if err != nil {
		s.logger.ErrorContext(ctx, "webhooks: cannot encode event", "event", p.Type, "err", err)
		return
	}
	now := models.Now()
	var ds []models.Delivery
	for _, w := range hooks {
		if !w.Active || !subscribed(w, p.Type) {
			continue
		}
		ds = append(ds, models.Delivery{ID: newDeliveryID(), WebhookID: w.ID, Type: p.Type, Payload: string(body),
			Status: models.DeliveryPending, History: []models.DeliveryAttempt{}, NextAttempt: &now, CreatedAt: now, UpdatedAt: now})
	}
	if len(ds) == 0 {
		return
	}
	if err := s.outbox.Insert(ctx, ds); err != nil {
		s.logger.ErrorContext(ctx, "webhooks: cannot queue deliveries", "event", p.Type, "id", p.Data.ID, "err", err)
		return
	}
	s.poke()
}

func subscribed(w models.Webhook, event string) bool {
	for _, e := range w.Events {
		if e == event {
			return true
		}
	}
	return false
}

// poke wakes the worker without waiting.
func (s *Service) poke() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// newID is a webhook id: 24 hex characters like every id of the API.
func newID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// newDeliveryID is a message id (the webhook-id header).
func newDeliveryID() string { return "msg_" + newID() }

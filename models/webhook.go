package models

import (
	"net/url"
	"slices"
	"time"
	"unicode/utf8"
)

// Webhook is a subscription: deliveries of the events it names go to URL,
// signed with its secret (Standard Webhooks). The secret is kept for
// signing but never sent after the create answer, and never logged.
type Webhook struct {
	ID          string    `json:"id" bson:"_id"`
	URL         string    `json:"url" bson:"url"`
	Events      []string  `json:"events" bson:"events"`
	Description string    `json:"description" bson:"description"`
	Active      bool      `json:"active" bson:"active"`
	Secret      string    `json:"-" bson:"secret"`
	CreatedAt   time.Time `json:"created_at" bson:"created_at"`
	UpdatedAt   time.Time `json:"updated_at" bson:"updated_at"`
}

// WebhookInput is what an admin sends to create (all of it) or change (a
// merge patch: only the fields sent) a webhook.
type WebhookInput struct {
	URL         *string   `json:"url"`
	Events      *[]string `json:"events"`
	Description *string   `json:"description"`
	Active      *bool     `json:"active"`
}

// Apply validates in and applies it to w; create says every required
// field must be present. It returns the names of the fields that changed.
func (in WebhookInput) Apply(w *Webhook, create bool) ([]string, error) {
	var p Problems
	var changed []string
	if in.URL != nil {
		if err := checkWebhookURL(*in.URL); err != "" {
			p.Add("url", "%s", err)
		} else if *in.URL != w.URL {
			w.URL, changed = *in.URL, append(changed, "url")
		}
	} else if create {
		p.Add("url", "is required")
	}
	if in.Events != nil {
		evs := *in.Events
		if len(evs) == 0 {
			p.Add("events", "must name at least one event")
		}
		seen := map[string]bool{}
		var clean []string
		for _, e := range evs {
			if !slices.Contains(WebhookEvents, e) {
				p.Add("events", "%q is not an event; see the WebhookEvent enum", truncate(e, 60))
				continue
			}
			if !seen[e] {
				seen[e] = true
				clean = append(clean, e)
			}
		}
		if !slices.Equal(clean, w.Events) {
			w.Events, changed = clean, append(changed, "events")
		}
	} else if create {
		p.Add("events", "is required")
	}
	if in.Description != nil {
		if utf8.RuneCountInString(*in.Description) > 500 || !utf8.ValidString(*in.Description) {
			p.Add("description", "must be at most 500 characters of valid UTF-8")
		} else if *in.Description != w.Description {
			w.Description, changed = *in.Description, append(changed, "description")
		}
	}
	if in.Active != nil && *in.Active != w.Active {
		w.Active, changed = *in.Active, append(changed, "active")
	} else if in.Active == nil && create {
		w.Active = true
	}
	return changed, p.Err(ErrInvalid)
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// checkWebhookURL says what is wrong with a target URL, or "". Literal IP
// addresses that are not public are refused here already (the real check
// happens at delivery time, after DNS: see the webhooks package); the
// setting that allows them is applied by the webhooks service.
func checkWebhookURL(s string) string {
	if len(s) > 2000 {
		return "must be at most 2000 characters"
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" || u.User != nil || u.Fragment != "" {
		return "must be an absolute http or https URL without credentials or fragment"
	}
	return ""
}

// pastTense names an event after what was done: "<resource>.<past>".
var pastTense = map[Action]string{
	ActionCreate: "created", ActionUpdate: "updated", ActionPublish: "published", ActionUnpublish: "unpublished",
	ActionArchive: "archived", ActionRestore: "restored", ActionDelete: "deleted", ActionWithdraw: "withdrawn",
	ActionPurge: "purged", ActionDraftUpdate: "draft_updated", ActionDiscardDraft: "draft_discarded",
}

// EventTypeFixityFailed is the webhook event of a failed fixity check.
const EventTypeFixityFailed = "fixity.failed"

// EventTypeBackupFailed is the webhook event of a failed backup.
const EventTypeBackupFailed = "backup.failed"

// WebhookEvents is every event a webhook may subscribe to: the content
// resources' and documents' actions of models.Change, fixity.failed and
// backup.failed.
// Tokens, webhooks and schedules are not events (the audit log has them).
var WebhookEvents = func() []string {
	var out []string
	for _, r := range []Resource{ResourcePartnership, ResourceBlock, ResourcePage} {
		for _, a := range []Action{ActionCreate, ActionUpdate, ActionDraftUpdate, ActionDiscardDraft, ActionPublish, ActionUnpublish, ActionArchive, ActionRestore, ActionDelete} {
			out = append(out, string(r)+"."+pastTense[a])
		}
	}
	for _, a := range []Action{ActionCreate, ActionUpdate, ActionWithdraw, ActionRestore, ActionPurge} {
		out = append(out, string(ResourceDocument)+"."+pastTense[a])
	}
	return append(out, EventTypeFixityFailed, EventTypeBackupFailed)
}()

// WebhookEventOf is the event type of a change, or "" when a change of
// that kind is no event.
func WebhookEventOf(c Change) string {
	past, ok := pastTense[c.Action]
	if !ok {
		return ""
	}
	e := string(c.Resource) + "." + past
	if !slices.Contains(WebhookEvents, e) {
		return ""
	}
	return e
}

// DeliveryStatus is where a delivery stands.
type DeliveryStatus string

// Delivery states: pending (waiting for its next attempt), succeeded
// (a 2xx answer), failed (out of attempts, or the target is refused).
const (
	DeliveryPending   DeliveryStatus = "pending"
	DeliverySucceeded DeliveryStatus = "succeeded"
	DeliveryFailed    DeliveryStatus = "failed"
)

// Delivery is one message to one webhook: an entry of the outbox. Its id
// is the webhook-id header, the same for every attempt (receivers
// de-duplicate by it).
type Delivery struct {
	ID        string         `json:"id" bson:"_id"`
	WebhookID string         `json:"webhook_id" bson:"webhook_id"`
	Type      string         `json:"type" bson:"type"`
	Payload   string         `json:"payload" bson:"payload"`
	Status    DeliveryStatus `json:"status" bson:"status"`
	// Attempts counts the attempts of the current round (a redelivery
	// starts a new round); History keeps every attempt.
	Attempts    int               `json:"attempts" bson:"attempts"`
	History     []DeliveryAttempt `json:"history" bson:"history"`
	NextAttempt *time.Time        `json:"next_attempt_at" bson:"next_attempt_at"`
	CreatedAt   time.Time         `json:"created_at" bson:"created_at"`
	UpdatedAt   time.Time         `json:"updated_at" bson:"updated_at"`
}

// DeliveryAttempt is one POST to the target.
type DeliveryAttempt struct {
	At time.Time `json:"at" bson:"at"`
	// StatusCode is the target's answer; 0 when there was none.
	StatusCode int `json:"status_code" bson:"status_code"`
	// Error says why there was no answer (timeout, refused target ...).
	Error      string `json:"error,omitempty" bson:"error,omitempty"`
	DurationMS int64  `json:"duration_ms" bson:"duration_ms"`
}

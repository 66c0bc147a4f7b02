package models

import (
	"context"
	"time"
)

// AuditEntry is one line of the audit log: a change or a refused
// authentication. It never holds a secret: actors are token ids and names,
// fields are field names, never values.
type AuditEntry struct {
	ID         string    `json:"id" bson:"_id"`
	At         time.Time `json:"at" bson:"at"`
	Actor      Actor     `json:"actor" bson:"actor"`
	Action     string    `json:"action" bson:"action"`
	Resource   string    `json:"resource" bson:"resource"`
	ResourceID string    `json:"resource_id" bson:"resource_id"`
	Version    int64     `json:"version" bson:"version"`
	Fields     []string  `json:"fields" bson:"fields"`
	RequestID  string    `json:"request_id" bson:"request_id"`
	Client     string    `json:"client" bson:"client"`
	// Detail says why an authentication was refused.
	Detail string `json:"detail,omitempty" bson:"detail,omitempty"`
}

// Audit actions beyond those of changes.
const (
	AuditRefused = "refused"
	// AuditBackup records a backup's outcome (its detail: the target,
	// size or error).
	AuditBackup = "backup"
)

// AuditQuery filters the audit log. Actor matches a token id or a name.
type AuditQuery struct {
	Actor    string
	Resource string
	Action   string
	From, To time.Time
	Page     int
	PerPage  int
}

// Stamped returns c with the request context's actor, request id, client
// address and the time filled in: what every service that builds a Change
// (tokens, webhooks) adds from the request.
func Stamped(ctx context.Context, c Change) Change {
	c.Actor = ActorFrom(ctx)
	c.RequestID = RequestID(ctx)
	c.Client = Client(ctx)
	c.At = Now()
	return c
}

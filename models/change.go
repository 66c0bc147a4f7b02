package models

import (
	"context"
	"encoding/json"
	"time"
)

// Resource names a kind of thing a change happens to. The names are the
// singular resource names of the API; webhook event types are
// "<resource>.<action>" (partnership.published …).
type Resource string

// Resources whose changes pass the change hook.
const (
	ResourcePartnership Resource = "partnership"
	ResourceBlock       Resource = "block"
	ResourcePage        Resource = "page"
	ResourceDocument    Resource = "document"
	ResourceToken       Resource = "token"
	ResourceWebhook     Resource = "webhook"
	ResourceSchedule    Resource = "schedule"
	ResourceBackup      Resource = "backup"
	// ResourcePreviewLink is a draft preview link: who handed a draft to
	// someone without an account, and who revoked it, is in the audit log.
	ResourcePreviewLink Resource = "preview_link"
	// ResourceUser is a person's account; ResourceSession a sign-in.
	ResourceUser    Resource = "user"
	ResourceSession Resource = "session"
)

// Actor is who made a change: the token's id and name, never its secret.
// System work (schedules, sweeper, demo loading, import) has an empty
// TokenID and a descriptive Name ("schedule", "demo", "import").
type Actor struct {
	// Type and ID name the actor as the API does everywhere, {type, id,
	// name}: "token" (ID the token's id), "user" (ID the person's id) or
	// "system" (ID its name). Derived when written as JSON, never stored.
	Type    string `json:"type" bson:"-"`
	ID      string `json:"id" bson:"-"`
	TokenID string `json:"token_id" bson:"token_id"`
	// UserID names a person signed in with a session (empty for tokens).
	UserID string `json:"user_id,omitempty" bson:"user_id,omitempty"`
	Name   string `json:"name" bson:"name"`
}

// MarshalJSON writes the actor with its Type and ID filled in.
func (a Actor) MarshalJSON() ([]byte, error) {
	type plain Actor
	p := plain(a)
	switch {
	case a.TokenID != "":
		p.Type, p.ID = "token", a.TokenID
	case a.UserID != "":
		p.Type, p.ID = "user", a.UserID
	default:
		p.Type, p.ID = "system", a.Name
	}
	return json.Marshal(p)
}

// Ref is how the actor is written into record metadata (created_by,
// updated_by, version "by"): "token:<id>" for a token, the name otherwise.
func (a Actor) Ref() string {
	if a.TokenID != "" {
		return "token:" + a.TokenID
	}
	if a.UserID != "" {
		return "user:" + a.UserID
	}
	return a.Name
}

// Change is one successful write, as every subscriber of the change hook
// (published snapshot, webhooks, audit log, schedules) sees it. It is
// built in one place per resource (the content service, the document
// lifecycle, the token and webhook services) after the write is stored.
type Change struct {
	Resource Resource `json:"resource"`
	ID       string   `json:"id"`
	// Key is the slug (partnerships), key (blocks, pages) or file name
	// (documents), when there is one.
	Key string `json:"key,omitempty"`
	// Action is what was done: create, update, publish, unpublish,
	// archive, restore, delete for content; create, update, withdraw,
	// restore, purge for documents; create, delete for tokens.
	Action Action `json:"action"`
	// Version is the version after the change (0 when deleted).
	Version   int64    `json:"version"`
	OldStatus Status   `json:"old_status,omitempty"`
	NewStatus Status   `json:"new_status,omitempty"`
	Changed   []string `json:"changed,omitempty"`
	Actor     Actor    `json:"actor"`
	// Detail says more where the action alone does not (why a sign-in
	// failed, how a person signed in); never a secret.
	Detail string `json:"detail,omitempty"`
	// RequestID and Client (the client's address) come from the request's
	// context (WithRequestID, WithClient); empty for system work.
	RequestID string    `json:"request_id,omitempty"`
	Client    string    `json:"client,omitempty"`
	At        time.Time `json:"at"`
}

// Actions beyond the content ones, used by documents and tokens.
const (
	// Sign-in actions (ResourceSession), in the audit log only.
	ActionSignIn       Action = "sign_in"
	ActionSignInFailed Action = "sign_in_failed"
	ActionSignOut      Action = "sign_out"
	ActionDelete       Action = "delete"
	ActionWithdraw     Action = "withdraw"
	ActionPurge        Action = "purge"
)

// ChangeHook is told of every successful write, after it is stored and
// before the request is answered (so the instance that wrote reads its own
// write). A hook must be quick and must not fail the write: slow work
// (deliveries) is queued, errors are logged by the hook itself.
type ChangeHook func(ctx context.Context, c Change)

// Hooks calls several hooks in order.
type Hooks []ChangeHook

// Changed tells every hook of c.
func (hs Hooks) Changed(ctx context.Context, c Change) {
	for _, h := range hs {
		h(ctx, c)
	}
}

type actorKey struct{}
type clientKey struct{}

// WithActor returns ctx carrying the authenticated actor (set by the
// HTTP layer after authentication, by commands for system work).
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom is the actor ctx carries, or the zero Actor.
func ActorFrom(ctx context.Context) Actor {
	a, _ := ctx.Value(actorKey{}).(Actor)
	return a
}

// WithClient returns ctx carrying the client's address, for the audit log.
func WithClient(ctx context.Context, addr string) context.Context {
	return context.WithValue(ctx, clientKey{}, addr)
}

// Client is the client address ctx carries, or "".
func Client(ctx context.Context) string {
	s, _ := ctx.Value(clientKey{}).(string)
	return s
}

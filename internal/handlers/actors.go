package handlers

import (
	"context"
	"strings"

	"github.com/jesenice/twincms/models"
)

// actorView is who made a change as the history shows it: the kind of
// actor ("token", "user", or "system" for the scheduler, the config and
// migrations), its id and its name. Records keep only a reference
// ("token:<id>", "user:<id>"); the name is looked up when the history is
// read, so a renamed person shows their current name and the admin UI
// never shows a bare token id.
type actorView struct {
	Type string `json:"type"`
	ID   string `json:"id"`
	Name string `json:"name"`
}

// eventView is a document event with who caused it (the archive's event
// history shows names, not "token:<id>").
type eventView struct {
	models.Event
	Who actorView `json:"who"`
}

// actorNames resolves the references of one history read. Tokens come
// from the token store (one list); people one by one (a history names few).
// A reference that no longer resolves (a revoked token, a deleted person)
// keeps its id with an empty name.
func (a *API) actorNames(ctx context.Context, refs []string) map[string]actorView {
	out := make(map[string]actorView, len(refs))
	var tokens map[string]string
	for _, ref := range refs {
		if _, done := out[ref]; done {
			continue
		}
		kind, id, ok := strings.Cut(ref, ":")
		switch {
		case ok && kind == "token":
			if tokens == nil {
				tokens = map[string]string{}
				if list, err := a.d.Tokens.List(ctx); err == nil {
					for _, t := range list {
						tokens[t.ID] = t.Name
					}
				}
			}
			out[ref] = actorView{Type: "token", ID: id, Name: tokens[id]}
		case ok && kind == "user":
			v := actorView{Type: "user", ID: id}
			if a.d.Accounts != nil {
				if u, err := a.d.Accounts.Get(ctx, id); err == nil {
					v.Name = u.Name
				}
			}
			out[ref] = v
		default:
			out[ref] = actorView{Type: "system", ID: ref, Name: ref}
		}
	}
	return out
}

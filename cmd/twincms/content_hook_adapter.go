package main

// TEMPORARY (webhooks branch): until the content service ends every
// content write in the change hook, this wrapper around the content stores
// tells the hook after each successful Create, Replace and Delete. It goes
// when the content branch is merged.

import (
	"context"

	"github.com/jesenice/twincms/handlers"
	"github.com/jesenice/twincms/models"
)

type hookedContent[T any, P interface {
	*T
	models.Content
}] struct {
	handlers.ContentStore[T, P]
	resource models.Resource
	hook     models.ChangeHook
}

func (h hookedContent[T, P]) Create(ctx context.Context, it P, by string) (P, error) {
	out, err := h.ContentStore.Create(ctx, it, by)
	if err == nil {
		m := out.GetMeta()
		h.hook(ctx, models.Stamped(ctx, models.Change{Resource: h.resource, ID: m.ID, Key: out.Key(), Action: models.ActionCreate,
			Version: m.Version, NewStatus: m.Status}))
	}
	return out, err
}

func (h hookedContent[T, P]) Replace(ctx context.Context, it P, expected int64, action models.Action, by string, changed []string) (P, error) {
	out, err := h.ContentStore.Replace(ctx, it, expected, action, by, changed)
	if err == nil {
		m := out.GetMeta()
		h.hook(ctx, models.Stamped(ctx, models.Change{Resource: h.resource, ID: m.ID, Key: out.Key(), Action: action,
			Version: m.Version, NewStatus: m.Status, Changed: changed}))
	}
	return out, err
}

func (h hookedContent[T, P]) Delete(ctx context.Context, id string, expected int64) error {
	err := h.ContentStore.Delete(ctx, id, expected)
	if err == nil {
		h.hook(ctx, models.Stamped(ctx, models.Change{Resource: h.resource, ID: id, Action: models.ActionDelete}))
	}
	return err
}

package main

import (
	"context"
	"fmt"

	"github.com/jesenice/twincms/models"
	"github.com/jesenice/twincms/storage"
)

// storeTarget lets schedules publish one content type: the scheduled
// version's snapshot becomes the current record, published, in one write.
type storeTarget[T any, P storage.Item[T]] struct {
	store   *storage.Content[T, P]
	changed func(ctx context.Context)
}

func (t storeTarget[T, P]) Current(ctx context.Context, id string) (int64, models.Status, error) {
	it, err := t.store.Get(ctx, id)
	if err != nil {
		return 0, "", err
	}
	return it.GetMeta().Version, it.GetMeta().Status, nil
}

func (t storeTarget[T, P]) editable(ctx context.Context, id string, expected int64) (P, error) {
	cur, err := t.store.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if cur.GetMeta().Version != expected {
		return nil, fmt.Errorf("%w: %s moved on", models.ErrStale, id)
	}
	return cur, nil
}

func (t storeTarget[T, P]) PublishVersion(ctx context.Context, id string, n, expected int64) error {
	cur, err := t.editable(ctx, id, expected)
	if err != nil {
		return err
	}
	old, err := t.store.Version(ctx, id, n)
	if err != nil {
		return err
	}
	next := P(&old.Snapshot)
	*next.GetMeta() = *cur.GetMeta()
	changed := models.ChangedFields(cur, next)
	if cur.GetMeta().Status != models.StatusPublished {
		changed = append(changed, "status")
	} else if len(changed) == 0 {
		return fmt.Errorf("%w: published already", models.ErrConflict)
	}
	if _, err := t.store.Replace(ctx, next, expected, models.ActionPublish, models.ActorFrom(ctx).Ref(), changed); err != nil {
		return err
	}
	t.changed(ctx)
	return nil
}

func (t storeTarget[T, P]) Unpublish(ctx context.Context, id string, expected int64) error {
	cur, err := t.editable(ctx, id, expected)
	if err != nil {
		return err
	}
	if _, err := t.store.Replace(ctx, cur, expected, models.ActionUnpublish, models.ActorFrom(ctx).Ref(), []string{"status"}); err != nil {
		return err
	}
	t.changed(ctx)
	return nil
}

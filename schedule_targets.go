package twincms

import (
	"context"

	"github.com/jesenice/twincms/content"
	"github.com/jesenice/twincms/models"
)

// contentTarget lets schedules act on one content type through its
// content service, so the change hook sees what a schedule does.
type contentTarget[T any, P content.Item[T]] struct {
	svc *content.Service[T, P]
}

func (t contentTarget[T, P]) Current(ctx context.Context, id string) (int64, models.Status, error) {
	it, err := t.svc.Get(ctx, id)
	if err != nil {
		return 0, "", err
	}
	return it.GetMeta().Version, it.GetMeta().Status, nil
}

func (t contentTarget[T, P]) PublishVersion(ctx context.Context, id string, n, expected int64) error {
	_, err := t.svc.PublishVersion(ctx, id, n, expected)
	return err
}

func (t contentTarget[T, P]) Unpublish(ctx context.Context, id string, expected int64) error {
	_, err := t.svc.Transition(ctx, id, expected, models.ActionUnpublish)
	return err
}

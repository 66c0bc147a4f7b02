package twincms

import (
	"context"
	"fmt"
	"os"

	"github.com/jesenice/twincms/models"
	"github.com/jesenice/twincms/schedule"
	"github.com/jesenice/twincms/storage"
)

// openSchedules builds the scheduler: it publishes through the content
// services (so their hook sees what it does) and tells hook of schedules
// made and cancelled.
func (c *CMS) openSchedules(ctx context.Context, hook models.ChangeHook) error {
	store, err := storage.NewSchedules(ctx, c.db)
	if err != nil {
		return err
	}
	host, _ := os.Hostname()
	c.schedules = &schedule.Service{Store: store, Leases: storage.NewLeases(c.db),
		Targets: map[models.Resource]schedule.Target{
			models.ResourcePartnership: contentTarget[models.Partnership, *models.Partnership]{c.content.Partnerships},
			models.ResourceBlock:       contentTarget[models.Block, *models.Block]{c.content.Blocks},
			models.ResourcePage:        contentTarget[models.ContentPage, *models.ContentPage]{c.content.Pages},
		},
		Hook:   hook,
		Holder: fmt.Sprintf("%s/%d/%s", host, os.Getpid(), randomHex(4)), LateAfter: c.cfg.ScheduleLateAfter,
		OnRun: c.metrics.ScheduleRun, NewID: storage.NewScheduleID, Logger: c.logger}
	return nil
}

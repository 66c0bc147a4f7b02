package handlers

import (
	"context"

	"github.com/gofiber/fiber/v2"
	"github.com/jesenice/twincms/models"
)

// BackupService runs backups (see package backup). Start returns a
// models.ErrConflict error while a backup runs or when none can run here
// (no target configured, an external database).
type BackupService interface {
	Start(ctx context.Context, trigger string) (models.BackupRun, error)
	Status(ctx context.Context) (models.BackupStatus, error)
	// Warning is a failed last backup, told by /readyz ("" none).
	Warning() string
}

// startBackup starts a backup of this instance in the background: 202
// with the run; its progress is at GET /backups.
func (a *API) startBackup(c *fiber.Ctx) error {
	run, err := a.d.Backups.Start(c.UserContext(), "api")
	if err != nil {
		return err
	}
	c.Location(c.Path()) // GET on the same path follows it
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(fiber.StatusAccepted).JSON(run)
}

// backupStatus answers the running backup's progress, the last outcome
// and the backups kept.
func (a *API) backupStatus(c *fiber.Ctx) error {
	st, err := a.d.Backups.Status(c.UserContext())
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(st)
}

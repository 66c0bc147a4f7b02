package app

import (
	"context"

	"github.com/jesenice/twincms/internal/migrate"
	"github.com/jesenice/twincms/internal/storage"
)

// migrations is the ordered list of data migrations (internal/migrate).
// Append a step with the next level; never change or reorder one that
// has landed: databases record the level they reached.
func (a *App) migrations() []migrate.Migration {
	return []migrate.Migration{
		{Level: 1, Name: "content drafts: published_version, draft_version, has_unpublished_changes", Up: a.DB.MigrateContentDrafts},
	}
}

// MigrationLevel is the data migration level this code brings a database
// to (a backup records it beside the database's own level).
func (a *App) MigrationLevel() int { return len(a.migrations()) }

// migrate brings the database to this code's level before any repository
// reads it; with several instances starting together one migrates and the
// others wait for it (migrate.Runner).
func (a *App) migrate(ctx context.Context) error {
	a.Migrations = storage.NewMigrations(a.DB)
	r := &migrate.Runner{Levels: a.Migrations, Lease: storage.NewLeases(a.DB), Holder: holder(), Logger: a.Logger}
	_, err := r.Run(ctx, a.migrations())
	return err
}

package storage

import (
	"context"

	"github.com/jesenice/twincms/models"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// Partnerships stores partnership records.
type Partnerships = Content[models.Partnership, *models.Partnership]

// Blocks stores page text blocks.
type Blocks = Content[models.Block, *models.Block]

// Pages stores pages.
type Pages = Content[models.ContentPage, *models.ContentPage]

// timeSorts are the sort orders every content list offers: by time and
// by status (the admin lists sort by every column), the key field second.
func timeSorts(m map[string]bson.D, key string) map[string]bson.D {
	m["status"] = bson.D{{Key: "status", Value: 1}, {Key: key, Value: 1}}
	m["-status"] = bson.D{{Key: "status", Value: -1}, {Key: key, Value: 1}}
	m["created_at"] = bson.D{{Key: "created_at", Value: 1}}
	m["-created_at"] = bson.D{{Key: "created_at", Value: -1}}
	m["updated_at"] = bson.D{{Key: "updated_at", Value: 1}}
	m["-updated_at"] = bson.D{{Key: "updated_at", Value: -1}}
	return m
}

// NewPartnerships opens the partnership store. Name order uses the sort
// key stored at write time (Slovenian collation without server collation).
func NewPartnerships(ctx context.Context, db *DB) (*Partnerships, error) {
	return NewContent[models.Partnership](ctx, db, ContentSpec{
		Collection: "partnerships",
		KeyField:   "slug",
		Filter: func(q models.ListQuery) bson.D {
			f := bson.D{}
			if q.Relation != "" {
				f = append(f, bson.E{Key: "relation", Value: q.Relation})
			}
			if q.Country != "" {
				f = append(f, bson.E{Key: "partner.country", Value: q.Country})
			}
			if q.Area != "" {
				f = append(f, bson.E{Key: "areas", Value: q.Area})
			}
			return f
		},
		Sorts: timeSorts(map[string]bson.D{
			"":          {{Key: "sort", Value: 1}, {Key: "name_key", Value: 1}},
			"sort":      {{Key: "sort", Value: 1}, {Key: "name_key", Value: 1}},
			"name":      {{Key: "name_key", Value: 1}},
			"-name":     {{Key: "name_key", Value: -1}},
			"slug":      {{Key: "slug", Value: 1}},
			"-slug":     {{Key: "slug", Value: -1}},
			"-sort":     {{Key: "sort", Value: -1}, {Key: "name_key", Value: 1}},
			"relation":  {{Key: "relation", Value: 1}, {Key: "name_key", Value: 1}},
			"-relation": {{Key: "relation", Value: -1}, {Key: "name_key", Value: 1}},
			"country":   {{Key: "partner.country", Value: 1}, {Key: "name_key", Value: 1}},
			"-country":  {{Key: "partner.country", Value: -1}, {Key: "name_key", Value: 1}},
		}, "name_key"),
	})
}

// NewBlocks opens the block store.
func NewBlocks(ctx context.Context, db *DB) (*Blocks, error) {
	return NewContent[models.Block](ctx, db, ContentSpec{
		Collection: "blocks",
		KeyField:   "key",
		Sorts: timeSorts(map[string]bson.D{
			"":     {{Key: "key", Value: 1}},
			"key":  {{Key: "key", Value: 1}},
			"-key": {{Key: "key", Value: -1}},
		}, "key"),
	})
}

// NewPages opens the page store.
func NewPages(ctx context.Context, db *DB) (*Pages, error) {
	return NewContent[models.ContentPage](ctx, db, ContentSpec{
		Collection: "pages",
		KeyField:   "slug",
		Sorts: timeSorts(map[string]bson.D{
			"":      {{Key: "slug", Value: 1}},
			"slug":  {{Key: "slug", Value: 1}},
			"-slug": {{Key: "slug", Value: -1}},
		}, "slug"),
	})
}

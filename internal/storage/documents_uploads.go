package storage

import (
	"context"

	"github.com/jesenice/twincms/models"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// Direct-upload tickets (POST /uploads), kept beside the documents they become.

// InsertUpload records a direct upload in progress.
func (d *Documents) InsertUpload(ctx context.Context, u *models.Upload) error {
	_, err := d.db.collection(uploadsCollection).InsertOne(ctx, u)
	return translateDB(err)
}

// GetUpload returns an upload in progress.
func (d *Documents) GetUpload(ctx context.Context, id string) (*models.Upload, error) {
	var u models.Upload
	if err := d.db.collection(uploadsCollection).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&u); err != nil {
		return nil, translateDB(err)
	}
	return &u, nil
}

// DeleteUpload forgets an upload (completed, refused or expired).
func (d *Documents) DeleteUpload(ctx context.Context, id string) error {
	_, err := d.db.collection(uploadsCollection).DeleteOne(ctx, bson.D{{Key: "_id", Value: id}})
	return translateDB(err)
}

// Uploads returns every upload in progress.
func (d *Documents) Uploads(ctx context.Context) ([]*models.Upload, error) {
	cur, err := d.db.collection(uploadsCollection).Find(ctx, bson.D{})
	if err != nil {
		return nil, translateDB(err)
	}
	out := []*models.Upload{}
	return out, translateDB(cur.All(ctx, &out))
}

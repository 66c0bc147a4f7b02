package storage

import (
	"context"
	"errors"
	"fmt"

	"github.com/jesenice/twincms/models"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

const usersCollection = "users"

// Users keeps people's accounts (collection users), unique by email.
type Users struct{ db *DB }

// NewUsers creates the indexes: email (unique), the invitation's hash
// and the SSO subject.
func NewUsers(ctx context.Context, db *DB) (*Users, error) {
	for _, k := range []struct {
		key    string
		unique bool
	}{{"email", true}, {"invitation_hash", false}, {"subject", false}} {
		if err := db.ensureIndex(ctx, usersCollection, bson.D{{Key: k.key, Value: 1}}, k.unique); err != nil {
			return nil, err
		}
	}
	return &Users{db: db}, nil
}

// NewUserID makes a user id.
func NewUserID() string { return bson.NewObjectID().Hex() }

// Insert stores a new user; ErrConflict when the email is taken.
func (u *Users) Insert(ctx context.Context, user *models.User) error {
	_, err := u.db.collection(usersCollection).InsertOne(ctx, user)
	if err = translateDB(err); errors.Is(err, models.ErrConflict) {
		return models.Taken("email", user.Email)
	}
	return err
}

func (u *Users) findOne(ctx context.Context, filter bson.D) (*models.User, error) {
	var out models.User
	if err := translateDB(u.db.collection(usersCollection).FindOne(ctx, filter).Decode(&out)); err != nil {
		if errors.Is(err, models.ErrNotFound) {
			return nil, fmt.Errorf("%w: no such user", models.ErrNotFound)
		}
		return nil, err
	}
	return &out, nil
}

// Get returns one user; ErrNotFound.
func (u *Users) Get(ctx context.Context, id string) (*models.User, error) {
	return u.findOne(ctx, bson.D{{Key: "_id", Value: id}})
}

// ByEmail returns the user with the (normalized) email; ErrNotFound.
func (u *Users) ByEmail(ctx context.Context, email string) (*models.User, error) {
	return u.findOne(ctx, bson.D{{Key: "email", Value: email}})
}

// ByInvitation returns the user whose open invitation has this hash.
func (u *Users) ByInvitation(ctx context.Context, hash string) (*models.User, error) {
	return u.findOne(ctx, bson.D{{Key: "invitation_hash", Value: hash}})
}

// BySubject returns the user signed in through SSO as subject.
func (u *Users) BySubject(ctx context.Context, subject string) (*models.User, error) {
	return u.findOne(ctx, bson.D{{Key: "subject", Value: subject}})
}

// Replace stores user over its earlier state; ErrNotFound, ErrConflict.
func (u *Users) Replace(ctx context.Context, user *models.User) error {
	res, err := u.db.collection(usersCollection).ReplaceOne(ctx, bson.D{{Key: "_id", Value: user.ID}}, user)
	if err = translateDB(err); err != nil {
		if errors.Is(err, models.ErrConflict) {
			return models.Taken("email", user.Email)
		}
		return err
	}
	if res.MatchedCount == 0 {
		return fmt.Errorf("%w: no such user", models.ErrNotFound)
	}
	return nil
}

// Delete removes a user; ErrNotFound.
func (u *Users) Delete(ctx context.Context, id string) error {
	res, err := u.db.collection(usersCollection).DeleteOne(ctx, bson.D{{Key: "_id", Value: id}})
	if err != nil {
		return translateDB(err)
	}
	if res.DeletedCount == 0 {
		return fmt.Errorf("%w: no such user", models.ErrNotFound)
	}
	return nil
}

// List returns every user by email.
func (u *Users) List(ctx context.Context) ([]models.User, error) {
	cur, err := u.db.collection(usersCollection).Find(ctx, bson.D{}, options.Find().SetSort(bson.D{{Key: "email", Value: 1}}))
	if err != nil {
		return nil, translateDB(err)
	}
	out := []models.User{}
	return out, translateDB(cur.All(ctx, &out))
}

// CountActiveAdmins counts the active admins, so the last one is kept.
func (u *Users) CountActiveAdmins(ctx context.Context) (int64, error) {
	n, err := u.db.collection(usersCollection).CountDocuments(ctx, bson.D{{Key: "role", Value: models.RoleAdmin}, {Key: "status", Value: models.UserActive}})
	return n, translateDB(err)
}

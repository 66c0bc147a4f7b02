package storage

import (
	"context"
	"errors"

	"github.com/jesenice/twincms/models"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Settings keeps the settings admins change at run time (collection
// settings, one document an area).
type Settings struct{ db *DB }

// NewSettings returns the store.
func NewSettings(db *DB) *Settings { return &Settings{db: db} }

type signInPolicy struct {
	TOTPRequiredRoles []models.Role `bson:"totp_required_roles"`
}

// TOTPRequiredRoles are the roles that must use a second factor.
func (s *Settings) TOTPRequiredRoles(ctx context.Context) ([]models.Role, error) {
	var p signInPolicy
	err := translateDB(s.db.collection("settings").FindOne(ctx, bson.D{{Key: "_id", Value: "sign_in"}}).Decode(&p))
	if errors.Is(err, models.ErrNotFound) {
		return []models.Role{}, nil
	}
	if p.TOTPRequiredRoles == nil {
		p.TOTPRequiredRoles = []models.Role{}
	}
	return p.TOTPRequiredRoles, err
}

// SetTOTPRequiredRoles stores the roles that must use a second factor.
func (s *Settings) SetTOTPRequiredRoles(ctx context.Context, roles []models.Role) error {
	_, err := s.db.collection("settings").UpdateOne(ctx, bson.D{{Key: "_id", Value: "sign_in"}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "totp_required_roles", Value: roles}}}}, options.UpdateOne().SetUpsert(true))
	return translateDB(err)
}

// AccessibilityStatement returns the accessibility statement's settings.
// Errors: models.ErrNotFound before any are saved, ErrUnavailable.
func (s *Settings) AccessibilityStatement(ctx context.Context) (*models.StatementSettings, error) {
	var v struct {
		S models.StatementSettings `bson:"statement"`
	}
	if err := translateDB(s.db.collection("settings").FindOne(ctx, bson.D{{Key: "_id", Value: "accessibility_statement"}}).Decode(&v)); err != nil {
		return nil, err
	}
	return &v.S, nil
}

// SetAccessibilityStatement stores the accessibility statement's settings.
func (s *Settings) SetAccessibilityStatement(ctx context.Context, st models.StatementSettings) error {
	_, err := s.db.collection("settings").UpdateOne(ctx, bson.D{{Key: "_id", Value: "accessibility_statement"}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "statement", Value: st}}}}, options.UpdateOne().SetUpsert(true))
	return translateDB(err)
}

// Package models holds twincms's domain types, their validation and the
// sentinel errors every layer speaks. It imports no driver: storage
// translates driver errors into these, handlers map these to HTTP statuses.
//
// It is public because its types cross the plugin facade: a host reads
// models.Partnership from CMS.PublishedPartnerships, names roles
// (models.Role) for its users and subscribes models.ChangeHook functions.
package models

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Sentinel errors. Wrap them with fmt.Errorf("%w: detail", ErrX) so that the
// detail reaches the client while errors.Is still finds the kind.
var (
	// ErrNotFound: the resource does not exist or is not visible to the caller.
	ErrNotFound = errors.New("not found")
	// ErrConflict: a unique value (slug, key) is already taken.
	ErrConflict = errors.New("conflict")
	// ErrStale: the If-Match version is not the current version.
	ErrStale = errors.New("version mismatch")
	// ErrVersionRequired: a change was sent without If-Match.
	ErrVersionRequired = errors.New("precondition required")
	// ErrMalformed: the request cannot be parsed (bad JSON, unknown or
	// server-owned fields, bad id syntax).
	ErrMalformed = errors.New("malformed request")
	// ErrInvalid: the request parses but its values break the rules.
	ErrInvalid = errors.New("validation failed")
	// ErrUnauthorized: no token or an unknown token.
	ErrUnauthorized = errors.New("unauthorized")
	// ErrThrottled: too many refused authentications from this client (or
	// from all together); the caller says when to try again.
	ErrThrottled = errors.New("too many failed authentications")
	// ErrForbidden: the token's role may not do this.
	ErrForbidden = errors.New("forbidden")
	// ErrTooLarge: the body is over the configured limit.
	ErrTooLarge = errors.New("too large")
	// ErrUnsupportedType: the content type is not accepted or is spoofed.
	ErrUnsupportedType = errors.New("unsupported media type")
	// ErrRangeNotSatisfiable: a byte range outside the object.
	ErrRangeNotSatisfiable = errors.New("range not satisfiable")
	// ErrLinkInvalid: a public file link whose signature does not match or
	// that has expired.
	ErrLinkInvalid = errors.New("link invalid")
	// ErrGone: the resource existed but was withdrawn.
	ErrGone = errors.New("gone")
	// ErrUnavailable: a backing service (database, object store) is down.
	ErrUnavailable = errors.New("service unavailable")
	// ErrInsufficientStorage: a write failed because the disk (database or
	// object store) is full. Reads and deletions still work.
	ErrInsufficientStorage = errors.New("insufficient storage")
)

// FieldProblem names one field of a request and what is wrong with it.
// Field and Problem are the original names; Pointer, Code and Detail are
// the RFC 9457 extension clients key on: a JSON Pointer into the body, a
// stable code to translate (field_codes.go) and the English detail.
type FieldProblem struct {
	Field   string `json:"field"`
	Problem string `json:"problem"`
	Pointer string `json:"pointer"`
	Code    string `json:"code"`
	Detail  string `json:"detail"`
}

// NewFieldProblem names field's problem with its pointer and code.
func NewFieldProblem(field, problem string) FieldProblem {
	return FieldProblem{Field: field, Problem: problem, Pointer: FieldPointer(field), Code: problemCode(problem), Detail: problem}
}

// ValidationError collects every field problem of one request, so an editor
// sees all of them at once instead of fixing one per round trip.
type ValidationError struct {
	// Kind is ErrInvalid (422) or ErrMalformed (400).
	Kind     error
	Problems []FieldProblem
	// partial: the body's misfits are named and the decoded value holds
	// what fitted (DecodeStrict), so rule problems may be added to these.
	partial bool
}

// PartlyDecoded tells whether err names a body's misfits (wrong JSON
// types, unknown fields) while the value it was decoded into holds what
// fitted: the rules can still be checked on it (MergeProblems).
func PartlyDecoded(err error) bool {
	var ve *ValidationError
	return errors.As(err, &ve) && ve.partial
}

// MergeProblems adds to a PartlyDecoded error the field problems that
// the rules (ruleErr) found elsewhere: a field already named, or one inside
// or around it ("partner" sent as a string, then partner.name missing),
// is left as the body named it. The status stays the body's (400).
func MergeProblems(bodyErr, ruleErr error) error {
	var body, rules *ValidationError
	if !errors.As(bodyErr, &body) || !body.partial || !errors.As(ruleErr, &rules) {
		return bodyErr
	}
	merged := &ValidationError{Kind: body.Kind, Problems: slices.Clone(body.Problems)}
	for _, rp := range rules.Problems {
		if !nearAny(rp.Pointer, body.Problems) {
			merged.Problems = append(merged.Problems, rp)
		}
	}
	return merged
}

// nearAny: pointer is one of the problems' pointers, inside one or around one.
func nearAny(pointer string, problems []FieldProblem) bool {
	for _, p := range problems {
		a, b := pointer, p.Pointer
		if a == b || strings.HasPrefix(a, b+"/") || strings.HasPrefix(b, a+"/") || a == "" || b == "" {
			return true
		}
	}
	return false
}

func (e *ValidationError) Error() string {
	parts := make([]string, 0, len(e.Problems))
	for _, p := range e.Problems {
		parts = append(parts, p.Field+": "+p.Problem)
	}
	return fmt.Sprintf("%v: %s", e.Kind, strings.Join(parts, "; "))
}

// Unwrap lets errors.Is(err, ErrInvalid) match.
func (e *ValidationError) Unwrap() error { return e.Kind }

// Problems accumulates field problems while validating.
type Problems struct {
	list []FieldProblem
}

// Add records one problem.
func (p *Problems) Add(field, format string, args ...any) {
	p.list = append(p.list, NewFieldProblem(field, fmt.Sprintf(format, args...)))
}

// Err returns nil when nothing was added, else a *ValidationError of kind.
func (p *Problems) Err(kind error) error {
	if len(p.list) == 0 {
		return nil
	}
	return &ValidationError{Kind: kind, Problems: p.list}
}

// Taken is ErrConflict for a unique value another record holds, named as
// a field problem (code "taken", pointer to field) so a form can say it
// beside the field, as it says a 422's problems.
func Taken(field, value string) error {
	problem := fmt.Sprintf("%q is already taken", value)
	return &ValidationError{Kind: ErrConflict, Problems: []FieldProblem{{
		Field: field, Problem: problem, Pointer: FieldPointer(field), Code: CodeTaken, Detail: problem,
	}}}
}

// Hide wraps kind with a detail written for the client and keeps cause for
// the log only. Use it wherever a parser, driver or io error explains a
// failure: their text (type names, raw requests, offsets in our code) must
// never reach a client, but an operator needs it.
func Hide(kind error, detail string, cause error) error {
	return &hiddenError{kind: kind, detail: detail, cause: cause}
}

type hiddenError struct {
	kind   error
	detail string
	cause  error
}

func (e *hiddenError) Error() string {
	if e.cause == nil {
		return e.kind.Error() + ": " + e.detail
	}
	return e.kind.Error() + ": " + e.detail + ": " + e.cause.Error()
}

// Unwrap lets errors.Is find both the kind and the cause.
func (e *hiddenError) Unwrap() []error {
	if e.cause == nil {
		return []error{e.kind}
	}
	return []error{e.kind, e.cause}
}

// PublicDetail is the detail of a Hide error, without its cause.
func (e *hiddenError) PublicDetail() string { return e.detail }

// RateLimited is ErrThrottled with the wait the client is told in
// Retry-After.
type RateLimited struct{ RetryAfter time.Duration }

func (e *RateLimited) Error() string { return ErrThrottled.Error() }

// Unwrap lets errors.Is(err, ErrThrottled) match.
func (e *RateLimited) Unwrap() error { return ErrThrottled }

// ErrSecondFactorRequired: the password was right but the account's
// second factor (a TOTP or recovery code) is missing or wrong (401).
var ErrSecondFactorRequired = errors.New("second factor required")

package handlers

import (
	"github.com/jesenice/twincms/internal/a11y"
	"reflect"
	"strings"
	"time"
	"unicode"

	"github.com/jesenice/twincms/internal/accounts"
	"github.com/jesenice/twincms/internal/publish"
	"github.com/jesenice/twincms/internal/webhooks"
	"github.com/jesenice/twincms/models"
)

// Response schemas are generated from the Go types the handlers encode,
// so the document describes exactly what is sent: a field without
// omitempty is required, a pointer, slice or map that can be nil is
// nullable, and nothing forbids fields a later version adds (responses
// are read by clients, not validated inputs). Request schemas stay hand
// written in openapi_components.json, strict (additionalProperties: false).

// tokenCreated is the body of POST /tokens: the token and its secret.
type tokenCreated struct {
	models.Token
	Secret string `json:"token"`
}

// itemsOf is a body that is only a list (tokens, versions).
type itemsOf[T any] struct {
	Items []T `json:"items"`
}

// archiveDocumentView is GET /archive/documents/{id}.
type archiveDocumentView struct {
	Document *models.Document `json:"document"`
	Events   []eventView      `json:"events"`
}

// healthView is /healthz and /readyz when ready.
type healthView struct {
	Status string            `json:"status"`
	Checks map[string]string `json:"checks,omitempty"`
	// Warnings are what needs an operator without making the service
	// unready (a failed backup).
	Warnings map[string]string `json:"warnings,omitempty"`
}

// vocabulariesView is GET /vocabularies.
type vocabulariesView struct {
	Relations      []models.Term `json:"relations"`
	AgreementKinds []models.Term `json:"agreement_kinds"`
	Areas          []models.Term `json:"areas"`
	Locales        []string      `json:"locales"`
}

// meView is GET /me: a token or a person (whose fields are omitted
// for a token).
type meView struct {
	Type          string      `json:"type"`
	ID            string      `json:"id"`
	Name          string      `json:"name"`
	Role          models.Role `json:"role"`
	Email         string      `json:"email,omitempty"`
	TOTPEnabled   *bool       `json:"totp_enabled,omitempty"`
	MustEnrolTOTP *bool       `json:"must_enrol_totp,omitempty"`
	// SSO: the person signs in through single sign-on (no password here).
	SSO            *bool      `json:"sso,omitempty"`
	CSRFToken      string     `json:"csrf_token,omitempty"`
	SessionExpires *time.Time `json:"session_expires,omitempty"`
}

// storageUsageView is GET /storage.
type storageUsageView struct {
	Documents int   `json:"documents"`
	Withdrawn int   `json:"withdrawn"`
	Bytes     int64 `json:"bytes"`
}

// responseTypes names the component schema of every response body op.Response
// may name.
var responseTypes = map[string]any{
	"Partnership":            models.Partnership{},
	"PartnershipList":        models.List[*models.Partnership]{},
	"Block":                  models.Block{},
	"BlockList":              models.List[*models.Block]{},
	"Page":                   models.ContentPage{},
	"PageList":               models.List[*models.ContentPage]{},
	"Version":                models.Version[map[string]any]{},
	"VersionList":            itemsOf[versionSummary]{},
	"Token":                  models.Token{},
	"TokenCreated":           tokenCreated{},
	"TokenList":              itemsOf[models.Token]{},
	"Document":               models.Document{},
	"DocumentList":           models.List[*models.DocumentMatch]{},
	"PublicDocumentList":     models.List[publicDocumentHit]{},
	"ArchiveDocument":        archiveDocumentView{},
	"Event":                  models.Event{},
	"FixityRun":              models.FixityRun{},
	"BackupRun":              models.BackupRun{},
	"BackupStatus":           models.BackupStatus{},
	"FixityState":            models.FixityState{},
	"UploadTicket":           models.UploadTicket{},
	"Health":                 healthView{},
	"Vocabularies":           vocabulariesView{},
	"PublicPage":             publish.PublicPage{},
	"PublicPartnership":      publish.PublicPartnership{},
	"PublicPartnershipList":  publish.PublicPartnershipList{},
	"PublicBlock":            publish.PublicBlock{},
	"Me":                     meView{},
	"StorageUsage":           storageUsageView{},
	"ArchivePartnershipList": itemsOf[archivePartnership]{},
	"VersionDiff":            versionDiff{},
	"Schedule":               models.Schedule{},
	"PreviewLinkCreated":     previewLinkCreated{},
	"DownloadLink":           downloadLinkView{},
	"PreviewView":            previewView{},
	"ScheduleList":           models.List[models.Schedule]{},
	"Webhook":                models.Webhook{},
	"WebhookCreated":         webhooks.Created{},
	"WebhookList":            itemsOf[models.Webhook]{},
	"Delivery":               models.Delivery{},
	"DeliveryList":           models.List[models.Delivery]{},
	"AuditList":              models.List[models.AuditEntry]{},
	"IngestJob":              models.IngestJob{},
	"User":                   models.User{},
	"UserList":               itemsOf[models.User]{},
	"UserCreated":            userCreated{},
	"SignedIn":               signedIn{},
	"SignInMethods":          signInMethods{},
	"SessionList":            itemsOf[models.Session]{},
	"TOTPEnrolment":          accounts.Enrolment{},
	"RecoveryCodes":          recoveryCodesView{},
	"TextExtractionState":    models.TextExtractionState{},
	"AccessibilityStatement": a11y.PublicStatement{},
	"StatementSettings":      models.StatementSettings{},
}

// enums lists the values of the string types that have a fixed set.
var enums = map[reflect.Type][]string{
	reflect.TypeFor[models.Status]():            {"draft", "published", "archived"},
	reflect.TypeFor[models.DocumentStatus]():    {"active", "withdrawn"},
	reflect.TypeFor[models.DocumentKind]():      {"charter", "agreement", "publication", "overview", "crest", "scan"},
	reflect.TypeFor[models.Role]():              {"admin", "editor", "archivist"},
	reflect.TypeFor[models.EventType]():         {"ingested", "metadata_changed", "fixity_ok", "fixity_failed", "withdrawn", "restored", "purged", "format_identified"},
	reflect.TypeFor[models.TextStatus]():        {"queued", "running", "done", "none", "failed", "unavailable"},
	reflect.TypeFor[models.Action]():            {"create", "update", "publish", "unpublish", "archive", "restore"},
	reflect.TypeFor[models.ScheduleStatus]():    {"pending", "done", "failed", "cancelled"},
	reflect.TypeFor[models.ScheduleErrorCode](): {"gone", "invalid", "failed"},
	reflect.TypeFor[models.DeliveryStatus]():    {"pending", "succeeded", "failed"},
	reflect.TypeFor[models.Relation]():          terms(models.Relations),
	reflect.TypeFor[models.AgreementKind]():     terms(models.AgreementKinds),
	reflect.TypeFor[models.UserStatus]():        {"invited", "active", "disabled"},
	reflect.TypeFor[models.IngestStatus]():      {"queued", "verifying", "ingesting", "done", "failed"},
	reflect.TypeFor[models.ConformanceStatus](): {"full", "partial", "none"},
	reflect.TypeFor[models.Exemption]():         {"office_file_before_2018", "heritage_reproduction"},
}

func terms(ts []models.Term) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.Code
	}
	return out
}

// schemaGen turns Go types into JSON Schema, naming struct types as
// components.
type schemaGen struct {
	schemas map[string]any
	names   map[reflect.Type]string
	taken   map[string]bool // hand-written (request) schema names
}

// responseSchemas adds the generated schemas to schemas.
func responseSchemas(schemas map[string]any) {
	g := &schemaGen{schemas: schemas, names: map[reflect.Type]string{}, taken: map[string]bool{}}
	for name := range schemas {
		g.taken[name] = true
	}
	for name, v := range responseTypes {
		g.names[reflect.TypeOf(v)] = name
	}
	for name, v := range responseTypes {
		g.schemas[name] = g.structSchema(reflect.TypeOf(v))
	}
}

var timeType = reflect.TypeFor[time.Time]()

// of is the schema of a value of type t; nullable says nil can occur.
func (g *schemaGen) of(t reflect.Type) map[string]any {
	switch t.Kind() {
	case reflect.Pointer:
		return nullable(g.of(t.Elem()))
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return map[string]any{"type": "string", "contentEncoding": "base64"}
		}
		return nullable(map[string]any{"type": "array", "items": g.of(t.Elem())})
	case reflect.Map:
		return nullable(map[string]any{"type": "object", "additionalProperties": g.of(t.Elem())})
	case reflect.Interface:
		return map[string]any{}
	case reflect.String:
		s := map[string]any{"type": "string"}
		if e, ok := enums[t]; ok {
			s["enum"] = e
		}
		return s
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Struct:
		if t == timeType {
			return map[string]any{"type": "string", "format": "date-time"}
		}
		name := g.nameOf(t)
		if _, done := g.schemas[name]; !done {
			g.schemas[name] = map[string]any{} // a placeholder stops recursion
			g.schemas[name] = g.structSchema(t)
		}
		return ref(name)
	}
	return map[string]any{}
}

// nameOf is a struct type's component name: the registered one, else its
// Go name with a capital (generic arguments dropped).
func (g *schemaGen) nameOf(t reflect.Type) string {
	if n, ok := g.names[t]; ok {
		return n
	}
	n, _, _ := strings.Cut(t.Name(), "[")
	r := []rune(n)
	r[0] = unicode.ToUpper(r[0])
	name := string(r)
	if g.taken[name] {
		// A request schema of that name is strict; a response is not.
		name += "Out"
	}
	g.names[t] = name
	return name
}

// structSchema lists a struct's JSON fields, embedded structs inlined as
// encoding/json does.
func (g *schemaGen) structSchema(t reflect.Type) map[string]any {
	props := map[string]any{}
	required := []string{}
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for i := range t.NumField() {
			f := t.Field(i)
			tag := f.Tag.Get("json")
			if tag == "-" || (!f.IsExported() && !f.Anonymous) {
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
				walk(f.Type)
				continue
			}
			if f.Anonymous && name == "" && f.Type.Kind() == reflect.Pointer && f.Type.Elem().Kind() == reflect.Struct {
				walk(f.Type.Elem()) // encoding/json inlines an embedded pointer's fields too
				continue
			}
			if name == "" {
				name = f.Name
			}
			props[name] = g.of(f.Type)
			if !strings.Contains(opts, "omitempty") {
				required = append(required, name)
			}
		}
	}
	walk(t)
	return map[string]any{"type": "object", "properties": props, "required": required}
}

// nullable lets s also be null (JSON Schema 2020-12 as OpenAPI 3.1 uses).
func nullable(s map[string]any) map[string]any {
	if typ, ok := s["type"].(string); ok {
		s["type"] = []string{typ, "null"}
		return s
	}
	return map[string]any{"anyOf": []any{s, map[string]any{"type": "null"}}}
}

// Package handlers is twincms's HTTP API on Fiber. It declares the small
// interfaces it needs from storage and maps every error to an RFC 9457
// problem in one place (this file).
package handlers

import (
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/jesenice/twincms/models"
)

// Problem is an RFC 9457 problem details object.
type Problem struct {
	Type     string                `json:"type"`
	Title    string                `json:"title"`
	Status   int                   `json:"status"`
	Detail   string                `json:"detail,omitempty"`
	Instance string                `json:"instance,omitempty"`
	Errors   []models.FieldProblem `json:"errors,omitempty"`
	// DuplicateOf names the document that already holds uploaded bytes.
	DuplicateOf string `json:"duplicate_of,omitempty"`
	// RequestID lets a user quote the failing request to an operator.
	RequestID string `json:"request_id,omitempty"`
}

// problemKind is one row of the error → status table.
type problemKind struct {
	err    error
	status int
	slug   string
	title  string
}

// problemTable maps the models sentinels to statuses: the only place that
// knows both.
var problemTable = []problemKind{
	{models.ErrMalformed, http.StatusBadRequest, "malformed-request", "Malformed request"},
	{models.ErrInvalid, http.StatusUnprocessableEntity, "validation-failed", "Validation failed"},
	{models.ErrUnauthorized, http.StatusUnauthorized, "unauthorized", "Authentication required"},
	{models.ErrForbidden, http.StatusForbidden, "forbidden", "Not allowed for this role"},
	{models.ErrNotFound, http.StatusNotFound, "not-found", "Not found"},
	{models.ErrConflict, http.StatusConflict, "conflict", "Conflict"},
	{models.ErrStale, http.StatusPreconditionFailed, "version-mismatch", "Version mismatch"},
	{models.ErrVersionRequired, http.StatusPreconditionRequired, "precondition-required", "If-Match required"},
	{models.ErrTooLarge, http.StatusRequestEntityTooLarge, "too-large", "Request too large"},
	{models.ErrUnsupportedType, http.StatusUnsupportedMediaType, "unsupported-media-type", "Unsupported media type"},
	{models.ErrRangeNotSatisfiable, http.StatusRequestedRangeNotSatisfiable, "range-not-satisfiable", "Range not satisfiable"},
	{models.ErrGone, http.StatusGone, "gone", "Gone"},
	{models.ErrLinkInvalid, http.StatusForbidden, "link-invalid", "Link invalid or expired"},
	{models.ErrUnavailable, http.StatusServiceUnavailable, "unavailable", "Service unavailable"},
}

const problemPrefix = "urn:twincms:problem:"

// toProblem classifies err. Errors of no known kind are internal: their
// text may hold driver details, so the client gets a generic message and
// the log gets the rest.
func toProblem(err error) (Problem, bool) {
	var fe *fiber.Error
	if errors.As(err, &fe) {
		return fiberProblem(fe), true
	}
	for _, k := range problemTable {
		if errors.Is(err, k.err) {
			// The sentinel's own text repeats the title: keep only the detail.
			detail := strings.TrimPrefix(err.Error(), k.err.Error()+": ")
			p := Problem{Type: problemPrefix + k.slug, Title: k.title, Status: k.status, Detail: detail}
			var ve *models.ValidationError
			if errors.As(err, &ve) {
				p.Errors = ve.Problems
				p.Detail = "the request has invalid fields; see errors"
				if k.status == http.StatusBadRequest {
					p.Detail = "the request body does not have the expected shape; see errors"
				}
			}
			var dup interface{ DuplicateOf() string }
			if errors.As(err, &dup) {
				p.DuplicateOf = dup.DuplicateOf()
			}
			if k.status == http.StatusServiceUnavailable {
				p.Detail = "a backing service is unavailable; try again shortly"
			}
			return p, true
		}
	}
	return Problem{Type: problemPrefix + "internal", Title: "Internal error", Status: http.StatusInternalServerError,
		Detail: "an internal error occurred; quote the request id to the operator"}, false
}

// fiberProblem covers errors Fiber raises itself (unknown route, body over
// the limit, bad method).
func fiberProblem(fe *fiber.Error) Problem {
	slug := map[int]string{
		http.StatusNotFound: "not-found", http.StatusMethodNotAllowed: "method-not-allowed",
		http.StatusRequestEntityTooLarge: "too-large", http.StatusBadRequest: "malformed-request",
		http.StatusUnsupportedMediaType: "unsupported-media-type",
	}[fe.Code]
	if slug == "" {
		slug = "http-" + http.StatusText(fe.Code)
	}
	return Problem{Type: problemPrefix + slug, Title: http.StatusText(fe.Code), Status: fe.Code, Detail: fe.Message}
}

// WriteProblem sends err as problem+json, logging internal errors with the
// request id. It is the error handler of the app and of mounted routers.
func WriteProblem(logger *slog.Logger) fiber.ErrorHandler {
	return func(c *fiber.Ctx, err error) error {
		p, known := toProblem(err)
		p.Instance = c.OriginalURL()
		p.RequestID = requestID(c)
		if !known || p.Status >= 500 {
			logger.ErrorContext(c.UserContext(), "request failed", "request_id", p.RequestID,
				"method", c.Method(), "path", c.Path(), "status", p.Status, "err", err)
		}
		c.Status(p.Status)
		c.Set(fiber.HeaderContentType, "application/problem+json")
		c.Set(fiber.HeaderCacheControl, "no-store")
		return c.JSON(p, "application/problem+json")
	}
}

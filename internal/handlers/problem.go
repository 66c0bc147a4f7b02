// Package handlers is twincms's HTTP API on Fiber. It declares the small
// interfaces it needs from storage and maps every error to an RFC 9457
// problem in one place (this file).
package handlers

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
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
	// Code, on a 409, names why the request conflicts with the stored
	// state (models.ConflictCode), for a client to say in its language.
	Code string `json:"code,omitempty"`
	// DuplicateOf names the document that already holds uploaded bytes.
	DuplicateOf string `json:"duplicate_of,omitempty"`
	// UsedBy names where published content shows a document that cannot
	// be withdrawn or purged (409).
	UsedBy []models.DocumentUse `json:"used_by,omitempty"`
	// RequestID lets a user quote the failing request to an operator.
	RequestID string `json:"request_id,omitempty"`
}

// problemKind is one row of the error → status table.
type problemKind struct {
	err    error
	status int
	slug   string
	title  string
	// detail is said when the error carries no detail of our own.
	detail string
}

// HTTP-level errors that have no models sentinel: they come from routing
// and from the HTTP server's own parsing.
var (
	errMethodNotAllowed = errors.New("method not allowed")
	errHeaderTooLarge   = errors.New("request header fields too large")
	errRequestTimeout   = errors.New("request timeout")
)

// problemTable maps errors to statuses: the only place that knows both,
// and the only source of client-visible titles and default details.
var problemTable = []problemKind{
	{models.ErrMalformed, http.StatusBadRequest, "malformed-request", "Malformed request", "the request cannot be parsed"},
	{models.ErrInvalid, http.StatusUnprocessableEntity, "validation-failed", "Validation failed", "the request has invalid values"},
	{models.ErrUnauthorized, http.StatusUnauthorized, "unauthorized", "Authentication required", "send Authorization: Bearer <token>"},
	{models.ErrThrottled, http.StatusTooManyRequests, "too-many-requests", "Too many failed authentications", "too many refused authentications from this client; try again after Retry-After seconds"},
	{models.ErrSecondFactorRequired, http.StatusUnauthorized, "second-factor-required", "Second factor required", "enter the code from your authenticator app or a recovery code"},
	{models.ErrForbidden, http.StatusForbidden, "forbidden", "Not allowed for this role", "this token's role may not do this"},
	{models.ErrNotFound, http.StatusNotFound, "not-found", "Not found", "nothing is here"},
	{errMethodNotAllowed, http.StatusMethodNotAllowed, "method-not-allowed", "Method not allowed", "this path does not take this method; the Allow header lists those it takes"},
	{errRequestTimeout, http.StatusRequestTimeout, "request-timeout", "Request timeout", "the request was not received in time"},
	{models.ErrConflict, http.StatusConflict, "conflict", "Conflict", "the request conflicts with the stored state"},
	{models.ErrGone, http.StatusGone, "gone", "Gone", "the resource was withdrawn"},
	{models.ErrStale, http.StatusPreconditionFailed, "version-mismatch", "Version mismatch", "the resource has changed since the version you edited"},
	{models.ErrTooLarge, http.StatusRequestEntityTooLarge, "too-large", "Request too large", "the request body is over the limit"},
	{models.ErrUnsupportedType, http.StatusUnsupportedMediaType, "unsupported-media-type", "Unsupported media type", "the content type is not accepted here"},
	{models.ErrRangeNotSatisfiable, http.StatusRequestedRangeNotSatisfiable, "range-not-satisfiable", "Range not satisfiable", "the range is not within the object"},
	{models.ErrVersionRequired, http.StatusPreconditionRequired, "precondition-required", "If-Match required", "send If-Match with the ETag of the version you edited"},
	{errHeaderTooLarge, http.StatusRequestHeaderFieldsTooLarge, "header-fields-too-large", "Request header fields too large", "the request's headers are over the limit"},
	{models.ErrLinkInvalid, http.StatusForbidden, "link-invalid", "Link invalid or expired", "the link is not valid or has expired; take a fresh one from the page"},
	{models.ErrUnavailable, http.StatusServiceUnavailable, "unavailable", "Service unavailable", "a backing service is unavailable; try again shortly"},
	{errIngestQueueFull, http.StatusServiceUnavailable, "unavailable", "Service unavailable", "the bags waiting to be ingested on this instance fill its queue; submit again after Retry-After seconds"},
	{models.ErrInsufficientStorage, http.StatusInsufficientStorage, "insufficient-storage", "Insufficient storage", "the storage is full: nothing was written; reading and purging still work"},
	// The request's own deadline ran out below a storage call that did not
	// translate it: the service is too slow, not broken.
	{context.DeadlineExceeded, http.StatusServiceUnavailable, "unavailable", "Service unavailable", "a backing service is unavailable; try again shortly"},
}

const problemPrefix = "urn:twincms:problem:"

// retryAfter (seconds) on a 503: about the time a supervised object store
// takes to come back, or a database to be selected again.
const retryAfter = "5"

var internalProblem = Problem{Type: problemPrefix + "internal", Title: "Internal error", Status: http.StatusInternalServerError,
	Detail: "an internal error occurred; quote the request id to the operator"}

// toProblem classifies err. Errors of no known kind are internal: their
// text may hold driver details, so the client gets a generic message and
// the log gets the rest. The second result is false for those.
func toProblem(err error) (Problem, bool) {
	var fe *fiber.Error
	if errors.As(err, &fe) {
		// Fiber's and fasthttp's messages may quote the raw request: only
		// the status is used.
		return statusProblem(fe.Code), true
	}
	for _, k := range problemTable {
		if errors.Is(err, k.err) {
			p := k.problem()
			if d := publicDetail(err, k.err); d != "" {
				p.Detail = d
			}
			var ve *models.ValidationError
			if errors.As(err, &ve) {
				p.Errors = ve.Problems
				switch k.status {
				case http.StatusBadRequest:
					p.Detail = "the request does not have the expected shape; see errors"
				case http.StatusUnprocessableEntity:
					p.Detail = "the request has invalid fields; see errors"
				default: // a conflict names its one field: its detail says it
					if len(ve.Problems) == 1 {
						p.Detail = ve.Problems[0].Field + ": " + ve.Problems[0].Detail
					}
				}
			}
			var dup interface{ DuplicateOf() string }
			if errors.As(err, &dup) {
				p.DuplicateOf = dup.DuplicateOf()
			}
			var inUse interface{ UsedBy() []models.DocumentUse }
			if errors.As(err, &inUse) {
				p.UsedBy = inUse.UsedBy()
			}
			if k.status == http.StatusConflict {
				switch {
				case p.DuplicateOf != "":
					p.Code = models.ConflictDuplicate
				case len(p.UsedBy) > 0:
					p.Code = models.ConflictInUse
				default:
					p.Code = models.ConflictCode(p.Detail)
				}
			}
			if k.status == http.StatusServiceUnavailable {
				p.Detail = k.detail
			}
			if k.status == http.StatusInsufficientStorage {
				p.Detail = k.detail
			}
			return p, true
		}
	}
	return internalProblem, false
}

func (k problemKind) problem() Problem {
	return Problem{Type: problemPrefix + k.slug, Title: k.title, Status: k.status, Detail: k.detail}
}

// statusProblem is the table's problem for an HTTP status; statuses
// without a row get a generic one with a clean URN.
func statusProblem(status int) Problem {
	for _, k := range problemTable {
		if k.status == status {
			return k.problem()
		}
	}
	if status >= 500 {
		return internalProblem
	}
	return Problem{Type: problemPrefix + "http-" + strconv.Itoa(status), Title: http.StatusText(status), Status: status}
}

// publicDetail is the part of err's text our own code wrote for the
// client: a Hide error's detail, or the text after "<sentinel>: " by the
// fmt.Errorf("%w: detail", models.ErrX) convention. Anything else, or text
// that still looks like a parser's or driver's, gives "" (the table's
// default is said instead).
func publicDetail(err, kind error) string {
	var h interface{ PublicDetail() string }
	var d string
	if errors.As(err, &h) {
		d = h.PublicDetail()
	} else if rest, ok := strings.CutPrefix(err.Error(), kind.Error()+": "); ok {
		d = rest
	}
	if foreignText(d) {
		return ""
	}
	return d
}

// foreignMarkers are fragments of text written by Go's standard library,
// Fiber/fasthttp, image decoders or drivers. They are a last line of
// defence: call sites use models.Hide for such causes.
var foreignMarkers = []string{
	"json:", "cannot unmarshal", "go value", "go struct", "unexpected eof", "eof", "multipart:", "mime:",
	"png:", "jpeg:", "gif:", "webp:", "image:", "fasthttp", "fiber", "e11000", "mongo", "ferret", "sqlite",
	"minio", "x-amz", "dial tcp", "connection refused", "context deadline", "context canceled", "i/o timeout",
	"broken pipe", "connection reset", "goroutine", "runtime error", "nil pointer", "strconv.", "%!",
	"invalid character", "\n", "\r", "authorization: bearer ",
}

func foreignText(s string) bool {
	l := strings.ToLower(s)
	for _, m := range foreignMarkers {
		if strings.Contains(l, m) {
			return true
		}
	}
	return false
}

// WriteProblem sends err as problem+json, logging internal errors with the
// request id. It is the error handler of the app and of mounted routers,
// and so also answers fasthttp's own errors (a header it cannot parse, a
// header section over the buffer), which arrive without a request id.
func WriteProblem(logger *slog.Logger) fiber.ErrorHandler {
	return func(c *fiber.Ctx, err error) error {
		p, known := toProblem(err)
		p.RequestID = requestID(c)
		if p.RequestID == "" {
			// fasthttp's error path: the request never reached our
			// middleware, and its URL may not be what the client meant.
			p.RequestID = newRequestID()
			c.Set(fiber.HeaderXRequestID, p.RequestID)
			logger.WarnContext(c.UserContext(), "request refused by the HTTP server", "request_id", p.RequestID,
				"status", p.Status, "err", serverErrorClass(err))
		} else {
			p.Instance = c.Path()
		}
		if !known || p.Status >= 500 {
			logger.ErrorContext(c.UserContext(), "request failed", "request_id", p.RequestID,
				"method", c.Method(), "path", c.Path(), "status", p.Status, "err", err)
		}
		c.Status(p.Status)
		if p.Status == http.StatusServiceUnavailable && len(c.Response().Header.Peek(fiber.HeaderRetryAfter)) == 0 {
			c.Set(fiber.HeaderRetryAfter, retryAfter) // unless the handler knows better
		}
		c.Set(fiber.HeaderContentType, "application/problem+json")
		c.Set(fiber.HeaderCacheControl, "no-store")
		return c.JSON(p, "application/problem+json")
	}
}

// serverErrorClass logs a fasthttp error by its status only: its text
// quotes the raw request, tokens included.
func serverErrorClass(err error) string {
	var fe *fiber.Error
	if errors.As(err, &fe) {
		return "http " + strconv.Itoa(fe.Code)
	}
	return "unknown"
}

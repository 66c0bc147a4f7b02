// Package logx holds the slog handlers twincms wraps loggers in: a level
// floor for chatty components, the request id on every record, and the
// access log's fast path (a text handler that writes a request's line
// without building a slog record, through a buffered Writer), because one
// line per public request is the log's hot path.
package logx

import (
	"context"
	"log/slog"

	"github.com/jesenice/twincms/models"
)

// minLevel drops records below a level; FerretDB logs every connection at
// info, which drowns the access log.
type minLevel struct {
	slog.Handler
	min slog.Level
}

func (h minLevel) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.min && h.Handler.Enabled(ctx, l)
}

func (h minLevel) logAccess(ctx context.Context, a Access) bool {
	if slog.LevelInfo < h.min {
		return true // dropped
	}
	f, ok := h.Handler.(accessLogger)
	return ok && f.logAccess(ctx, a)
}

func (h minLevel) WithAttrs(a []slog.Attr) slog.Handler {
	return minLevel{h.Handler.WithAttrs(a), h.min}
}

func (h minLevel) WithGroup(n string) slog.Handler { return minLevel{h.Handler.WithGroup(n), h.min} }

// LevelFilter is l without records below min.
func LevelFilter(l *slog.Logger, min slog.Level) *slog.Logger {
	return slog.New(minLevel{l.Handler(), min})
}

// requestIDs adds the request id a context carries to every record logged
// with it, so that storage, ingest and archive lines name the request a
// user quotes (their callers pass the request's context, not the id).
type requestIDs struct{ slog.Handler }

// WithRequestIDs is l adding the request id of the context to every record.
func WithRequestIDs(l *slog.Logger) *slog.Logger { return slog.New(requestIDs{l.Handler()}) }

func (h requestIDs) Handle(ctx context.Context, r slog.Record) error {
	if id := models.RequestID(ctx); id != "" {
		has := false
		r.Attrs(func(a slog.Attr) bool {
			has = a.Key == "request_id"
			return !has
		})
		if !has {
			r = r.Clone()
			r.AddAttrs(slog.String("request_id", id))
		}
	}
	return h.Handler.Handle(ctx, r)
}

// logAccess: the access line names its request itself.
func (h requestIDs) logAccess(ctx context.Context, a Access) bool {
	f, ok := h.Handler.(accessLogger)
	return ok && f.logAccess(ctx, a)
}

func (h requestIDs) WithAttrs(a []slog.Attr) slog.Handler { return requestIDs{h.Handler.WithAttrs(a)} }

func (h requestIDs) WithGroup(n string) slog.Handler { return requestIDs{h.Handler.WithGroup(n)} }

package logx

import (
	"context"
	"log/slog"
)

// AccessLog is LogAccess for one logger with the handler chain resolved
// once: the access line is written on every request, and asking each
// wrapper in turn whether info is enabled, then which of them writes the
// line, was a visible share of a public request's cost. When l's handler
// is a TextHandler under this package's wrappers (requestIDs, level
// floors), Enabled reads the levels and Log encodes straight into the
// handler's writer; otherwise both go through l as before.
type AccessLog struct {
	l    *slog.Logger
	text *TextHandler // nil: through l
	min  slog.Level   // the highest floor of the wrappers above text
}

// NewAccessLog resolves l's handler chain (nil: nothing is logged).
func NewAccessLog(l *slog.Logger) *AccessLog {
	if l == nil {
		l = slog.New(slog.DiscardHandler)
	}
	a := &AccessLog{l: l, min: slog.LevelDebug - 1<<10}
	for h := l.Handler(); ; {
		switch v := h.(type) {
		case requestIDs:
			h = v.Handler
			continue
		case minLevel:
			a.min = max(a.min, v.min)
			h = v.Handler
			continue
		case *TextHandler:
			if v.fast {
				a.text = v
			}
		}
		return a
	}
}

// Enabled tells whether the access line is written at all (info on).
func (a *AccessLog) Enabled(ctx context.Context) bool {
	if a.text == nil {
		return a.l.Enabled(ctx, slog.LevelInfo)
	}
	return slog.LevelInfo >= a.min && slog.LevelInfo >= a.text.level.Level()
}

// Log writes the line of acc; the caller checked Enabled.
func (a *AccessLog) Log(ctx context.Context, acc Access) {
	if a.text == nil || !a.text.logAccess(ctx, acc) {
		LogAccess(ctx, a.l, acc)
	}
}

package apitest

import (
	"log/slog"
	"strings"
	"sync"
)

// logRing keeps a test server's last warnings and errors, so a test that
// meets an unexpected status (a 503 on a loaded CI machine) says what the
// server logged about it, though test logs are off by default.
type logRing struct {
	mu    sync.Mutex
	lines []string
}

// ringSize is how many of the last warnings and errors are kept.
const ringSize = 30

func (r *logRing) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.lines = append(r.lines, strings.TrimRight(string(p), "\n"))
	if len(r.lines) > ringSize {
		r.lines = r.lines[len(r.lines)-ringSize:]
	}
	return len(p), nil
}

// String is the kept lines, oldest first.
func (r *logRing) String() string {
	if r == nil {
		return ""
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.Join(r.lines, "\n")
}

// logger is Logger() that also keeps the server's warnings and errors in r.
func (r *logRing) logger() *slog.Logger {
	return slog.New(slog.NewMultiHandler(Logger().Handler(),
		slog.NewTextHandler(r, &slog.HandlerOptions{Level: slog.LevelWarn})))
}

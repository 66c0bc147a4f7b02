package main

import (
	"context"
	"sync"

	"github.com/jesenice/twincms/models"
)

// changeHooks are the subscribers of every write's change hook, in
// order: the published snapshot first (so the writer reads its own write),
// then those added with Subscribe.
func (s *Server) changeHooks() models.Hooks {
	return models.Hooks{
		// s.published is read at call time: it is made after the services
		// that write, and before anything writes.
		func(ctx context.Context, _ models.Change) { s.published.Changed(ctx) },
		s.subscribers.changed,
	}
}

// Subscribe adds h to the change hook of every write from now on.
func (s *Server) Subscribe(h models.ChangeHook) { s.subscribers.add(h) }

// subscribers are change hooks added while the server runs.
type subscribers struct {
	mu    sync.RWMutex
	hooks models.Hooks
}

func (l *subscribers) add(h models.ChangeHook) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.hooks = append(l.hooks, h)
}

func (l *subscribers) changed(ctx context.Context, c models.Change) {
	l.mu.RLock()
	hooks := l.hooks
	l.mu.RUnlock()
	hooks.Changed(ctx, c)
}

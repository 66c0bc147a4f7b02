package throttle

import "time"

// Guard throttles refused authentications per client and for all clients
// together. A throttled client is refused before its credentials are
// looked at (Allow), so guessing from it learns nothing; past the global
// limit every new failure is refused as throttled (Fail) while requests
// with good credentials still pass: an attacker spread over many
// addresses slows to the global rate without locking anyone out.
type Guard struct {
	PerClient *Limiter
	Global    *Limiter
}

// NewGuard allows perClient failures per client and global failures in
// all per minute.
func NewGuard(perClient, global int) *Guard {
	return &Guard{PerClient: New(perClient, time.Minute, 0), Global: New(global, time.Minute, 1)}
}

// globalKey is the Global limiter's one key.
const globalKey = ""

// Allow says whether client may try to authenticate now, counting the
// attempt as a failure of client until Pass says it succeeded (so that
// parallel guesses cannot pass together before the first is refused).
func (g *Guard) Allow(client string) (retryAfter time.Duration, ok bool) {
	return g.PerClient.Reserve(client)
}

// Pass tells that client's attempt, allowed by Allow, succeeded.
func (g *Guard) Pass(client string) { g.PerClient.Release(client) }

// Fail records a refused authentication of client (allowed by Allow): ok false, with how
// long to wait, when the client or everyone together is over the limit
// now. (The failure that reaches the client's limit is still answered as
// refused; the next attempt is throttled.)
func (g *Guard) Fail(client string) (retryAfter time.Duration, ok bool) {
	// The client's failure was counted by Allow.
	// Over the global limit before this failure: this one is throttled,
	// and not counted, so that the limit lifts as soon as the failures
	// that reached it leave the window.
	if wait, ok := g.Global.Allow(globalKey); !ok {
		return wait, false
	}
	g.Global.Fail(globalKey)
	return 0, true
}

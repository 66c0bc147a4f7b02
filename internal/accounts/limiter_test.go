package accounts

import (
	"sync"
	"testing"
	"time"
)

func TestLimiterBurstThenOneEveryStep(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := NewLimiter(map[string]Rule{"account": {Burst: 3, Every: 10 * time.Second}})
	l.now = func() time.Time { return now }
	k := map[string]string{"account": "ana@x.si"}
	for i := range 3 {
		if w := l.Wait(k); w != 0 {
			t.Fatalf("try %d waits %v", i+1, w)
		}
		l.Fail(k)
	}
	if w := l.Wait(k); w != 10*time.Second {
		t.Fatalf("after the burst: wait %v, want 10s", w)
	}
	if w := l.Wait(map[string]string{"account": "other@x.si"}); w != 0 {
		t.Fatalf("another account waits %v", w)
	}
	now = now.Add(10 * time.Second)
	if w := l.Wait(k); w != 0 {
		t.Fatalf("after one step: wait %v", w)
	}
	l.Fail(k)
	if w := l.Wait(k); w != 10*time.Second {
		t.Fatalf("a failure after the step: wait %v", w)
	}
}

// Parallel guesses at one account from one client: Reserve lets only the
// burst through, and Release gives back a try that did not fail.
func TestReserveKeepsParallelGuessesWithinTheBurst(t *testing.T) {
	l := NewLimiter(nil)
	keys := limitKeys("ana@example.org", "192.0.2.1")
	var mu sync.Mutex
	var wg sync.WaitGroup
	passed := 0
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if l.Reserve(keys) == 0 {
				mu.Lock()
				passed++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if want := DefaultRules["account+client"].Burst; passed != want {
		t.Fatalf("%d guesses passed, want %d", passed, want)
	}
	l.Release(keys)
	if l.Reserve(keys) != 0 {
		t.Fatal("a released try was not given back")
	}
}

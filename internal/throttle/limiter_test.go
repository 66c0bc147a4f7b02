package throttle

import (
	"strconv"
	"sync"
	"testing"
	"time"
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time      { return c.t }
func (c *clock) add(d time.Duration) { c.t = c.t.Add(d) }
func newClocked(limit, maxKeys int) (*Limiter, *clock) {
	c := &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	l := New(limit, time.Minute, maxKeys)
	l.SetClock(c.now)
	return l, c
}

func TestLimiterRefusesAfterLimitAndLiftsWithTheWindow(t *testing.T) {
	l, c := newClocked(10, 0)
	for i := 0; i < 10; i++ {
		if _, ok := l.Allow("a"); !ok {
			t.Fatalf("attempt %d refused", i+1)
		}
		_, ok := l.Fail("a")
		if ok != (i < 9) {
			t.Fatalf("failure %d: ok %v", i+1, ok)
		}
		c.add(time.Second)
	}
	wait, ok := l.Allow("a")
	if ok || wait <= 0 || wait > time.Minute {
		t.Fatalf("11th: ok %v wait %v", ok, wait)
	}
	if _, ok := l.Allow("b"); !ok {
		t.Fatal("another key is refused")
	}
	c.add(wait)
	if _, ok := l.Allow("a"); !ok {
		t.Fatalf("still refused after the wait it gave (%v)", wait)
	}
	// One failure more is over the limit again (the window slides).
	if _, ok := l.Fail("a"); ok {
		t.Fatal("a failure right after the wait is not counted with the earlier ones")
	}
	c.add(2 * time.Minute)
	if _, ok := l.Allow("a"); !ok {
		t.Fatal("refused two windows later")
	}
	l.Reset("a")
	if l.Len() != 0 {
		t.Fatalf("%d keys after reset", l.Len())
	}
}

func TestLimiterWaitIsExactForTheEstimate(t *testing.T) {
	l, c := newClocked(5, 0)
	for i := 0; i < 5; i++ {
		l.Fail("k")
	}
	c.add(90 * time.Second) // half into the next window: estimate 2.5
	if _, ok := l.Allow("k"); !ok {
		t.Fatal("refused at an estimate of 2.5")
	}
	for i := 0; i < 3; i++ { // 2.5 + 3 >= 5
		l.Fail("k")
	}
	wait, ok := l.Allow("k")
	if ok {
		t.Fatal("allowed at an estimate of 5.5")
	}
	c.add(wait - 2*time.Millisecond)
	if _, ok := l.Allow("k"); ok {
		t.Fatalf("allowed before the wait it gave (%v)", wait)
	}
	c.add(2 * time.Millisecond)
	if _, ok := l.Allow("k"); !ok {
		t.Fatalf("refused after the wait it gave (%v)", wait)
	}
}

func TestLimiterKeepsAtMostMaxKeys(t *testing.T) {
	l, c := newClocked(3, 1000)
	for i := 0; i < 100_000; i++ {
		l.Fail(strconv.Itoa(i))
		if i%1000 == 0 {
			c.add(time.Second)
		}
	}
	if n := l.Len(); n > 1000 {
		t.Fatalf("%d keys kept, max 1000", n)
	}
}

func TestGuardGlobalLimitRefusesFailuresOnly(t *testing.T) {
	g := NewGuard(1000, 20)
	c := &clock{t: time.Now()}
	g.PerClient.SetClock(c.now)
	g.Global.SetClock(c.now)
	refused := 0
	for i := 0; i < 40; i++ {
		if _, ok := g.Fail("10.0.0." + strconv.Itoa(i)); !ok {
			refused++
		}
	}
	if refused != 20 {
		t.Fatalf("%d of 40 failures throttled, want 20", refused)
	}
	if _, ok := g.Allow("10.0.0.99"); !ok {
		t.Fatal("a client with no failures is refused before its credentials are read")
	}
	c.add(2 * time.Minute)
	if _, ok := g.Fail("x"); !ok {
		t.Fatal("global limit still on two windows later")
	}
}

// Reserve counts an attempt before it is judged: of many parallel
// attempts from one key only limit get through, and Release gives a
// successful one back.
func TestReserveKeepsParallelAttemptsWithinTheLimit(t *testing.T) {
	l := New(10, time.Minute, 0)
	var mu sync.Mutex
	passed := 0
	var wg sync.WaitGroup
	for range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, ok := l.Reserve("a"); ok {
				mu.Lock()
				passed++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if passed != 10 {
		t.Fatalf("%d attempts passed, want 10", passed)
	}
	if _, ok := l.Reserve("a"); ok {
		t.Fatal("an 11th attempt passed")
	}
	l.Release("a")
	if _, ok := l.Reserve("a"); !ok {
		t.Fatal("a released attempt was not given back")
	}
}

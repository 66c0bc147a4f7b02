package main

import (
	"errors"
	"net"
	"os"
	"testing"
	"time"
)

// countingConn counts the deadlines set on the socket.
type countingConn struct {
	net.Conn
	reads, writes int
}

func (c *countingConn) SetReadDeadline(t time.Time) error {
	c.reads++
	return c.Conn.SetReadDeadline(t)
}

func (c *countingConn) SetWriteDeadline(t time.Time) error {
	c.writes++
	return c.Conn.SetWriteDeadline(t)
}

// Keep-alive requests move the deadlines forward by the time between
// requests: the socket's are not touched while within the slack; a
// stricter one is applied at once, a later one (or none) before the next
// read or write.
func TestCoarseDeadlines(t *testing.T) {
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	go func() {
		buf := make([]byte, 64)
		for {
			if _, err := b.Read(buf); err != nil {
				return
			}
		}
	}()
	inner := &countingConn{Conn: a}
	c := &deadlineConn{Conn: inner}
	now := time.Now()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	// The first deadline is applied at once.
	must(c.SetReadDeadline(now.Add(2 * time.Minute)))
	must(c.SetWriteDeadline(now.Add(5 * time.Minute)))
	if inner.reads != 1 || inner.writes != 1 {
		t.Fatalf("first deadlines: %d reads, %d writes set", inner.reads, inner.writes)
	}
	// Later by less than the slack: never applied.
	for i := range 10 {
		must(c.SetReadDeadline(now.Add(2*time.Minute + time.Duration(i)*50*time.Millisecond)))
		must(c.SetWriteDeadline(now.Add(5*time.Minute + time.Duration(i)*50*time.Millisecond)))
		if _, err := c.Write([]byte("x")); err != nil {
			t.Fatal(err)
		}
	}
	if inner.reads != 1 || inner.writes != 1 {
		t.Fatalf("within the slack: %d reads, %d writes set", inner.reads, inner.writes)
	}
	// Later by more: applied before the next write, not when asked.
	must(c.SetWriteDeadline(now.Add(10 * time.Minute)))
	if inner.writes != 1 {
		t.Fatalf("later deadline applied when asked")
	}
	if _, err := c.Write([]byte("x")); err != nil {
		t.Fatal(err)
	}
	if inner.writes != 2 || !c.write.have.Equal(now.Add(10*time.Minute)) {
		t.Fatalf("later deadline before the write: %d set, have %v", inner.writes, c.write.have)
	}
	// Stricter: at once, and a read then times out on time.
	must(c.SetReadDeadline(time.Now().Add(20 * time.Millisecond)))
	if inner.reads != 2 {
		t.Fatalf("stricter deadline not applied at once")
	}
	start := time.Now()
	if _, err := c.Read(make([]byte, 1)); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("read past the deadline: %v", err)
	}
	if took := time.Since(start); took > time.Second {
		t.Fatalf("read timed out after %v", took)
	}
	// None: applied before the next read.
	must(c.SetReadDeadline(time.Time{}))
	if inner.reads != 2 {
		t.Fatalf("removing the deadline applied when asked")
	}
	if !c.read.due() {
		t.Fatalf("removing the deadline not due")
	}
	must(c.applyRead())
	if !c.read.have.IsZero() || inner.reads != 3 {
		t.Fatalf("deadline not removed: %v", c.read.have)
	}
}

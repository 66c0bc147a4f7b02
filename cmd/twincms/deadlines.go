package main

import (
	"io"
	"net"
	"sync"
	"time"
)

// deadlineSlack is how much earlier than asked a connection's deadline
// may fall. The server's timeouts are minutes (read and write 5, idle 2).
const deadlineSlack = time.Second

// coarseDeadlines wraps ln so that its connections move their socket
// deadlines forward lazily. fasthttp sets three deadlines per keep-alive
// request (idle, read, write), each a runtime timer modification; under
// load that was a larger share of a public request's CPU than the handler's
// headers. A deadline earlier than the socket's is applied at once; a later
// one only before the next Read (or Write), and not at all while the
// socket's is at most deadlineSlack earlier. So a deadline is never later
// than asked and at most deadlineSlack earlier.
func coarseDeadlines(ln net.Listener) net.Listener { return deadlineListener{ln} }

type deadlineListener struct{ net.Listener }

func (l deadlineListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &deadlineConn{Conn: c}, nil
}

// deadlineConn keeps, per direction, the deadline asked for and the one
// the socket has.
type deadlineConn struct {
	net.Conn
	mu          sync.Mutex
	read, write deadline
}

type deadline struct {
	want, have time.Time
}

// ask records t and tells whether it must be applied now: it is stricter
// than the socket's.
func (d *deadline) ask(t time.Time) bool {
	d.want = t
	return !t.IsZero() && (d.have.IsZero() || t.Before(d.have))
}

// due tells whether the wanted deadline must be applied before an I/O:
// it is later than the socket's by more than the slack, or none.
func (d *deadline) due() bool {
	if d.want.Equal(d.have) {
		return false
	}
	return d.want.IsZero() || d.want.Sub(d.have) > deadlineSlack
}

func (c *deadlineConn) SetDeadline(t time.Time) error {
	if err := c.SetReadDeadline(t); err != nil {
		return err
	}
	return c.SetWriteDeadline(t)
}

func (c *deadlineConn) SetReadDeadline(t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.read.ask(t) {
		return c.applyRead()
	}
	return nil
}

func (c *deadlineConn) SetWriteDeadline(t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.write.ask(t) {
		return c.applyWrite()
	}
	return nil
}

// applyRead and applyWrite set the wanted deadline on the socket (under mu).
func (c *deadlineConn) applyRead() error {
	if err := c.Conn.SetReadDeadline(c.read.want); err != nil {
		return err
	}
	c.read.have = c.read.want
	return nil
}

func (c *deadlineConn) applyWrite() error {
	if err := c.Conn.SetWriteDeadline(c.write.want); err != nil {
		return err
	}
	c.write.have = c.write.want
	return nil
}

func (c *deadlineConn) Read(p []byte) (int, error) {
	c.mu.Lock()
	if c.read.due() {
		if err := c.applyRead(); err != nil {
			c.mu.Unlock()
			return 0, err
		}
	}
	c.mu.Unlock()
	return c.Conn.Read(p)
}

func (c *deadlineConn) Write(p []byte) (int, error) {
	if err := c.writeDue(); err != nil {
		return 0, err
	}
	return c.Conn.Write(p)
}

// ReadFrom keeps the socket's own ReadFrom (sendfile, splice) reachable
// through the wrapper.
func (c *deadlineConn) ReadFrom(r io.Reader) (int64, error) {
	if err := c.writeDue(); err != nil {
		return 0, err
	}
	if rf, ok := c.Conn.(io.ReaderFrom); ok {
		return rf.ReadFrom(r)
	}
	return io.Copy(struct{ io.Writer }{c.Conn}, r)
}

func (c *deadlineConn) writeDue() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.write.due() {
		return c.applyWrite()
	}
	return nil
}

package objectstore

import (
	"context"
	"net"
	"net/http"
	"time"

	"github.com/minio/minio-go/v7"
)

// Deadlines of the object store. A hung store (a stopped process, a
// partitioned node) must be detected in seconds, but a 200 MB upload or a
// download to a slow client must never be cut: so there is no total
// deadline on streams, only a progress deadline on every network read and
// write. A request answers within about StallTimeout of the store going
// silent.
const (
	// DefaultStallTimeout is how long one read or write on a connection to
	// the store may make no progress, and how long the store may take to
	// start answering a request it has received completely.
	DefaultStallTimeout = 3 * time.Second
	// dialTimeout bounds connecting (refused connections fail at once).
	dialTimeout = 2 * time.Second
	// metadataTimeout bounds one small call (stat, remove, bucket check,
	// probe) as a whole, retries included.
	metadataTimeout = 4 * time.Second
	// maxAttempts bounds minio-go's own retries (10 by default, with
	// backoff): one attempt, so a dead store fails at once and a hung one
	// after one stall timeout. The caller or the client retries.
	maxAttempts = 1
)

// transport is an HTTP transport whose connections fail when they make no
// progress for stall.
func transport(secure bool, stall time.Duration) (*http.Transport, error) {
	t, err := minio.DefaultTransport(secure)
	if err != nil {
		return nil, err
	}
	dialer := &net.Dialer{Timeout: dialTimeout, KeepAlive: 30 * time.Second}
	t.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := dialer.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return &progressConn{Conn: c, stall: stall}, nil
	}
	t.MaxIdleConnsPerHost = 64
	t.TLSHandshakeTimeout = stall
	// The progress deadline of the read an idle connection keeps pending
	// would close it after stall: the transport closes it first instead.
	t.IdleConnTimeout = stall / 2
	// A backstop: the progress deadline fires first.
	t.ResponseHeaderTimeout = 2 * stall
	t.ExpectContinueTimeout = stall
	return t, nil
}

// progressConn gives every read and write its own deadline of stall, so a
// stream that keeps moving lives as long as it needs to and a silent peer
// is given up after stall.
type progressConn struct {
	net.Conn
	stall time.Duration
}

// writeChunk keeps one Write under a deadline that a slow but moving link
// meets: the transport hands over whole 16 MiB parts in one call.
const writeChunk = 256 << 10

func (c *progressConn) Read(p []byte) (int, error) {
	_ = c.Conn.SetReadDeadline(time.Now().Add(c.stall))
	return c.Conn.Read(p)
}

func (c *progressConn) Write(p []byte) (int, error) {
	written := 0
	for len(p) > 0 {
		n := min(len(p), writeChunk)
		d := time.Now().Add(c.stall)
		_ = c.Conn.SetWriteDeadline(d)
		// The answer must start within stall of the last byte sent: this
		// moves the deadline of the read the transport keeps pending.
		_ = c.Conn.SetReadDeadline(d)
		m, err := c.Conn.Write(p[:n])
		written += m
		if err != nil {
			return written, err
		}
		p = p[n:]
	}
	return written, nil
}

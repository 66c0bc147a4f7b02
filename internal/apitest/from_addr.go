package apitest

import (
	"context"
	"net"
	"net/http"
	"sync"
)

// Loopback addresses a test can send from (Req.From): Linux answers the
// whole 127.0.0.0/8, so each is another client's socket address to the
// server (auth throttle, trusted proxies, audit log).
const (
	OtherClient = "127.0.0.2"
	ProxyClient = "127.0.0.3"
)

type localAddrKey struct{}

// withLocalAddr makes requests under ctx leave from ip.
func withLocalAddr(ctx context.Context, ip string) context.Context {
	return context.WithValue(ctx, localAddrKey{}, ip)
}

// byLocalAddr sends a request through a transport of its own per local
// address: pooled connections are keyed by host only, so one transport
// would reuse a connection opened from another address.
type byLocalAddr struct {
	def http.RoundTripper
	mu  sync.Mutex
	m   map[string]*http.Transport
}

func (b *byLocalAddr) RoundTrip(r *http.Request) (*http.Response, error) {
	ip, _ := r.Context().Value(localAddrKey{}).(string)
	if ip == "" {
		return b.def.RoundTrip(r)
	}
	b.mu.Lock()
	t := b.m[ip]
	if t == nil {
		d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}}
		t = http.DefaultTransport.(*http.Transport).Clone()
		t.DialContext = d.DialContext
		if b.m == nil {
			b.m = map[string]*http.Transport{}
		}
		b.m[ip] = t
	}
	b.mu.Unlock()
	return t.RoundTrip(r)
}

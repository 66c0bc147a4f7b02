package webhooks

import (
	"errors"
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"
)

// errRefusedTarget: the target resolved to an address webhooks may not
// reach (loopback, private, link-local ...: see blockedAddr). It is final:
// retrying would reach the same address.
var errRefusedTarget = errors.New("target address refused: not a public address")

// newClient is the HTTP client deliveries use. Its dialer checks every
// address it is about to connect to, after DNS resolution, so a name that
// resolves (or is re-pointed, DNS rebinding) to an internal address is
// refused; no proxy is used (it would dial instead of us) and redirects
// are not followed (they could lead anywhere; a 3xx is a failed attempt).
func newClient(allowPrivate bool) *http.Client {
	dialer := &net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}
	if !allowPrivate {
		dialer.Control = func(network, address string, _ syscall.RawConn) error {
			// address is the IP the socket is about to connect to,
			// whatever name (or IPv6 form) the URL gave.
			ap, err := netip.ParseAddrPort(address)
			if err != nil || blockedAddr(ap.Addr()) {
				return errRefusedTarget
			}
			return nil
		}
	}
	return &http.Client{
		Transport: &http.Transport{
			Proxy: nil, DialContext: dialer.DialContext, ForceAttemptHTTP2: true,
			MaxIdleConns: 20, MaxIdleConnsPerHost: 2, IdleConnTimeout: 90 * time.Second,
			TLSHandshakeTimeout: 5 * time.Second, ResponseHeaderTimeout: 0,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

package handlers

import (
	"net"
	"net/netip"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// clientAddr is the address of the request's client, for the auth
// throttle, the audit log and the access log alike: the socket's peer,
// unless the peer is one of the trusted proxies; then the nearest hop of
// its X-Forwarded-For (or, without one, Forwarded) that is not a trusted
// proxy. Hops further left were written by whoever sent the request and
// are never believed.
func (a *API) clientAddr(c *fiber.Ctx) netip.Addr {
	peer := peerAddr(c)
	if len(a.d.TrustedProxies) == 0 || !trusted(a.d.TrustedProxies, peer) {
		return peer
	}
	h := &c.Request().Header
	var hops []string
	for _, v := range h.PeekAll(fiber.HeaderXForwardedFor) {
		hops = appendForwardedFor(hops, string(v))
	}
	if len(hops) == 0 {
		for _, v := range h.PeekAll("Forwarded") {
			hops = appendForwarded(hops, string(v))
		}
	}
	return ClientFromHops(peer, hops, a.d.TrustedProxies)
}

// peerAddr is the socket's remote address (unspecified when unknown).
func peerAddr(c *fiber.Ctx) netip.Addr {
	if tcp, ok := c.Context().RemoteAddr().(*net.TCPAddr); ok {
		return tcp.AddrPort().Addr().Unmap()
	}
	return netip.IPv4Unspecified()
}

// ClientFromHops picks the client from a trusted peer's list of hops
// (leftmost first, as X-Forwarded-For and Forwarded list them): the
// rightmost hop that is not a trusted proxy. A hop that is no address
// (unknown, an obfuscated name, garbage) stops the walk: the client is the
// hop to its right that wrote it, the trusted peer when that is the last
// one. When every hop is trusted, the leftmost is the client.
func ClientFromHops(peer netip.Addr, hops []string, trustedProxies []netip.Prefix) netip.Addr {
	client := peer
	for i := len(hops) - 1; i >= 0; i-- {
		addr, ok := parseHop(hops[i])
		if !ok {
			return client
		}
		client = addr
		if !trusted(trustedProxies, addr) {
			return addr
		}
	}
	return client
}

func trusted(list []netip.Prefix, addr netip.Addr) bool {
	for _, p := range list {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// appendForwardedFor adds the hops of one X-Forwarded-For value.
func appendForwardedFor(hops []string, v string) []string {
	for _, h := range strings.Split(v, ",") {
		hops = append(hops, strings.TrimSpace(h))
	}
	return hops
}

// appendForwarded adds the for= of each element of one Forwarded value
// (RFC 7239): for=192.0.2.1, for="[2001:db8::1]:4711", for=unknown.
// An element without for= is a hop nobody named ("").
func appendForwarded(hops []string, v string) []string {
	for _, elem := range strings.Split(v, ",") {
		hop := ""
		for _, pair := range strings.Split(elem, ";") {
			k, val, ok := strings.Cut(strings.TrimSpace(pair), "=")
			if ok && strings.EqualFold(strings.TrimSpace(k), "for") {
				hop = strings.Trim(strings.TrimSpace(val), `"`)
			}
		}
		hops = append(hops, hop)
	}
	return hops
}

// parseHop reads one hop: an address, with or without a port, IPv6 in
// brackets or bare.
func parseHop(s string) (netip.Addr, bool) {
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap(), true
	}
	s = strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")
	addr, err := netip.ParseAddr(s)
	if err != nil || addr.Zone() != "" {
		return netip.Addr{}, false
	}
	return addr.Unmap(), true
}

package webhooks

import (
	"net/netip"
	"net/url"
	"strings"
)

// The SSRF guard's address rule: which addresses a webhook may not reach
// (unless TWINCMS_WEBHOOK_ALLOW_PRIVATE). One pure function, blockedAddr,
// decides for the literal addresses of a URL when a webhook is saved and
// for every address the dialer is about to connect to when delivering.
//
// IPv4: every block of the IANA IPv4 Special-Purpose Address Registry
// that is not globally reachable, with multicast and the reserved 240/4.
//
// IPv6 is an allow-list: only global unicast (2000::/3, RFC 4291) minus
// its special blocks, and the IPv6 forms that embed a public IPv4 address
// where that address is the one reached. Everything outside 2000::/3 is
// refused: ::/8 (the unspecified ::, loopback ::1, IPv4-compatible ::/96,
// the IPv4-translated ::ffff:0:0:0/96, the local-use NAT64 prefix
// 64:ff9b:1::/48), 100::/64 (discard), fc00::/7 (unique local), fe80::/10
// (link-local), fec0::/10 (site-local), ff00::/8 (multicast) and every
// range IANA has not allocated. Embedded IPv4 addresses are unwrapped
// where their place is fixed: IPv4-mapped ::ffff:a.b.c.d (what the host
// reaches is the IPv4 address), the well-known NAT64 prefix 64:ff9b::/96
// (RFC 6052: the last 32 bits), 6to4 2002::/16 (RFC 3056: bits 16..48)
// and ISATAP interface identifiers (RFC 5214: ::0:5efe:a.b.c.d and
// ::200:5efe:a.b.c.d under any prefix). Where the IPv4 address's place is
// chosen by an operator or the form is tunnel-specific, the whole prefix
// is refused: 64:ff9b:1::/48 (RFC 8215, local-use NAT64 with any RFC 6052
// layout) and 2001::/23 (IETF protocol assignments, with Teredo 2001::/32,
// whose server and client addresses are both IPv4).

// blocked4 are the IPv4 ranges no webhook may reach.
var blocked4 = prefixes(
	"0.0.0.0/8",       // "this network" (RFC 791); 0.0.0.0 reaches the local host
	"10.0.0.0/8",      // private (RFC 1918)
	"100.64.0.0/10",   // shared address space, carrier-grade NAT (RFC 6598)
	"127.0.0.0/8",     // loopback
	"169.254.0.0/16",  // link-local (RFC 3927), cloud metadata services
	"172.16.0.0/12",   // private
	"192.0.0.0/24",    // IETF protocol assignments (RFC 6890)
	"192.0.2.0/24",    // documentation TEST-NET-1 (RFC 5737)
	"192.88.99.0/24",  // 6to4 relay anycast, deprecated (RFC 7526)
	"192.168.0.0/16",  // private
	"198.18.0.0/15",   // benchmarking (RFC 2544)
	"198.51.100.0/24", // documentation TEST-NET-2
	"203.0.113.0/24",  // documentation TEST-NET-3
	"224.0.0.0/4",     // multicast
	"240.0.0.0/4",     // reserved (RFC 1112), with the broadcast 255.255.255.255
)

var (
	// global6 is IPv6 global unicast (RFC 4291): all IANA has allocated.
	global6 = netip.MustParsePrefix("2000::/3")
	// blocked6 are the special blocks inside global6.
	blocked6 = prefixes(
		"2001::/23",     // IETF protocol assignments: Teredo 2001::/32, benchmarking 2001:2::/48, ORCHID …
		"2001:db8::/32", // documentation (RFC 3849)
		"3fff::/20",     // documentation (RFC 9637)
	)
	nat64     = netip.MustParsePrefix("64:ff9b::/96") // RFC 6052 well-known prefix
	sixToFour = netip.MustParsePrefix("2002::/16")    // RFC 3056
)

// blockedAddr reports whether a webhook must not reach a: an address that
// is not public, or an IPv6 address embedding an IPv4 address that is not
// public. Zoned addresses (fe80::1%eth0) are link-scoped: refused.
func blockedAddr(a netip.Addr) bool {
	if !a.IsValid() || a.Zone() != "" {
		return true
	}
	a = a.Unmap()
	if a.Is4() {
		return in(blocked4, a)
	}
	b := a.As16()
	switch {
	case nat64.Contains(a):
		return blockedV4(b[12:16])
	case !global6.Contains(a), in(blocked6, a):
		return true
	case sixToFour.Contains(a) && blockedV4(b[2:6]):
		return true
	}
	// ISATAP interface identifier: 0000:5efe or 0200:5efe, then the IPv4
	// address (the u bit may be set; the group bit never is).
	if b[8]&^0x02 == 0 && b[9] == 0 && b[10] == 0x5e && b[11] == 0xfe {
		return blockedV4(b[12:16])
	}
	return false
}

func blockedV4(b []byte) bool { return in(blocked4, netip.AddrFrom4([4]byte(b))) }

func in(ps []netip.Prefix, a netip.Addr) bool {
	for _, p := range ps {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

func prefixes(s ...string) []netip.Prefix {
	ps := make([]netip.Prefix, len(s))
	for i, p := range s {
		ps[i] = netip.MustParsePrefix(p)
	}
	return ps
}

// literalTargetProblem says why the URL's host is refused when a webhook
// is saved, or "": an IP address literal blockedAddr refuses, or a host
// that is a number (http://2130706433/, http://0x7f.1/, http://127.1/ …:
// no DNS name ends in a numeric label, and resolvers read such hosts as
// IPv4 addresses in forms netip does not parse). Names are checked after
// resolution, when delivering.
func literalTargetProblem(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "" // the URL's own check reports it
	}
	host := u.Hostname()
	if a, err := netip.ParseAddr(host); err == nil {
		if blockedAddr(a) {
			return "must not point at a loopback, private, link-local or other non-public address (IPv4 addresses embedded in IPv6 included)"
		}
		return ""
	}
	labels := strings.Split(strings.TrimSuffix(host, "."), ".")
	if numericLabel(labels[len(labels)-1]) {
		return "must name an IPv4 address as four decimal numbers (a.b.c.d), or a host name"
	}
	return ""
}

// numericLabel: decimal digits, or 0x followed by hex digits (the WHATWG
// URL standard's "ends in a number" test).
func numericLabel(s string) bool {
	if h, ok := strings.CutPrefix(strings.ToLower(s), "0x"); ok {
		return strings.Trim(h, "0123456789abcdef") == ""
	}
	return s != "" && strings.Trim(s, "0123456789") == ""
}

package handlers

import (
	"net/netip"
	"testing"
)

func TestClientFromHops(t *testing.T) {
	proxies := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("::1/128")}
	peer := netip.MustParseAddr("10.0.0.2")
	cases := []struct {
		name string
		xff  string
		fwd  string
		want string
	}{
		{"one hop", "203.0.113.9", "", "203.0.113.9"},
		{"spoofed left hops ignored", "1.2.3.4, 6.6.6.6, 203.0.113.9", "", "203.0.113.9"},
		{"trusted hops skipped", "1.2.3.4, 203.0.113.9, 10.1.1.1, 10.0.0.3", "", "203.0.113.9"},
		{"all trusted: leftmost", "10.9.9.9, 10.1.1.1", "", "10.9.9.9"},
		{"garbage stops the walk", "203.0.113.9, nonsense, 10.1.1.1", "", "10.1.1.1"},
		{"garbage last: the peer", "203.0.113.9, nonsense", "", "10.0.0.2"},
		{"with port", "203.0.113.9:5555", "", "203.0.113.9"},
		{"ipv6 bracketed", "[2001:db8::7]:80", "", "2001:db8::7"},
		{"ipv4-mapped", "::ffff:203.0.113.9", "", "203.0.113.9"},
		{"empty: the peer", "", "", "10.0.0.2"},
		{"forwarded", "", `for=1.2.3.4, for="[2001:db8::9]:4711";proto=https, for=10.0.0.5`, "2001:db8::9"},
		{"forwarded unknown", "", `for=1.2.3.4, for=unknown`, "10.0.0.2"},
	}
	for _, c := range cases {
		var hops []string
		if c.xff != "" {
			hops = appendForwardedFor(hops, c.xff)
		}
		if c.fwd != "" {
			hops = appendForwarded(hops, c.fwd)
		}
		if got := ClientFromHops(peer, hops, proxies); got.String() != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
}

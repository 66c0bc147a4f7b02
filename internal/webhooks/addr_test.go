package webhooks

import (
	"encoding/binary"
	"net/netip"
	"testing"
)

// The SSRF guard's address rule, case by case: every IPv4 range and IPv6
// form the guard refuses, and public addresses (in the IPv6 forms that
// reach them) it lets through.
func TestBlockedAddr(t *testing.T) {
	for addr, blocked := range map[string]bool{
		// IPv4 special-purpose ranges.
		"0.0.0.0": true, "0.1.2.3": true, "10.0.0.1": true, "100.64.0.1": true, "100.127.255.255": true,
		"127.0.0.1": true, "127.8.9.10": true, "169.254.169.254": true, "172.16.5.4": true, "172.31.255.255": true,
		"192.0.0.8": true, "192.0.2.1": true, "192.88.99.1": true, "192.168.1.1": true, "198.18.0.1": true,
		"198.19.255.255": true, "198.51.100.7": true, "203.0.113.9": true, "224.0.0.1": true, "239.255.255.250": true,
		"240.0.0.1": true, "255.255.255.255": true,
		// Public IPv4, including the neighbours of the ranges above.
		"93.184.216.34": false, "8.8.8.8": false, "1.1.1.1": false, "100.63.255.255": false, "100.128.0.1": false,
		"172.32.0.1": false, "172.15.255.255": false, "192.0.1.1": false, "192.0.3.1": false, "198.17.255.255": false,
		"198.20.0.1": false, "223.255.255.255": false, "11.0.0.1": false, "126.255.255.255": false, "128.0.0.1": false,
		// The four, accepted before.
		"::127.0.0.1": true, "64:ff9b::7f00:1": true, "64:ff9b::a9fe:a9fe": true, "2002:7f00:1::1": true,
		// IPv6 special addresses and ranges.
		"::": true, "::1": true, "fe80::1": true, "febf::1": true, "fec0::1": true, "fc00::1": true, "fd12:3456::1": true,
		"ff02::1": true, "ff0e::1": true, "100::1": true, "2001:db8::1": true, "3fff::1": true, "5f00::1": true,
		"4000::1": true, "1::1": true, "2001:2::1": true, "2001:10::1": true,
		// IPv4-mapped: the IPv4 address decides.
		"::ffff:127.0.0.1": true, "::ffff:10.0.0.1": true, "::ffff:100.64.0.1": true, "::ffff:93.184.216.34": false,
		// IPv4-compatible and IPv4-translated (SIIT): deprecated, refused whatever they embed.
		"::8.8.8.8": true, "::ffff:0:8.8.8.8": true, "::ffff:0:127.0.0.1": true,
		// NAT64 well-known prefix: the last 32 bits decide.
		"64:ff9b::10.0.0.1": true, "64:ff9b::198.18.0.1": true, "64:ff9b::240.0.0.1": true, "64:ff9b::8.8.8.8": false,
		// NAT64 local-use prefix: refused whole, in every RFC 6052 layout.
		"64:ff9b:1::8.8.8.8": true, "64:ff9b:1:7f00:0:100::": true, "64:ff9b:1:ffff::1": true,
		// 6to4: bits 16..48.
		"2002:a00:1::1": true, "2002:c0a8:101::1": true, "2002:6440:1::": true, "2002:c612:1::1": true,
		"2002:808:808::1": false,
		// Teredo: refused whole (client and server addresses are IPv4).
		"2001:0:4136:e378:8000:63bf:3fff:fdd2": true, "2001::1": true,
		// ISATAP interface identifiers under a global prefix.
		"2606:4700::5efe:7f00:1": true, "2606:4700::200:5efe:a00:1": true, "2606:4700::5efe:808:808": false,
		// Global unicast.
		"2606:4700::1111": false, "2a00:1450:4001:80b::200e": false, "2001:4860:4860::8888": false,
		"2001:200::1": false, "2620:fe::fe": false,
		// Zones: link-scoped.
		"fe80::1%eth0": true, "2606:4700::1111%eth0": true,
	} {
		a, err := netip.ParseAddr(addr)
		if err != nil {
			t.Fatalf("%s: %v", addr, err)
		}
		if got := blockedAddr(a); got != blocked {
			t.Errorf("%s: blocked %v, want %v", addr, got, blocked)
		}
	}
	if !blockedAddr(netip.Addr{}) {
		t.Error("the zero Addr passes")
	}
}

// The literal check of a URL when a webhook is saved: literal addresses in
// every form, and hosts that are numbers (which resolvers would read as
// IPv4 addresses); names pass (they are checked when dialling).
func TestLiteralTargetProblem(t *testing.T) {
	for url, refused := range map[string]bool{
		"http://[::127.0.0.1]/": true, "http://[64:ff9b::7f00:1]/": true, "http://[64:ff9b::a9fe:a9fe]/": true,
		"http://[2002:7f00:1::1]/": true, "https://100.64.0.1/x": true, "http://198.18.0.1:8080/": true,
		"http://[fe80::1%25eth0]/": true, "http://2130706433/": true, "http://0x7f.1/": true, "http://127.1/": true,
		"http://017700000001/": true, "http://127.0.0.1./": true, "http://0X7F000001/": true,
		"https://hooks.example.org/x": false, "http://localhost:8080/": false, "https://93.184.216.34/": false,
		"https://[2606:4700::1111]/": false, "https://[64:ff9b::808:808]/": false, "https://example.org./": false,
		"https://1password.example/": false, "https://a.0x/": true, "https://host.123abc/": false,
	} {
		if got := literalTargetProblem(url) != ""; got != refused {
			t.Errorf("%s: refused %v, want %v", url, got, refused)
		}
	}
}

// mustBlock4 is the fuzz test's own list of IPv4 ranges that are not
// public (IANA special-purpose registry, not globally reachable; multicast;
// reserved), kept apart from the guard's.
var mustBlock4 = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"), netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("169.254.0.0/16"), netip.MustParsePrefix("172.16.0.0/12"),
	netip.MustParsePrefix("192.0.0.0/24"), netip.MustParsePrefix("192.0.2.0/24"), netip.MustParsePrefix("192.88.99.0/24"),
	netip.MustParsePrefix("192.168.0.0/16"), netip.MustParsePrefix("198.18.0.0/15"), netip.MustParsePrefix("198.51.100.0/24"),
	netip.MustParsePrefix("203.0.113.0/24"), netip.MustParsePrefix("224.0.0.0/3"),
}

// embeddings are the IPv6 forms that carry v4: IPv4-mapped, IPv4-compatible,
// IPv4-translated, NAT64 (the /96 well-known prefix and the local-use /48
// in each RFC 6052 layout that fits it), 6to4, Teredo (as server and as
// client) and ISATAP. free fills the bits each form leaves free.
func embeddings(v4 [4]byte, free [16]byte) map[string]netip.Addr {
	out := map[string]netip.Addr{}
	put := func(name string, prefix []byte, v4At int, fill bool) {
		var b [16]byte
		if fill {
			b = free
		}
		copy(b[:], prefix)
		copy(b[v4At:], v4[:])
		out[name] = netip.AddrFrom16(b)
	}
	put("mapped", []byte{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff}, 12, false)
	put("compatible", nil, 12, false)
	put("translated", []byte{0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0}, 12, false)
	put("nat64/96", []byte{0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0}, 12, false)
	// 64:ff9b:1::/48 (RFC 8215) with the RFC 6052 layouts of /48, /56,
	// /64 and /96 network-specific prefixes under it (bits 64..71, the u
	// octet, are zero).
	local := []byte{0, 0x64, 0xff, 0x9b, 0, 1}
	for _, l := range []struct {
		name string
		at   []int // where the four bytes go
	}{{"nat64-local/48", []int{6, 7, 9, 10}}, {"nat64-local/56", []int{7, 9, 10, 11}},
		{"nat64-local/64", []int{9, 10, 11, 12}}, {"nat64-local/96", []int{12, 13, 14, 15}}} {
		b := free
		copy(b[:], local)
		b[8] = 0
		for i, at := range l.at {
			b[at] = v4[i]
		}
		out[l.name] = netip.AddrFrom16(b)
	}
	put("6to4", []byte{0x20, 0x02}, 2, true)
	// Teredo: 2001:0:<server v4>:<flags>:<port>:<client v4 XOR ffffffff>.
	put("teredo-server", []byte{0x20, 0x01, 0, 0}, 4, true)
	b := free
	copy(b[:], []byte{0x20, 0x01, 0, 0})
	for i := range 4 {
		b[12+i] = ^v4[i]
	}
	out["teredo-client"] = netip.AddrFrom16(b)
	for _, u := range []byte{0, 2} {
		b := free
		b[8], b[9], b[10], b[11] = u, 0, 0x5e, 0xfe
		copy(b[12:], v4[:])
		out["isatap"+string('0'+rune(u))] = netip.AddrFrom16(b)
	}
	return out
}

// FuzzSSRFAddress: for every IPv4 address that is not public, the guard
// refuses it and every IPv6 embedding of it; a public IPv4 address passes,
// as it does in the forms that reach it (IPv4-mapped, NAT64 /96). Any
// 16 bytes are an address blockedAddr decides without failing.
func FuzzSSRFAddress(f *testing.F) {
	for _, s := range []string{"127.0.0.1", "169.254.169.254", "10.1.2.3", "100.64.0.1", "198.18.0.1", "240.0.0.1",
		"0.0.0.0", "192.0.2.1", "224.0.0.1", "8.8.8.8", "93.184.216.34", "255.255.255.255"} {
		f.Add(binary.BigEndian.Uint32(netip.MustParseAddr(s).AsSlice()), []byte("\x20\x01\x0d\xb8\x00\x01\x00\x02\x00\x00\x00\x00\x00\x00\x00\x01"))
	}
	f.Add(uint32(0x7f000001), []byte{})
	f.Fuzz(func(t *testing.T, n uint32, rest []byte) {
		var v4 [4]byte
		binary.BigEndian.PutUint32(v4[:], n)
		var free [16]byte
		copy(free[:], rest)
		blockedAddr(netip.AddrFrom16(free)) // any address: no panic
		a := netip.AddrFrom4(v4)
		private := in(mustBlock4, a)
		if got := blockedAddr(a); got != private {
			t.Fatalf("%s: blocked %v, want %v", a, got, private)
		}
		forms := embeddings(v4, free)
		if private {
			for name, e := range forms {
				if !blockedAddr(e) {
					t.Fatalf("%s embeds %s (%s) and passes", e, a, name)
				}
			}
			return
		}
		for _, name := range []string{"mapped", "nat64/96"} {
			if blockedAddr(forms[name]) {
				t.Fatalf("%s embeds the public %s (%s) and is refused", forms[name], a, name)
			}
		}
	})
}

package publish

import (
	"errors"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jesenice/twincms/models"
)

const testTTL = time.Hour

func testLinks() Links { return NewLinks([]byte("0123456789abcdef0123456789abcdef"), testTTL) }

// Every moment of a window gets the same expiry; a link handed out at any
// moment of a window has more than half its lifetime left; the next window
// expires half a lifetime later.
func TestLinkWindows(t *testing.T) {
	l := testLinks()
	start := l.WindowStart(l.Window(time.Date(2026, 11, 25, 12, 10, 0, 0, time.UTC)))
	idx := l.Window(start)
	for _, at := range []time.Duration{0, time.Second, 17 * time.Minute, testTTL/2 - time.Nanosecond} {
		now := start.Add(at)
		if got := l.Window(now); got != idx {
			t.Fatalf("%v into the window: window %d, want %d", at, got, idx)
		}
		if left := l.Expiry(idx).Sub(now); left <= testTTL/2 {
			t.Fatalf("%v into the window: a link with only %v of %v left", at, left, testTTL)
		}
	}
	if got := l.Window(start.Add(testTTL / 2)); got != idx+1 {
		t.Fatalf("half a lifetime later: window %d, want %d", got, idx+1)
	}
	if d := l.Expiry(idx + 1).Sub(l.Expiry(idx)); d != testTTL/2 {
		t.Fatalf("consecutive windows' expiries %v apart, want %v", d, testTTL/2)
	}
	if !l.Expiry(idx).Equal(start.Add(testTTL)) {
		t.Fatalf("expiry %v, want one lifetime after the window starts (%v)", l.Expiry(idx), start.Add(testTTL))
	}
}

// A link checks out until its expiry and not a moment later; any change to
// what it grants, or another key, breaks its signature.
func TestLinkSignature(t *testing.T) {
	l := testLinks()
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	exp := l.Expiry(l.Window(now))
	link := l.URL("/cms", "0123456789abcdef01234567", "64", exp)
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	if u.Path != "/cms"+FilesPath+"0123456789abcdef01234567/64" || u.Query().Get("exp") != strconv.FormatInt(exp.Unix(), 10) {
		t.Fatalf("link %s", link)
	}
	id, rendition, e, sig := "0123456789abcdef01234567", "64", u.Query().Get("exp"), u.Query().Get("sig")
	if err := l.Check(id, rendition, e, sig, now); err != nil {
		t.Fatalf("a fresh link: %v", err)
	}
	if err := l.Check(id, rendition, e, sig, exp.Add(-time.Second)); err != nil {
		t.Fatalf("a second before expiry: %v", err)
	}
	other := NewLinks([]byte("another key of thirty-two bytes!"), testTTL)
	refused := map[string]error{
		"at its expiry":      l.Check(id, rendition, e, sig, exp),
		"after its expiry":   l.Check(id, rendition, e, sig, exp.Add(time.Hour)),
		"another document":   l.Check("0123456789abcdef01234568", rendition, e, sig, now),
		"the original":       l.Check(id, "", e, sig, now),
		"another rendition":  l.Check(id, "256", e, sig, now),
		"a later expiry":     l.Check(id, rendition, strconv.FormatInt(exp.Unix()+3600, 10), sig, now),
		"expiry not numeric": l.Check(id, rendition, "soon", sig, now),
		"no signature":       l.Check(id, rendition, e, "", now),
		"changed signature":  l.Check(id, rendition, e, flipLast(sig), now),
		"another key":        other.Check(id, rendition, e, sig, now),
		// NUL separates the signed fields: moving a byte across it breaks it.
		"fields shifted": l.Check(id+"\x0064", "", e, sig, now),
	}
	for name, err := range refused {
		if !errors.Is(err, models.ErrLinkInvalid) {
			t.Errorf("%s: %v, want ErrLinkInvalid", name, err)
		}
	}
	if err := refused["after its expiry"]; !strings.Contains(err.Error(), "expired") {
		t.Errorf("an expired link says %q", err)
	}
	// Signatures depend on nothing but key, file and expiry: two signers
	// with one key (two instances) make the same link.
	if twin := NewLinks([]byte("0123456789abcdef0123456789abcdef"), testTTL); twin.URL("/cms", id, rendition, exp) != link {
		t.Fatal("two signers with one key made different links")
	}
}

func flipLast(s string) string {
	if strings.HasSuffix(s, "A") {
		return s[:len(s)-1] + "B"
	}
	return s[:len(s)-1] + "A"
}

package downloadlink

import (
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jesenice/twincms/models"
)

var key = []byte("0123456789abcdef0123456789abcdef")

// query splits a link into its id, exp and sig.
func query(t testing.TB, link string) (id, exp, sig string) {
	t.Helper()
	path, q, _ := strings.Cut(link, "?")
	v, err := url.ParseQuery(q)
	if err != nil {
		t.Fatal(err)
	}
	return path[strings.LastIndex(path, "/")+1:], v.Get("exp"), v.Get("sig")
}

// A link grants its kind, id and binding until its expiry, nothing else.
func TestLinkGrantsOneThingForAWhile(t *testing.T) {
	s := New(key, 5*time.Minute)
	now := time.Unix(1_800_000_000, 0)
	link, exp := s.URL("/cms", Original, "64b7f0c2a1b2c3d4e5f60718", "ab12", now)
	if !strings.HasPrefix(link, "/cms/api/v1/downloads/originals/64b7f0c2a1b2c3d4e5f60718?v=ab12&exp=") || !exp.Equal(now.Add(5*time.Minute)) {
		t.Fatalf("link %s, expires %v", link, exp)
	}
	id, e, sig := query(t, link)
	if err := s.Check(Original, id, "ab12", e, sig, now.Add(4*time.Minute)); err != nil {
		t.Fatalf("a fresh link: %v", err)
	}
	for name, err := range map[string]error{
		"expired":         s.Check(Original, id, "ab12", e, sig, now.Add(5*time.Minute)),
		"another kind":    s.Check(Document, id, "ab12", e, sig, now),
		"another id":      s.Check(Original, "64b7f0c2a1b2c3d4e5f60719", "ab12", e, sig, now),
		"another binding": s.Check(Original, id, "ab13", e, sig, now),
		"another expiry":  s.Check(Original, id, "ab12", e+"0", sig, now),
		"another key":     New([]byte("another key"), time.Minute).Check(Original, id, "ab12", e, sig, now),
		"a NUL binding":   s.Check(Original, id, "\x00", e, sig, now),
		"no signature":    s.Check(Original, id, "ab12", e, "", now),
	} {
		if !errors.Is(err, models.ErrLinkInvalid) {
			t.Errorf("%s: %v, want ErrLinkInvalid", name, err)
		}
	}
}

// Whatever a client puts in a link's query, Check answers without
// panicking, and only the exact signed fields pass.
func FuzzCheck(f *testing.F) {
	s := New(key, time.Minute)
	now := time.Unix(1_800_000_000, 0)
	link, _ := s.URL("", Bag, "64b7f0c2a1b2c3d4e5f60718", "3", now)
	id, exp, sig := query(f, link)
	f.Add(id, "3", exp, sig)
	f.Add(id, "3", "-1", sig)
	f.Add("", "", "99999999999999999999", "")
	f.Fuzz(func(t *testing.T, id2, bind, exp2, sig2 string) {
		err := s.Check(Bag, id2, bind, exp2, sig2, now)
		if err == nil && (id2 != id || bind != "3" || exp2 != exp || sig2 != sig) {
			t.Fatalf("a changed link passed: %q %q %q %q", id2, bind, exp2, sig2)
		}
		if err != nil && !errors.Is(err, models.ErrLinkInvalid) {
			t.Fatalf("error %v is not ErrLinkInvalid", err)
		}
	})
}

package main

import (
	"strings"
	"testing"
)

// followLink follows a public file link like a browser: a path is resolved
// against this server (as public bodies give it), the 302 to the object
// store is followed, and the download returned.
func (s *testServer) followLink(t testing.TB, link string) resp {
	t.Helper()
	if strings.HasPrefix(link, "http") {
		return fetch(t, link, nil)
	}
	r := s.do(t, req{Method: "GET", Path: link})
	if r.Status != 302 {
		return r
	}
	if cc := r.Header.Get("Cache-Control"); cc != "no-store" {
		t.Fatalf("the redirect of %s may be cached (Cache-Control %q)", link, cc)
	}
	return fetch(t, r.Header.Get("Location"), nil)
}

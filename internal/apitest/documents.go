package apitest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/jesenice/twincms/models"
)

// Helpers for documents, objects and links, shared by the packages' HTTP
// tests.

// SHA is the hex SHA-256 of b.
func SHA(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// Upload posts a document (POST /documents, multipart) as token.
func (s *Server) Upload(t testing.TB, token string, meta any, filename, declared string, data []byte) Resp {
	t.Helper()
	ct, body := Multipart(meta, filename, declared, data)
	return s.Do(t, Req{Method: "POST", Path: "/api/v1/documents", Token: token, Body: body, Headers: map[string]string{"Content-Type": ct}})
}

// DocMeta is a valid document metadata part of kind with a Slovenian
// title; a crest also has a Slovenian alt text, so a partnership written
// in Slovenian may be published with it.
func DocMeta(kind, title string) map[string]any {
	m := map[string]any{"kind": kind, "title": map[string]string{"sl": title}, "language": "sl",
		"provenance": map[string]string{"source": "Občina Jesenice", "archival_ref": "SI-JES/" + title, "original_date": "1975"}}
	if kind == "crest" {
		m["alt"] = map[string]string{"sl": "Grb: " + title}
	}
	return m
}

// PDFBytes is n bytes that sniff as a PDF and differ by seed.
func PDFBytes(seed string, n int) []byte {
	b := bytes.Repeat([]byte(seed+" "), n/(len(seed)+1)+1)[:n]
	copy(b, "%PDF-1.4\n")
	return b
}

// ObjectKeys lists the bucket's document objects (originals, renditions).
func (s *Server) ObjectKeys(t testing.TB) map[string]bool {
	t.Helper()
	keys := map[string]bool{}
	for _, prefix := range []string{"originals/", "renditions/"} {
		if err := s.CMS.Objects.List(t.Context(), prefix, func(o models.ObjectInfo) error {
			keys[o.Key] = true
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	return keys
}

// DocumentCount is the number of document records in the database.
func (s *Server) DocumentCount(t testing.TB) int {
	t.Helper()
	all, err := s.CMS.Documents.All(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return len(all)
}

// Fetch GETs an absolute URL (a presigned link) without auth.
func Fetch(t testing.TB, url string, headers map[string]string) Resp {
	t.Helper()
	hr, _ := http.NewRequest("GET", url, nil)
	for k, v := range headers {
		hr.Header.Set(k, v)
	}
	res, err := Client.Do(hr)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return Resp{Status: res.StatusCode, Header: res.Header, Body: b}
}

// PutToTicket sends body to a direct upload's signed PUT URL with the
// headers the ticket names, and returns the object store's status.
func PutToTicket(t testing.TB, ticket map[string]any, body []byte) int {
	t.Helper()
	hr, _ := http.NewRequest("PUT", ticket["url"].(string), bytes.NewReader(body))
	for k, v := range ticket["headers"].(map[string]any) {
		hr.Header.Set(k, v.(string))
	}
	res, err := Client.Do(hr)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

// FollowLink follows a public file link like a browser: a path is resolved
// against s (as public bodies give it), the 302 to the object store is
// followed (and must not be cacheable), and the download returned.
func (s *Server) FollowLink(t testing.TB, link string) Resp {
	t.Helper()
	if strings.HasPrefix(link, "http") {
		return Fetch(t, link, nil)
	}
	r := s.Do(t, Req{Method: "GET", Path: link})
	if r.Status != 302 {
		return r
	}
	if cc := r.Header.Get("Cache-Control"); cc != "no-store" {
		t.Fatalf("the redirect of %s may be cached (Cache-Control %q)", link, cc)
	}
	return Fetch(t, r.Header.Get("Location"), nil)
}

// S3Keys are the embedded object store's access and secret keys
// ("access", "secret"), as the data dir keeps them.
func (s *Server) S3Keys(t testing.TB) map[string]string {
	t.Helper()
	b, err := os.ReadFile(s.Cfg.DataDir + "/s3-credentials.json")
	if err != nil {
		t.Fatal(err)
	}
	var k struct{ Access, Secret string }
	if err := json.Unmarshal(b, &k); err != nil {
		t.Fatal(err)
	}
	return map[string]string{"access": k.Access, "secret": k.Secret}
}

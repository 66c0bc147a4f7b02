package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"os"
	"testing"

	"github.com/jesenice/twincms/internal/apitest"
	"github.com/jesenice/twincms/models"
)

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// uploadBody builds the multipart body of POST /documents.
func uploadBody(t testing.TB, meta any, filename, declared string, data []byte) (string, []byte) {
	t.Helper()
	return multipartUpload(meta, filename, declared, data)
}

// multipartUpload is uploadBody for goroutines that have no test to fail.
var multipartUpload = apitest.Multipart

func (s *testServer) upload(t testing.TB, token string, meta any, filename, declared string, data []byte) resp {
	t.Helper()
	ct, body := uploadBody(t, meta, filename, declared, data)
	return s.do(t, req{Method: "POST", Path: "/api/v1/documents", Token: token, Body: body, Headers: map[string]string{"Content-Type": ct}})
}

func docMeta(kind, title string) map[string]any {
	return map[string]any{"kind": kind, "title": map[string]string{"sl": title}, "language": "sl",
		"provenance": map[string]string{"source": "Občina Jesenice", "archival_ref": "SI-JES/" + title, "original_date": "1975"}}
}

// objectKeys lists the bucket's document objects.
func (s *testServer) objectKeys(t testing.TB) map[string]bool {
	t.Helper()
	keys := map[string]bool{}
	for _, prefix := range []string{"originals/", "renditions/"} {
		if err := s.srv.objs.List(context.Background(), prefix, func(o models.ObjectInfo) error {
			keys[o.Key] = true
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	return keys
}

func (s *testServer) documentCount(t testing.TB) int {
	t.Helper()
	all, err := s.srv.documents.All(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return len(all)
}

// fetch GETs an absolute URL (a presigned link) without auth.
func fetch(t testing.TB, url string, headers map[string]string) resp {
	t.Helper()
	hr, _ := http.NewRequest("GET", url, nil)
	for k, v := range headers {
		hr.Header.Set(k, v)
	}
	res, err := httpClient.Do(hr)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return resp{Status: res.StatusCode, Header: res.Header, Body: b}
}

func ioPipe() (*io.PipeReader, *io.PipeWriter) { return io.Pipe() }

func readFile(path string) ([]byte, error) { return os.ReadFile(path) }

// putToTicket sends body to a direct upload's signed PUT URL with the
// headers the ticket names, and returns the object store's status.
func putToTicket(t *testing.T, ticket map[string]any, body []byte) int {
	t.Helper()
	hr, _ := http.NewRequest("PUT", ticket["url"].(string), bytes.NewReader(body))
	for k, v := range ticket["headers"].(map[string]any) {
		hr.Header.Set(k, v.(string))
	}
	res, err := httpClient.Do(hr)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

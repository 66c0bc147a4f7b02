package archive_test

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"net/http"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/jesenice/twincms/internal/apitest"
	"github.com/jesenice/twincms/internal/demo"
)

// The BagIt export when the object store fails: before the first byte,
// mid-stream, or one original missing.

// killObjectStore kills the embedded S3 child the way a crash would.
func killObjectStore(t *testing.T, s *apitest.Server) {
	t.Helper()
	if s.CMS.EmbeddedS3 == nil {
		t.Skip("kills the embedded object store; the MinIO cluster tests take an external store's nodes away")
	}
	if err := syscall.Kill(s.CMS.EmbeddedS3.PID(), syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
}

// bagFixture starts a server without demo content and one partnership
// holding a document of size bytes; it returns the server, an archivist
// token and the partnership id.
func bagFixture(t *testing.T, size int) (*apitest.Server, string, string) {
	t.Helper()
	s, err := apitest.Start(t.TempDir(), map[string]string{"TWINCMS_DEMO": "false"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	ed, ar := s.NewToken(t, "editor"), s.NewToken(t, "archivist")
	p := apitest.Create(t, s, ed, apitest.MinimalPartnership("vreca", "Vreča"))
	pdf := demo.PlaceholderPDF("Bag fixture")
	if size > len(pdf) {
		pdf = append(pdf, bytes.Repeat([]byte("%padding\n"), (size-len(pdf))/9+1)...)
	}
	meta := map[string]any{"kind": "scan", "title": map[string]string{"sl": "Sken"}, "partnership_ids": []string{p["id"].(string)}}
	apitest.Expect(t, s.Upload(t, ed, meta, "sken.pdf", "", pdf), 201)
	return s, ar, p["id"].(string)
}

// With the object store down, the bag is a 503 problem before any byte
// of a zip, never a 200 with an empty zip.
func TestBagWithStoreDownIsAProblemBeforeTheFirstByte(t *testing.T) {
	s, ar, id := bagFixture(t, 0)
	killObjectStore(t, s)
	start := time.Now()
	r := s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/archive/partnerships/" + id + "/bag", Token: ar})
	apitest.ExpectProblem(t, r, 503, "unavailable")
	if d := time.Since(start); d > 15*time.Second {
		t.Fatalf("503 took %s", d)
	}
}

// A store failure after the zip started streaming aborts the transfer:
// the client sees a failed download, and what arrived is no valid zip.
func TestBagFailingMidStreamIsNotAValidZip(t *testing.T) {
	s, ar, id := bagFixture(t, 64<<20)
	hr, _ := http.NewRequest("GET", s.Base+"/api/v1/archive/partnerships/"+id+"/bag", nil)
	hr.Header.Set("Authorization", "Bearer "+ar)
	res, err := http.DefaultClient.Do(hr)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("status %d", res.StatusCode)
	}
	// Streaming has started: take a little, then the store dies while the
	// rest (far more than the socket buffers hold) is still to be read.
	head := make([]byte, 64<<10)
	if _, err := io.ReadFull(res.Body, head); err != nil {
		t.Fatal(err)
	}
	killObjectStore(t, s)
	rest, readErr := io.ReadAll(res.Body)
	body := append(head, rest...)
	if readErr == nil {
		t.Errorf("the download of a failed bag ended cleanly after %d bytes; want a transfer error", len(body))
	}
	if _, err := zip.NewReader(bytes.NewReader(body), int64(len(body))); err == nil {
		t.Errorf("%d bytes of a failed bag read as a valid zip", len(body))
	}
	if len(body) >= 64<<20 {
		t.Errorf("got %s bytes: the store died after the whole payload was sent", strconv.Itoa(len(body)))
	}
}

// A missing original is a 409 problem before the first byte, not a bag
// that fails its own manifest.
func TestBagWithAMissingOriginalIsAConflict(t *testing.T) {
	s, ar, id := bagFixture(t, 0)
	docs, err := s.CMS.Documents.All(context.Background())
	if err != nil || len(docs) != 1 {
		t.Fatalf("%d documents (%v)", len(docs), err)
	}
	if err := s.CMS.Objects.Remove(context.Background(), docs[0].File.Key); err != nil {
		t.Fatal(err)
	}
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/archive/partnerships/" + id + "/bag", Token: ar}), 409, "conflict")
	// The same through a bag link, as the admin UI downloads it.
	link := apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/archive/partnerships/" + id + "/bag-link", Token: ar}), 200).Map(t)
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Path: link["url"].(string)}), 409, "conflict")
}

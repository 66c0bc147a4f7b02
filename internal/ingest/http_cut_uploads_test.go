package ingest_test

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jesenice/twincms/internal/apitest"
)

// Upload integrity: cut, malformed and concurrent identical upload bodies,
// and an upload with the database down.

// A stored document is exactly the bytes of a complete, well-formed
// request. Bodies that stop early (fewer bytes than Content-Length, a
// chunked body cut off, no closing boundary, cut mid-file) and a second
// file part are 400, and leave nothing: no record, no object, no
// multipart upload or parts, no claim.
func TestCutAndMalformedUploadBodiesStoreNothing(t *testing.T) {
	s, err := apitest.Start(t.TempDir(), map[string]string{"TWINCMS_DEMO": "false"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	// Within the put's 1 MiB head buffer, past it within one part, and a
	// multipart upload.
	for _, size := range []int{512 << 10, 2 << 20, 20 << 20} {
		data := apitest.PDFBytes(fmt.Sprintf("cut-%d", size), size)
		ct, full := apitest.Multipart(apitest.DocMeta("scan", "Prekinjen"), "prekinjen.pdf", "", data)
		boundary := ct[strings.Index(ct, "boundary=")+len("boundary="):]
		fileStart := bytes.Index(full, data[:32])
		closing := bytes.LastIndex(full, []byte("\r\n--"+boundary+"--"))
		secondPart := "\r\n--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"b.pdf\"\r\n\r\n%PDF-1.4 b"
		cases := []struct {
			name   string
			length int // Content-Length; < 0 chunked
			body   []byte
		}{
			{"Content-Length twice what is sent", 2 * len(full), full},
			{"half of Content-Length sent", len(full), full[:len(full)/2]},
			{"no closing boundary", closing, full[:closing]},
			{"closing boundary without its dashes", closing + len(boundary) + 4, full[:closing+len(boundary)+4]},
			{"cut mid-file, length honest", fileStart + size/2, full[:fileStart+size/2]},
			{"two file parts", len(full) + len(secondPart), append(append(append([]byte{}, full[:closing]...), secondPart...), full[closing:]...)},
			{"chunked, cut off", -1, chunked(full[:len(full)/2], false)},
			{"chunked, no closing boundary", -1, chunked(full[:closing], true)},
		}
		before := s.StoreState(t)
		for _, tc := range cases {
			t.Run(fmt.Sprintf("%d KiB/%s", size>>10, tc.name), func(t *testing.T) {
				r := apitest.RawExchange(t, s.Base, apitest.UploadHead(ct, tc.length), tc.body)
				p := apitest.ExpectProblem(t, r, 400, "malformed-request")
				if d, _ := p["detail"].(string); strings.Contains(d, "EOF") || strings.Contains(d, "multipart") {
					t.Errorf("internal text in the problem: %q", d)
				}
				s.ExpectStoreUnchanged(t, before)
			})
		}
		// The same bytes, complete, are stored: the cases above failed for
		// their cut, not for their content.
		r := apitest.RawExchange(t, s.Base, apitest.UploadHead(ct, len(full)), full)
		if d := apitest.Expect(t, r, 201).Map(t); d["file"].(map[string]any)["sha256"] != apitest.SHA(data) {
			t.Fatalf("stored %v, want sha256 %s", d["file"], apitest.SHA(data))
		}
	}
}

// Identical uploads released together, on one instance or spread over two
// sharing a database: exactly one 201, every other a 409 naming it, one
// record, one object.
func TestConcurrentIdenticalUploadsStoreOneDocument(t *testing.T) {
	first, err := apitest.Start(t.TempDir(), map[string]string{"TWINCMS_DEMO": "false"})
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	second := first.Sibling(t, nil)
	defer second.Close()
	for _, tc := range []struct {
		name      string
		instances []*apitest.Server
	}{{"one instance", []*apitest.Server{first}}, {"two instances", []*apitest.Server{first, second}}} {
		t.Run(tc.name, func(t *testing.T) {
			before := first.StoreState(t)
			data := apitest.PDFBytes("same bytes "+tc.name, 3<<20)
			const n = 8
			start := make(chan struct{})
			results := make([]apitest.Resp, n)
			var wg sync.WaitGroup
			for i := range n {
				s := tc.instances[i%len(tc.instances)]
				ct, body := apitest.Multipart(apitest.DocMeta("scan", fmt.Sprint("Kopija ", i)), fmt.Sprintf("kopija-%d.pdf", i), "", data)
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					results[i] = s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/documents", Token: apitest.AdminToken, Body: body,
						Headers: map[string]string{"Content-Type": ct}})
				}()
			}
			close(start)
			wg.Wait()
			var created string
			for _, r := range results {
				if r.Status == 201 {
					if created != "" {
						t.Fatalf("two uploads of the same bytes were stored: %s and %s", created, r.Map(t)["id"])
					}
					created = r.Map(t)["id"].(string)
				}
			}
			if created == "" {
				t.Fatalf("no upload was stored: %v", results)
			}
			for _, r := range results {
				if r.Status != 201 {
					if p := apitest.ExpectProblem(t, r, 409, "conflict"); p["duplicate_of"] != created {
						t.Fatalf("duplicate_of %v, want %s", p["duplicate_of"], created)
					}
				}
			}
			want := before
			want.Records = sortedWith(before.Records, created)
			want.Claims = sortedWith(before.Claims, created)
			want.Objects = sortedWith(before.Objects, "originals/"+created)
			first.ExpectStoreUnchanged(t, want)
		})
	}
}

// sortedWith is a sorted copy of list with one more element.
func sortedWith(list []string, more string) []string {
	out := append(slices.Clone(list), more)
	slices.Sort(out)
	return out
}

// chunked encodes b as one HTTP chunk, with the last chunk when final.
func chunked(b []byte, final bool) []byte {
	out := fmt.Appendf(nil, "%x\r\n%s\r\n", len(b), b)
	if final {
		out = append(out, "0\r\n\r\n"...)
	}
	return out
}

// With the database gone after the bytes are stored, the upload is 503
// at once and its object is removed in the background, without the
// database (nothing was written there that could have landed).
func TestUploadWithTheDatabaseDownLeavesNoObject(t *testing.T) {
	s, err := apitest.Start(t.TempDir(), map[string]string{"TWINCMS_DEMO": "false"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.CMS.EmbeddedDB.Close(); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	apitest.ExpectProblem(t, s.Upload(t, apitest.AdminToken, apitest.DocMeta("scan", "Brez baze"), "brez.pdf", "", apitest.PDFBytes("no database", 200<<10)), 503, "unavailable")
	took := time.Since(start)
	t.Logf("503 after %v", took.Round(10*time.Millisecond))
	if took > 15*time.Second {
		t.Errorf("503 after %v: clean-up ran in the request", took)
	}
	deadline := time.Now().Add(15 * time.Second)
	for len(s.ObjectKeys(t)) > 0 || s.CMS.Ingest.PendingCleanups() > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("objects %v and %d clean-ups still pending", s.ObjectKeys(t), s.CMS.Ingest.PendingCleanups())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

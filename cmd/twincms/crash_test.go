package main

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// A stored document is exactly the bytes of a complete, well-formed
// request. Bodies that stop early (fewer bytes than Content-Length, a
// chunked body cut off, no closing boundary, cut mid-file) and a second
// file part are 400, and leave nothing: no record, no object, no
// multipart upload or parts, no claim.
func TestCutAndMalformedUploadBodiesStoreNothing(t *testing.T) {
	s, err := startTestServer(t.TempDir(), map[string]string{"TWINCMS_DEMO": "false"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.close()
	for _, size := range []int{2 << 20, 20 << 20} { // one part and a multipart upload
		data := pdfBytes(fmt.Sprintf("cut-%d", size), size)
		ct, full := uploadBody(t, docMeta("scan", "Prekinjen"), "prekinjen.pdf", "", data)
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
		before := s.storeState(t)
		for _, tc := range cases {
			t.Run(fmt.Sprintf("%d MiB/%s", size>>20, tc.name), func(t *testing.T) {
				r := rawExchange(t, s.base, uploadHead(ct, tc.length), tc.body)
				p := expectProblem(t, r, 400, "malformed-request")
				if d, _ := p["detail"].(string); strings.Contains(d, "EOF") || strings.Contains(d, "multipart") {
					t.Errorf("internal text in the problem: %q", d)
				}
				s.expectStoreUnchanged(t, before)
			})
		}
		// The same bytes, complete, are stored: the cases above failed for
		// their cut, not for their content.
		r := rawExchange(t, s.base, uploadHead(ct, len(full)), full)
		if d := expect(t, r, 201).Map(t); d["file"].(map[string]any)["sha256"] != sha(data) {
			t.Fatalf("stored %v, want sha256 %s", d["file"], sha(data))
		}
	}
}

// chunked encodes b as one HTTP chunk, with the last chunk when final.
func chunked(b []byte, final bool) []byte {
	out := fmt.Appendf(nil, "%x\r\n%s\r\n", len(b), b)
	if final {
		out = append(out, "0\r\n\r\n"...)
	}
	return out
}

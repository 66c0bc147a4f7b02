package ingest_test

import (
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"testing"
	"time"

	"github.com/jesenice/twincms/internal/apitest"
)

const benchUploadSize = 200 << 20

// BenchmarkUpload200MB compares, in one run against the same embedded
// S3: a 200 MB scan through POST /documents (multipart, streamed, hashed,
// sniffed, recorded) and a plain PutObject of the same bytes. It reports
// the heap growth during each (the server runs in this process).
func BenchmarkUpload200MB(b *testing.B) {
	s := apitest.BenchServer(b)
	ctx := context.Background()
	seed := uint64(time.Now().UnixNano())

	b.Run("api-POST-documents", func(b *testing.B) {
		apitest.MeasureHeapGrowth(b, benchUploadSize, func(i int) {
			pr, pw := io.Pipe()
			mw := multipart.NewWriter(pw)
			go func() {
				h := textproto.MIMEHeader{}
				h.Set("Content-Disposition", `form-data; name="metadata"`)
				w, _ := mw.CreatePart(h)
				fmt.Fprintf(w, `{"kind":"scan","title":{"sl":"Sken %d"}}`, i)
				h = textproto.MIMEHeader{}
				h.Set("Content-Disposition", `form-data; name="file"; filename="sken.pdf"`)
				w, _ = mw.CreatePart(h)
				_, err := io.Copy(w, apitest.NewScanReader(seed+uint64(i), benchUploadSize))
				mw.Close()
				pw.CloseWithError(err)
			}()
			hr, _ := http.NewRequest("POST", s.Base+"/api/v1/documents", pr)
			hr.Header.Set("Content-Type", mw.FormDataContentType())
			hr.Header.Set("Authorization", "Bearer "+apitest.AdminToken)
			// A plain client: the contract-checking one re-reads request bodies,
			// which a streamed pipe cannot give twice.
			res, err := (&http.Client{}).Do(hr)
			if err != nil {
				b.Fatal(err)
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode != 201 {
				b.Fatalf("upload: %d", res.StatusCode)
			}
		})
	})
	b.Run("plain-PutObject", func(b *testing.B) {
		apitest.MeasureHeapGrowth(b, benchUploadSize, func(i int) {
			key := fmt.Sprintf("bench/plain-%d", i)
			if _, err := s.CMS.Objects.Put(ctx, key, apitest.NewScanReader(seed+1000+uint64(i), benchUploadSize), benchUploadSize, "application/pdf", nil); err != nil {
				b.Fatal(err)
			}
		})
	})
}

package main

import (
	"io"
	"os"
	"testing"

	"github.com/jesenice/twincms/internal/apitest"
)

// Document helpers: internal/apitest's, under this package's short names.

var (
	sha             = apitest.SHA
	docMeta         = apitest.DocMeta
	fetch           = apitest.Fetch
	putToTicket     = apitest.PutToTicket
	pdfBytes        = apitest.PDFBytes
	multipartUpload = apitest.Multipart // for goroutines that have no test to fail
)

// uploadBody builds the multipart body of POST /documents.
func uploadBody(t testing.TB, meta any, filename, declared string, data []byte) (string, []byte) {
	t.Helper()
	return apitest.Multipart(meta, filename, declared, data)
}

func (s *testServer) upload(t testing.TB, token string, meta any, filename, declared string, data []byte) resp {
	t.Helper()
	return s.as.Upload(t, token, meta, filename, declared, data)
}

func (s *testServer) objectKeys(t testing.TB) map[string]bool { t.Helper(); return s.as.ObjectKeys(t) }

func (s *testServer) documentCount(t testing.TB) int { t.Helper(); return s.as.DocumentCount(t) }

func (s *testServer) followLink(t testing.TB, link string) resp {
	t.Helper()
	return s.as.FollowLink(t, link)
}

func ioPipe() (*io.PipeReader, *io.PipeWriter) { return io.Pipe() }

func readFile(path string) ([]byte, error) { return os.ReadFile(path) }

package main

import (
	"io"
	"testing"

	"github.com/jesenice/twincms/internal/apitest"
)

// Document helpers: internal/apitest's, under this package's short names.

var (
	sha             = apitest.SHA
	docMeta         = apitest.DocMeta
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

func ioPipe() (*io.PipeReader, *io.PipeWriter) { return io.Pipe() }

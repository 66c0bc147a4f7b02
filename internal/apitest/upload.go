package apitest

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/textproto"
	"strings"
)

// Multipart is the body of a document upload (POST /documents): the
// metadata part, then the file part with its name and, if not empty, its
// declared type. It returns the Content-Type and the body.
func Multipart(meta any, filename, declared string, data []byte) (string, []byte) {
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	mh := textproto.MIMEHeader{}
	mh.Set("Content-Disposition", `form-data; name="metadata"`)
	mh.Set("Content-Type", "application/json")
	mw, _ := w.CreatePart(mh)
	mb, _ := json.Marshal(meta)
	mw.Write(mb)
	fh := textproto.MIMEHeader{}
	fh.Set("Content-Disposition", `form-data; name="file"; filename="`+strings.ReplaceAll(filename, `"`, `\"`)+`"`)
	if declared != "" {
		fh.Set("Content-Type", declared)
	}
	fw, _ := w.CreatePart(fh)
	fw.Write(data)
	w.Close()
	return w.FormDataContentType(), b.Bytes()
}

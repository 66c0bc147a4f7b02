package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strconv"
	"strings"
)

// client talks to one twincms with one admin token.
type client struct {
	base  string
	token string
	http  *http.Client
}

func newClient(base, token string) *client {
	return &client{base: strings.TrimSuffix(base, "/"), token: token, http: newHTTPClient()}
}

// answer is a finished exchange; the body is read whole (soak bodies are
// small) unless discarded.
type answer struct {
	status int
	header http.Header
	body   []byte
}

// do sends one request; body may be nil, []byte (sent with contentType)
// or a value sent as JSON. A path starting with http is an absolute URL.
func (c *client) do(ctx context.Context, method, path string, body any, headers map[string]string) (answer, error) {
	var rd io.Reader
	ct := ""
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			return answer{}, err
		}
		rd, ct = bytes.NewReader(data), "application/json"
	}
	url := path
	if !strings.HasPrefix(path, "http") {
		url = c.base + path
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return answer{}, err
	}
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	if c.token != "" && !strings.HasPrefix(path, "http") && !strings.HasPrefix(path, "/api/v1/public/") {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	res, err := c.http.Do(req)
	if err != nil {
		return answer{}, err
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		return answer{}, err
	}
	return answer{status: res.StatusCode, header: res.Header, body: data}, nil
}

// uploadBody is POST /documents's multipart body: metadata, then file.
func uploadBody(meta any, filename string, data []byte) (string, []byte) {
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	mh := textproto.MIMEHeader{}
	mh.Set("Content-Disposition", `form-data; name="metadata"`)
	mh.Set("Content-Type", "application/json")
	mw, _ := w.CreatePart(mh)
	mb, _ := json.Marshal(meta)
	_, _ = mw.Write(mb)
	fh := textproto.MIMEHeader{}
	fh.Set("Content-Disposition", `form-data; name="file"; filename="`+filename+`"`)
	fw, _ := w.CreatePart(fh)
	_, _ = fw.Write(data)
	_ = w.Close()
	return w.FormDataContentType(), b.Bytes()
}

// facts are the service's runtime figures from /metrics. gcs counts the
// collections it has finished: heap in use between two readings with the
// same count still holds the garbage of the load, which only the next
// collection (by allocation, or the runtime's forced one every 2 min)
// frees.
type facts struct {
	goroutines, heapAlloc, heapInuse, nextGC, rss, gcs float64
}

func (c *client) runtimeFacts(ctx context.Context) (facts, error) {
	a, err := c.do(ctx, "GET", "/metrics", nil, nil)
	if err != nil {
		return facts{}, err
	}
	if a.status != 200 {
		return facts{}, fmt.Errorf("/metrics answered %d", a.status)
	}
	want := map[string]*float64{}
	var f facts
	want["go_goroutines"], want["go_memstats_heap_alloc_bytes"] = &f.goroutines, &f.heapAlloc
	want["go_memstats_heap_inuse_bytes"], want["process_resident_memory_bytes"] = &f.heapInuse, &f.rss
	want["go_memstats_next_gc_bytes"], want["go_gc_duration_seconds_count"] = &f.nextGC, &f.gcs
	sc := bufio.NewScanner(bytes.NewReader(a.body))
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), " ")
		if dst := want[name]; ok && dst != nil {
			*dst, _ = strconv.ParseFloat(value, 64)
		}
	}
	return f, nil
}

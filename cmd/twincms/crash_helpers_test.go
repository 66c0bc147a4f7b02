package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jesenice/twincms/models"
)

// storeState is everything the store holds for documents: records,
// objects, incomplete multipart uploads and checksum claims.
type storeState struct {
	Records, Objects, Incomplete, Claims []string
}

func (st storeState) String() string {
	return fmt.Sprintf("records %v\nobjects %v\nincomplete uploads %v\nclaims %v", st.Records, st.Objects, st.Incomplete, st.Claims)
}

func (s *testServer) storeState(t testing.TB) storeState {
	t.Helper()
	ctx := context.Background()
	var st storeState
	docs, err := s.srv.documents.All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range docs {
		st.Records = append(st.Records, d.ID)
	}
	for k := range s.objectKeys(t) {
		st.Objects = append(st.Objects, k)
	}
	if err := s.srv.objs.IncompleteUploads(ctx, "", func(u models.IncompleteUpload) error {
		st.Incomplete = append(st.Incomplete, u.Key)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	claims, err := s.srv.documents.Claims(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range claims {
		st.Claims = append(st.Claims, c.DocumentID)
	}
	for _, l := range [][]string{st.Records, st.Objects, st.Incomplete, st.Claims} {
		slices.Sort(l)
	}
	return st
}

// expectStoreUnchanged waits (bounded) for the store to be back at want:
// leftovers of a refused upload may be removed just after the answer.
func (s *testServer) expectStoreUnchanged(t testing.TB, want storeState) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		got := s.storeState(t)
		if got.String() == want.String() {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the store changed:\n%s\nwant:\n%s", got, want)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// rawExchange sends head (request line and headers, without the blank
// line) and body over a raw TCP connection, half-closes it (CloseWrite)
// and reads the answer: the client says it sent everything it will.
func rawExchange(t testing.TB, base, head string, body []byte) resp {
	t.Helper()
	conn, err := net.DialTimeout("tcp", strings.TrimPrefix(base, "http://"), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(60 * time.Second))
	// Write errors are expected when the server answers before reading all.
	_, _ = io.Copy(conn, io.MultiReader(strings.NewReader(head+"\r\n\r\n"), bytes.NewReader(body)))
	_ = conn.(*net.TCPConn).CloseWrite()
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer to a cut request: %v", err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	return resp{Status: res.StatusCode, Header: res.Header, Body: data}
}

// uploadHead is the head of POST /api/v1/documents with a given length
// (< 0: chunked).
func uploadHead(contentType string, length int) string {
	h := "POST /api/v1/documents HTTP/1.1\r\nHost: twincms\r\nAuthorization: Bearer " + testAdminToken +
		"\r\nContent-Type: " + contentType
	if length < 0 {
		return h + "\r\nTransfer-Encoding: chunked"
	}
	return h + fmt.Sprintf("\r\nContent-Length: %d", length)
}

// pdfBytes is n bytes that sniff as a PDF and differ by seed.
func pdfBytes(seed string, n int) []byte {
	b := bytes.Repeat([]byte(seed+" "), n/(len(seed)+1)+1)[:n]
	copy(b, "%PDF-1.4\n")
	return b
}

// sibling starts a second instance on s's database and object store, as
// two replicas behind one load balancer would run.
func (s *testServer) sibling(t testing.TB) *testServer {
	t.Helper()
	return s.siblingWith(t, nil)
}

// siblingWith is sibling with more settings (extra wins).
func (s *testServer) siblingWith(t testing.TB, extra map[string]string) *testServer {
	t.Helper()
	env := map[string]string{"TWINCMS_MONGODB_URI": s.srv.embDB.URI(), "TWINCMS_DEMO": "false"}
	if ext := externalS3Env(s.cfg.DataDir); ext != nil {
		for k, v := range ext { // the same external store and bucket
			env[k] = v
		}
		env["TWINCMS_DEMO"] = "false"
	} else {
		b, err := readFile(s.cfg.DataDir + "/s3-credentials.json")
		if err != nil {
			t.Fatal(err)
		}
		var k struct{ Access, Secret string }
		if err := json.Unmarshal(b, &k); err != nil {
			t.Fatal(err)
		}
		env["TWINCMS_S3_ENDPOINT"], env["TWINCMS_S3_ACCESS_KEY"], env["TWINCMS_S3_SECRET_KEY"] = s.srv.embS3.Addr(), k.Access, k.Secret
	}
	for k, v := range extra {
		env[k] = v
	}
	other, err := startTestServer(t.TempDir(), env)
	if err != nil {
		t.Fatal(err)
	}
	return other
}

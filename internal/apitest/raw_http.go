package apitest

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// Helpers that talk raw HTTP over TCP, for requests no HTTP client sends:
// bodies cut short, lengths that lie, chunked bodies cut off.

// RawExchange sends head (request line and headers, without the blank
// line) and body over a raw TCP connection, half-closes it (CloseWrite)
// and reads the answer: the client says it sent everything it will.
func RawExchange(t testing.TB, base, head string, body []byte) Resp {
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
	return Resp{Status: res.StatusCode, Header: res.Header, Body: data}
}

// UploadHead is the head of POST /api/v1/documents as the admin with a
// given length (< 0: chunked).
func UploadHead(contentType string, length int) string {
	h := "POST /api/v1/documents HTTP/1.1\r\nHost: twincms\r\nAuthorization: Bearer " + AdminToken +
		"\r\nContent-Type: " + contentType
	if length < 0 {
		return h + "\r\nTransfer-Encoding: chunked"
	}
	return h + fmt.Sprintf("\r\nContent-Length: %d", length)
}

// RawDo sends raw bytes as a request on a new TCP connection to base and
// reads one response: for requests net/http refuses to send (control
// characters in headers, oversize header sections, broken framing).
func RawDo(t testing.TB, base, raw string) Resp {
	t.Helper()
	conn, err := net.DialTimeout("tcp", strings.TrimPrefix(base, "http://"), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(30 * time.Second))
	if _, err := io.WriteString(conn, raw); err != nil {
		t.Fatalf("write: %v", err)
	}
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("read response: %v", err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	return Resp{Status: res.StatusCode, Header: res.Header, Body: body}
}

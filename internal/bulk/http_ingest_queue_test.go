package bulk_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jesenice/twincms/internal/apitest"
)

// The bags kept in the temp dir while their jobs wait are bounded
// (TWINCMS_MAX_QUEUED_INGEST_BYTES): past it a new bag is 503 with
// Retry-After, before its body is read, keeping nothing; the budget comes
// back when a bag's upload fails and when its job ends.
func TestIngestQueueIsBoundedAndAnswers503WithRetryAfter(t *testing.T) {
	s := apitest.Empty(t, map[string]string{"TWINCMS_MAX_INGEST_BYTES": "16MiB", "TWINCMS_MAX_QUEUED_INGEST_BYTES": "16MiB"})
	ar := s.NewToken(t, "archivist")
	tmp := tempDir(t)
	files := pdfs(12, "queued")
	small := handZip(t, append(bagTags(t, files), payload(files)...))

	// A large bag on its way in holds all but 1 KiB of the budget.
	conn, err := net.Dial("tcp", strings.TrimPrefix(s.Base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /api/v1/archive/ingests HTTP/1.1\r\nHost: twincms\r\nAuthorization: Bearer %s\r\n"+
		"Content-Type: application/zip\r\nContent-Length: %d\r\n\r\n", ar, 16<<20-1<<10)
	if _, err := conn.Write(make([]byte, 5<<20)); err != nil {
		t.Fatal(err)
	}
	apitest.WaitFor(t, 10*time.Second, "the large bag to be spooled", func() bool { return len(ingestTemps(t, tmp)) == 1 })

	before := s.StoreState(t)
	r := submitBag(t, s, ar, small)
	p := apitest.ExpectProblem(t, r, 503, "unavailable")
	if r.Header.Get("Retry-After") != "60" || !strings.Contains(p["detail"].(string), "fill its queue") {
		t.Fatalf("queue full: Retry-After %q, %v", r.Header.Get("Retry-After"), p)
	}
	s.ExpectStoreUnchanged(t, before)
	if left := ingestTemps(t, tmp); len(left) != 1 {
		t.Fatalf("the refused bag was kept: %v", left)
	}

	// The large bag's client goes away: its bytes are given back.
	conn.Close()
	apitest.WaitFor(t, 10*time.Second, "the cut bag's temp file to go", func() bool { return len(ingestTemps(t, tmp)) == 0 })
	var loc string
	apitest.WaitFor(t, 10*time.Second, "the small bag to be taken", func() bool {
		r := submitBag(t, s, ar, small)
		if r.Status == 503 {
			return false
		}
		loc = apitest.Expect(t, r, 202).Header.Get("Location")
		return true
	})
	if job := waitForJob(t, s, ar, loc); job["status"] != "done" || job["stored"].(float64) != 12 {
		t.Fatalf("small bag: %v", job)
	}
	// Its job ended: its bytes are given back and its file removed.
	apitest.WaitFor(t, 10*time.Second, "the ended job's temp file to go", func() bool { return len(ingestTemps(t, tmp)) == 0 })
	more := pdfs(2, "after")
	job := waitForJob(t, s, ar, apitest.Expect(t, submitBag(t, s, ar, handZip(t, append(bagTags(t, more), payload(more)...))), 202).Header.Get("Location"))
	if job["status"] != "done" {
		t.Fatalf("after the queue emptied: %v", job)
	}
	// A bag over the whole budget can never be queued: 413, not 503,
	// answered from its declared length before the rest is read.
	big, err := net.Dial("tcp", strings.TrimPrefix(s.Base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer big.Close()
	fmt.Fprintf(big, "POST /api/v1/archive/ingests HTTP/1.1\r\nHost: twincms\r\nAuthorization: Bearer %s\r\n"+
		"Content-Type: application/zip\r\nContent-Length: %d\r\n\r\n", ar, 17<<20)
	_, _ = big.Write(make([]byte, 5<<20))
	res, err := http.ReadResponse(bufio.NewReader(big), nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	r = apitest.Resp{Status: res.StatusCode, Header: res.Header, Body: body}
	apitest.ExpectProblem(t, r, 413, "too-large")
}

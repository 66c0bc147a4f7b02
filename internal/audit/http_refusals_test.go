package audit_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/jesenice/twincms/internal/apitest"
	"github.com/jesenice/twincms/internal/audit"
)

// A client spraying forged tokens cannot fill the audit log: of one
// address's refused authentications in a minute, RefusedPerMinute are
// recorded one by one and one more says the rest are not; every one is
// still refused. (The requests may span a minute's end: at most two
// windows' worth are recorded.)
func TestRefusalsOfOneClientAreRecordedUpToALimit(t *testing.T) {
	s := apitest.Empty(t, nil) // its own log: the shared server's refusals are other tests'
	const sent = 3 * audit.RefusedPerMinute
	for i := range sent {
		apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/partnerships",
			Token: fmt.Sprintf("forged-token-%04d-0123456789abcdef", i)}), 401, "unauthorized")
	}
	p := auditQuery(t, s, url.Values{"action": {"refused"}, "resource": {"token"}, "per_page": {"100"}})
	notes := 0
	for _, e := range p.Items {
		if strings.Contains(e.Detail, "not recorded until") {
			notes++
		}
		if e.Client != "127.0.0.1" {
			t.Errorf("entry from %q", e.Client)
		}
	}
	if p.Total > 2*(audit.RefusedPerMinute+1) || p.Total < audit.RefusedPerMinute+1 || notes < 1 {
		t.Fatalf("%d refused requests gave %d entries (%d saying the rest are not recorded), want %d to %d with a note",
			sent, p.Total, notes, audit.RefusedPerMinute+1, 2*(audit.RefusedPerMinute+1))
	}
}

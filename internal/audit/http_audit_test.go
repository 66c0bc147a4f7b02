package audit_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jesenice/twincms/internal/apitest"
	"github.com/jesenice/twincms/internal/demo"
)

// The audit log through the real HTTP API: what is recorded, by whom,
// without secrets; filters, paging, the export and retention.

const admin = apitest.AdminToken

// auditEntry is an entry as GET /audit returns it.
type auditEntry struct {
	ID    string `json:"id"`
	At    time.Time
	Actor struct {
		TokenID string `json:"token_id"`
		Name    string `json:"name"`
	} `json:"actor"`
	Action     string   `json:"action"`
	Resource   string   `json:"resource"`
	ResourceID string   `json:"resource_id"`
	Version    int      `json:"version"`
	Fields     []string `json:"fields"`
	RequestID  string   `json:"request_id"`
	Client     string   `json:"client"`
	Detail     string   `json:"detail"`
}

// auditPage is a page of GET /audit.
type auditPage struct {
	Items   []auditEntry `json:"items"`
	Total   int          `json:"total"`
	Page    int          `json:"page"`
	PerPage int          `json:"per_page"`
}

// auditQuery is one page of GET /audit with query.
func auditQuery(t testing.TB, s *apitest.Server, query url.Values) auditPage {
	t.Helper()
	var p auditPage
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/audit?" + query.Encode(), Token: admin}), 200).JSON(t, &p)
	return p
}

// A publish, a patch, refused tokens, a token's creation and revocation
// and a webhook's creation are in the audit log with actor, request id
// and client; no secret is in any entry; filters and paging work.
func TestAuditRecordsChangesAndRefusalsWithoutSecrets(t *testing.T) {
	s := apitest.Shared(t)
	tok := apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/tokens", Token: admin,
		Body: map[string]string{"name": "audited editor", "role": "editor"}}), 201).Map(t)
	secret, tokID := tok["token"].(string), tok["id"].(string)

	created := apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/partnerships", Token: secret, Body: apitest.MinimalPartnership("audit-partner", "Revizija")}), 201)
	pid := created.Map(t)["id"].(string)
	defer s.DeletePartnership(t, pid) // other tests count the shared server's partnerships
	patched := apitest.Expect(t, s.Do(t, apitest.Req{Method: "PATCH", Path: "/api/v1/partnerships/" + pid, Token: secret,
		Headers: map[string]string{"If-Match": created.Header.Get("ETag")}, Body: map[string]any{"sort": 7}}), 200)
	published := apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/partnerships/" + pid + "/publish", Token: secret,
		Headers: map[string]string{"If-Match": patched.Header.Get("ETag")}}), 200)
	hookID, hookSecret := s.CreateWebhook(t, "https://hooks.example.org/twincms", "page.deleted")
	defer s.Do(t, apitest.Req{Method: "DELETE", Path: "/api/v1/webhooks/" + hookID, Token: admin})

	const forged = "tcms_forged-secret-that-is-not-a-token"
	refused := apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/partnerships", Token: forged}), 401, "unauthorized")
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "DELETE", Path: "/api/v1/tokens/" + tokID, Token: admin}), 204)
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/partnerships", Token: secret}), 401, "unauthorized")

	mine := auditQuery(t, s, url.Values{"actor": {tokID}, "per_page": {"100"}})
	if mine.Total != 3 || len(mine.Items) != 3 {
		t.Fatalf("the editor's entries: %+v", mine)
	}
	pub := mine.Items[0] // newest first
	if pub.Action != "publish" || pub.Resource != "partnership" || pub.ResourceID != pid || pub.Version != 3 ||
		pub.Actor.Name != "audited editor" || pub.RequestID != published.Header.Get("X-Request-Id") || pub.Client != "127.0.0.1" {
		t.Fatalf("publish entry %+v", pub)
	}
	if upd := mine.Items[1]; upd.Action != "update" || len(upd.Fields) != 1 || upd.Fields[0] != "sort" {
		t.Fatalf("update entry %+v", upd)
	}

	ref := auditQuery(t, s, url.Values{"action": {"refused"}, "resource": {"token"}, "per_page": {"100"}})
	var sawForged bool
	for _, e := range ref.Items {
		if e.RequestID == refused["request_id"] {
			sawForged = e.Detail != "" && e.Client == "127.0.0.1" && e.Actor.TokenID == ""
		}
	}
	if !sawForged || ref.Total < 2 {
		t.Fatalf("refused entries %+v (want the forged token's request %v)", ref, refused["request_id"])
	}
	revoked := auditQuery(t, s, url.Values{"resource": {"token"}, "action": {"delete"}})
	if revoked.Total < 1 || revoked.Items[0].ResourceID != tokID || revoked.Items[0].Actor.TokenID != "bootstrap" {
		t.Fatalf("revocation %+v", revoked)
	}
	if wh := auditQuery(t, s, url.Values{"resource": {"webhook"}, "action": {"create"}}); wh.Total < 1 || wh.Items[0].ResourceID != hookID {
		t.Fatalf("webhook creation %+v", wh)
	}

	doc := apitest.Expect(t, s.Upload(t, admin, apitest.DocMeta("scan", "Revizija"), "revizija.pdf", "", demo.PlaceholderPDF("audit "+t.Name())), 201)
	docID := doc.Map(t)["id"].(string)
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "DELETE", Path: "/api/v1/documents/" + docID, Token: admin, Headers: map[string]string{"If-Match": doc.Header.Get("ETag")}}), 200)
	if r := auditQuery(t, s, url.Values{"resource": {"document"}, "action": {"withdraw"}}); r.Total < 1 || r.Items[0].ResourceID != docID ||
		r.Items[0].RequestID == "" || r.Items[0].Actor.TokenID != "bootstrap" {
		t.Fatalf("document withdrawal %+v", r)
	}
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/documents/" + docID + "/purge", Token: admin}), 204) // leave the shared store as found

	// Paging and time range.
	p2 := auditQuery(t, s, url.Values{"actor": {tokID}, "per_page": {"1"}, "page": {"2"}})
	if p2.Total != 3 || len(p2.Items) != 1 || p2.Items[0].ID != mine.Items[1].ID || p2.Page != 2 || p2.PerPage != 1 {
		t.Fatalf("page 2: %+v", p2)
	}
	from := pub.At.Add(-time.Millisecond).Format(time.RFC3339Nano)
	to := pub.At.Add(time.Millisecond).Format(time.RFC3339Nano)
	if r := auditQuery(t, s, url.Values{"actor": {"audited editor"}, "from": {from}, "to": {to}}); r.Total != 1 || r.Items[0].ID != pub.ID {
		t.Fatalf("time range: %+v", r)
	}
	if r := auditQuery(t, s, url.Values{"from": {time.Now().Add(time.Hour).Format(time.RFC3339)}}); r.Total != 0 {
		t.Fatalf("future: %+v", r)
	}
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/audit?from=yesterday", Token: admin}), 400, "malformed-request")
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/audit.jsonl?to=soon", Token: admin}), 400, "malformed-request")

	// The JSON Lines export: every line an entry, no secret anywhere.
	export := apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/audit.jsonl", Token: admin}), 200)
	if ct := export.Header.Get("Content-Type"); ct != "application/jsonl" {
		t.Fatalf("content type %q", ct)
	}
	lines := 0
	sc := bufio.NewScanner(bytes.NewReader(export.Body))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var e auditEntry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil || e.ID == "" {
			t.Fatalf("line %d: %s (%v)", lines+1, sc.Bytes(), err)
		}
		lines++
	}
	if lines < 7 {
		t.Fatalf("export has %d lines", lines)
	}
	for _, s := range []string{secret, hookSecret, "whsec_", forged, admin, strings.TrimPrefix(hookSecret, "whsec_")} {
		if bytes.Contains(export.Body, []byte(s)) {
			t.Fatalf("the audit export holds a secret (%.8s…)", s)
		}
	}
	filtered := apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/audit.jsonl?actor=" + tokID, Token: admin}), 200)
	if n := bytes.Count(filtered.Body, []byte("\n")); n != 3 {
		t.Fatalf("filtered export: %d lines", n)
	}
	metrics := string(apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/metrics"}), 200).Body)
	if !strings.Contains(metrics, "twincms_audit_entries_total ") || strings.Contains(metrics, "twincms_audit_entries_total 0\n") {
		t.Fatal("metrics: audit entries not counted")
	}
}

// TWINCMS_AUDIT_RETENTION prunes entries older than it.
func TestAuditRetentionPrunes(t *testing.T) {
	s := apitest.Empty(t, map[string]string{"TWINCMS_AUDIT_RETENTION": "2s"})
	s.NewToken(t, "editor")
	if r := auditQuery(t, s, url.Values{"resource": {"token"}, "action": {"create"}}); r.Total != 1 {
		t.Fatalf("entry %+v", r)
	}
	apitest.WaitFor(t, 30*time.Second, "the entry pruned", func() bool {
		return auditQuery(t, s, url.Values{"resource": {"token"}, "action": {"create"}}).Total == 0
	})
}

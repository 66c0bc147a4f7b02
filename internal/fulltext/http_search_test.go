package fulltext_test

import (
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jesenice/twincms/internal/apitest"
	"github.com/jesenice/twincms/internal/demo"
)

type hit struct {
	ID     string         `json:"id"`
	Title  any            `json:"title"`
	Status string         `json:"status"`
	Search map[string]any `json:"search"`
}

type hits struct {
	Items []hit `json:"items"`
	Total int   `json:"total"`
}

func search(t *testing.T, s *apitest.Server, token, path, q string) hits {
	t.Helper()
	var out hits
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: path + "?" + q, Token: token}), 200).JSON(t, &out)
	return out
}

func titleSL(h hit) string {
	if m, ok := h.Title.(map[string]any); ok {
		s, _ := m["sl"].(string)
		return s
	}
	s, _ := h.Title.(string)
	return s
}

// The demo content through the real API: "Valjevo 1975" and "listina
// valjevo" find the Valjevo charter (partnership name, year, title),
// diacritics fold, Slovenian forms match, every term must match, the
// snippet marks the words, filters and paging combine with q.
func TestArchiveFullTextSearchOnDemoContent(t *testing.T) {
	s, err := apitest.Start(t.TempDir(), map[string]string{"TWINCMS_DEMO": "true"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ar := s.NewToken(t, "archivist")
	find := func(q string) hits { return search(t, s, ar, "/api/v1/archive/documents", q) }
	for _, q := range []string{"Valjevo 1975", "listina valjevo", "LISTINE Valjeva"} {
		got := find("q=" + url.QueryEscape(q))
		if got.Total != 1 || !strings.Contains(strings.ToLower(got.Items[0].Search["snippet"].(string)), "<mark>valjevo</mark>") {
			t.Fatalf("%q found %+v", q, got)
		}
	}
	if got := find("q=" + url.QueryEscape("valjevo 2009")); got.Total != 0 {
		t.Errorf("every term must match: valjevo 2009 found %d", got.Total)
	}
	tr := find("q=cezmejno")
	if tr.Total != 1 || !strings.Contains(titleSL(tr.Items[0]), "čezmejnem") || !strings.Contains(tr.Items[0].Search["snippet"].(string), "<mark>čezmejnem</mark>") {
		t.Fatalf("cezmejno found %+v", tr)
	}
	// Ranked: the two charters' titles say "listina"; kind filter combines.
	ch := find("q=listina&kind=charter&per_page=1")
	if ch.Total != 2 || len(ch.Items) != 1 {
		t.Fatalf("listina&kind=charter paged: %+v", ch)
	}
	second := find("q=listina&kind=charter&per_page=1&page=2")
	if len(second.Items) != 1 || second.Items[0].ID == ch.Items[0].ID {
		t.Fatalf("page 2: %+v", second)
	}
	if got := find("q=listina&year_from=1976"); got.Total != 1 {
		t.Errorf("year_from with q: %+v", got)
	}
	// German forms: "Partnerschaftsurkunden" finds the German title.
	if got := find("q=Partnerschaftsurkunden"); got.Total != 2 {
		t.Errorf("German plural found %d", got.Total)
	}
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/archive/documents?q=x&year_from=abc", Token: ar}), 400, "malformed-request")
}

// The public search finds published documents only, with localized
// titles and signed links; a withdrawn one disappears at once.
func TestPublicSearchNeverFindsWithdrawnDocuments(t *testing.T) {
	s, err := apitest.Start(t.TempDir(), map[string]string{"TWINCMS_DEMO": "true"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	pub := func(q string) hits { return search(t, s, "", "/api/v1/public/documents", q) }
	got := pub("q=" + url.QueryEscape("Valjevo 1975") + "&locale=en")
	if got.Total != 1 || titleSL(got.Items[0]) != "Twinning charter" {
		t.Fatalf("public Valjevo 1975: %+v", got)
	}
	id := got.Items[0].ID
	all := pub("")
	if all.Total < 7 {
		t.Errorf("public list without q: %d", all.Total)
	}
	ed := s.NewToken(t, "editor")
	var doc map[string]any
	doc = apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/documents/" + id, Token: ed}), 200).Map(t)
	withdraw := func() apitest.Resp {
		return s.Do(t, apitest.Req{Method: "DELETE", Path: "/api/v1/documents/" + id, Token: ed, Headers: apitest.IfMatch(int(doc["version"].(float64)))})
	}
	// Valjevo's page shows it: withdrawn only while Valjevo is unpublished
	// (the refusal names it), then Valjevo is published again without it.
	uses := apitest.ExpectProblem(t, withdraw(), 409, "conflict")["used_by"].([]any)
	valjevo := "/api/v1/partnerships/" + uses[0].(map[string]any)["id"].(string)
	cur := apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: valjevo, Token: ed}), 200)
	cur = apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: valjevo + "/unpublish", Token: ed, Headers: map[string]string{"If-Match": cur.Header.Get("ETag")}}), 200)
	apitest.Expect(t, withdraw(), 200)
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: valjevo + "/publish", Token: ed, Headers: map[string]string{"If-Match": cur.Header.Get("ETag")}}), 200)
	for _, q := range []string{"q=valjevo", "q=listina", ""} {
		for _, h := range pub(q).Items {
			if h.ID == id {
				t.Fatalf("withdrawn document found publicly by %q", q)
			}
		}
	}
	// The archive still finds it, withdrawn.
	ar := s.NewToken(t, "archivist")
	if got := search(t, s, ar, "/api/v1/archive/documents", "q=valjevo&status=withdrawn"); got.Total != 1 || got.Items[0].ID != id {
		t.Errorf("archive withdrawn: %+v", got)
	}
}

// A document uploaded on one instance is found on another within the
// staleness bound (document index poll + search poll), and renaming its
// partnership makes it findable by the new name.
func TestTwoInstancesFindANewDocument(t *testing.T) {
	a := apitest.Empty(t, nil)
	b := a.Sibling(t, nil)
	ed, arA := a.NewToken(t, "editor"), a.NewToken(t, "archivist")
	arB := b.NewToken(t, "archivist")
	up := apitest.Expect(t, a.Upload(t, ed, map[string]any{"kind": "publication", "title": map[string]string{"sl": "Zbornik o železarni"},
		"provenance": map[string]string{"archival_ref": "SI-ZAL-JES/0042", "notes": "Jubilejna izdaja ob stoletnici"}},
		"zbornik.pdf", "", demo.PlaceholderPDF("zbornik")), 201).Map(t)
	id := up["id"].(string)
	// Read-your-writes on the writing instance.
	if got := search(t, a, arA, "/api/v1/archive/documents", "q=zelezarni"); got.Total != 1 || got.Items[0].ID != id {
		t.Fatalf("instance A: %+v", got)
	}
	start := time.Now()
	apitest.WaitFor(t, 10*time.Second, "instance B to find the new document", func() bool {
		got := search(t, b, arB, "/api/v1/archive/documents", "q="+url.QueryEscape("stoletnici 0042"))
		return got.Total == 1 && got.Items[0].ID == id
	})
	t.Logf("found on the second instance after %v", time.Since(start))
	if got := search(t, b, arB, "/api/v1/archive/documents", "q=jubilejna"); !slices.ContainsFunc(got.Items, func(h hit) bool { return h.ID == id }) {
		t.Errorf("notes not searched: %+v", got)
	}
}

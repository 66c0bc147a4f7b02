package fulltext

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jesenice/twincms/models"
)

type fakeRecords []*models.Document

func (f fakeRecords) All(context.Context) ([]*models.Document, error) { return f, nil }

type fakeTexts map[string]string

func (f fakeTexts) Text(_ context.Context, d *models.Document) (string, error) { return f[d.ID], nil }

func doc(id, title string, year int, text bool) *models.Document {
	d := &models.Document{ID: id, Kind: models.KindCharter, Title: models.Localized{"sl": title}, Status: models.DocumentActive,
		Version: 1, Year: year, CreatedAt: time.Now()}
	if text {
		d.Text = &models.TextFacts{Status: models.TextDone, Key: models.TextKey(id)}
	}
	return d
}

func TestStemSlovenian(t *testing.T) {
	for in, want := range map[string]string{"listina": "listin", "listine": "listin", "listinami": "listin",
		"pobratenju": "pobraten", "pobratenje": "pobraten", "cezmejnem": "cezmejn", "cezmejno": "cezmejn",
		"leto": "leto", "1975": "1975", "jesenicah": "jesenic"} {
		if got := stemSlovenian(in); got != want {
			t.Errorf("stemSlovenian(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTerms(t *testing.T) {
	got := Terms(`  Valjevo  "listina o pobratenju" 1975 - "" `)
	if want := []string{"Valjevo", `"listina o pobratenju"`, "1975"}; !slices.Equal(got, want) {
		t.Fatalf("Terms = %q, want %q", got, want)
	}
}

func TestSearchFoldsStemsRanksAndHighlights(t *testing.T) {
	x, err := Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	recs := fakeRecords{doc("a", "Listina o pobratenju", 1975, false), doc("b", "Dogovor o čezmejnem sodelovanju", 2009, true),
		doc("c", "Jubilejni zbornik", 2019, true)}
	recs[1].Kind = models.KindAgreement
	texts := fakeTexts{"b": "Občini Jesenice in Trbiž sta podpisali dogovor o čezmejnem sodelovanju <script>.",
		"c": "Die Partnerschaftsurkunden der Gemeinden wurden 1994 unterzeichnet. Listina je bila podpisana."}
	s := NewSync(SyncConfig{Index: x, Records: recs, Texts: texts})
	if err := s.Once(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	find := func(q string) Result {
		t.Helper()
		r, err := x.Search(ctx, Query{Text: q, Page: 1, PerPage: 10})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	ids := func(r Result) []string {
		var out []string
		for _, h := range r.Hits {
			out = append(out, h.ID)
		}
		return out
	}
	if got := ids(find("cezmejno")); !slices.Equal(got, []string{"b"}) {
		t.Errorf("cezmejno found %v", got)
	}
	if got := ids(find("listina 1975")); !slices.Equal(got, []string{"a"}) {
		t.Errorf("listina 1975 found %v (every term must match)", got)
	}
	r := find("listine")
	if got := ids(r); len(got) != 2 || got[0] != "a" {
		t.Errorf("listine found %v, want a (title) before c (text)", got)
	}
	if got := ids(find("Partnerschaftsurkunde")); !slices.Equal(got, []string{"c"}) {
		t.Errorf("German singular found %v", got)
	}
	b := find("trbiz")
	if len(b.Hits) != 1 || !strings.Contains(b.Hits[0].Snippet, "<mark>Trbiž</mark>") || strings.Contains(b.Hits[0].Snippet, "<script>") {
		t.Errorf("snippet %+v", b.Hits)
	}
	if !slices.Equal(b.Hits[0].Terms, []string{"Trbiž"}) {
		t.Errorf("terms %q", b.Hits[0].Terms)
	}
	y, err := x.Search(ctx, Query{Text: "listina", YearFrom: 2000, Page: 1, PerPage: 10})
	if err != nil || !slices.Equal(ids(y), []string{"c"}) {
		t.Errorf("filter with q: %v %v", ids(y), err)
	}
	only, _ := x.Search(ctx, Query{Text: "listina", OnlyIDs: []string{}, Page: 1, PerPage: 10})
	if only.Total != 0 {
		t.Errorf("empty OnlyIDs found %d", only.Total)
	}
}

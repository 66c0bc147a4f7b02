package docindex

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/jesenice/twincms/models"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func doc(i int, kind models.DocumentKind, part string, year int) *models.Document {
	d := &models.Document{ID: fmt.Sprintf("%024x", i), File: models.FileFacts{SHA256: fmt.Sprintf("sum-%d", i), OriginalFilename: fmt.Sprintf("f-%d.pdf", i)},
		Status: models.DocumentActive, Version: 1, CreatedAt: t0.Add(time.Duration(i%7) * time.Minute)}
	date := ""
	if year > 0 {
		date = fmt.Sprint(year)
	}
	d.Apply(models.DocumentInput{Kind: kind, Title: models.Localized{"sl": fmt.Sprintf("Listina Trbiž %d", i)}, PartnershipIDs: []string{part},
		Provenance: models.Provenance{ArchivalRef: fmt.Sprintf("REF-%d", i), OriginalDate: date}})
	return d
}

// reference answers q by filtering and sorting the whole set, as the
// database does.
func reference(all []*models.Document, q models.DocumentQuery) []string {
	match := matcher(q)
	var hits []*models.Document
	for _, d := range all {
		if match(d) {
			hits = append(hits, d)
		}
	}
	slices.SortFunc(hits, compare)
	var ids []string
	for i, d := range hits {
		if i >= (q.Page-1)*q.PerPage && len(ids) < q.PerPage {
			ids = append(ids, d.ID)
		}
	}
	return ids
}

func TestQueryMatchesAFullScan(t *testing.T) {
	x := New()
	var all []*models.Document
	kinds := []models.DocumentKind{models.KindScan, models.KindCharter, models.KindAgreement}
	for i := range 300 {
		d := doc(i, kinds[i%3], fmt.Sprintf("p%d", i%5), []int{0, 1960, 1975, 1990}[i%4])
		if i%11 == 0 {
			d.Status = models.DocumentWithdrawn
		}
		all = append(all, d)
	}
	x.FinishLoad(slices.Clone(all)) // no BeginLoad: a plain load
	// New versions (renamed) and removals leave dead trigram postings.
	for i := 0; i < 300; i += 7 {
		v := Clone(all[i])
		v.Version++
		v.Title = models.Localized{"sl": fmt.Sprintf("Preimenovan Žiri %d", i)}
		v.Apply(v.Input())
		x.Put(v)
		all[i] = v
	}
	for i := 299; i > 0; i -= 13 {
		x.Remove(all[i].ID)
		all = slices.Delete(all, i, i+1)
	}
	for _, q := range []models.DocumentQuery{
		{},
		{Kind: models.KindCharter},
		{Status: models.DocumentWithdrawn},
		{Partnership: "p3"},
		{Partnership: "p3", Kind: models.KindScan},
		{SHA256: "sum-42"},
		{Q: "trbiz 1"},
		{Q: "REF-29"},
		{Q: "ziri 14"},
		{Q: "Listina Trbiž 2"},
		{Q: "-2"},
		{Q: "ref-28", Kind: models.KindCharter},
		{YearFrom: 1970},
		{YearTo: 1970},
		{YearFrom: 1970, YearTo: 1980, AlsoIDs: []string{all[1].ID}},
		{YearFrom: 1975, YearTo: 1975},
		{YearFrom: 1975, YearTo: 1975, AlsoIDs: []string{all[1].ID, all[1].ID, all[2].ID, all[3].ID, "gone"}},
		{YearFrom: 1960, YearTo: 1975, Kind: models.KindCharter},
		{Status: models.DocumentActive, Kind: models.KindScan},
		{Status: models.DocumentWithdrawn, Partnership: "p2"},
		{Kind: models.KindAgreement, Q: "trbiz"},
		{Partnership: "nobody"},
	} {
		for _, page := range []int{1, 2, 7} {
			q.Page, q.PerPage = page, 20
			got := x.Query(q)
			var ids []string
			for _, d := range got.Items {
				ids = append(ids, d.ID)
			}
			want := reference(all, q)
			if !slices.Equal(ids, want) {
				t.Fatalf("%+v: got %v, want %v", q, ids, want)
			}
			total := len(reference(all, models.DocumentQuery{Kind: q.Kind, Status: q.Status, Partnership: q.Partnership, SHA256: q.SHA256, Q: q.Q,
				YearFrom: q.YearFrom, YearTo: q.YearTo, AlsoIDs: q.AlsoIDs, Page: 1, PerPage: 1 << 30}))
			if got.Total != int64(total) {
				t.Fatalf("%+v: total %d, want %d", q, got.Total, total)
			}
		}
	}
}

func TestPutRemoveAndCopies(t *testing.T) {
	x := New()
	d := doc(1, models.KindScan, "p1", 1970)
	x.Put(d)
	d.Title["sl"] = "changed by the caller"
	got, _ := x.Get(d.ID)
	if got.Title["sl"] == "changed by the caller" {
		t.Fatal("the index shares the caller's record")
	}
	got.PartnershipIDs[0] = "p9"
	if again, _ := x.Get(d.ID); again.PartnershipIDs[0] != "p1" {
		t.Fatal("a copy from Get changed the index")
	}
	v2 := Clone(got)
	v2.Version, v2.PartnershipIDs, v2.Status = 2, []string{"p2"}, models.DocumentWithdrawn
	x.Put(v2)
	x.Put(got) // version 1 again: older, ignored
	if cur, _ := x.Get(d.ID); cur.Version != 2 {
		t.Fatalf("version %d after an older put, want 2", cur.Version)
	}
	if l := x.Query(models.DocumentQuery{Partnership: "p1", Page: 1, PerPage: 10}); l.Total != 0 {
		t.Fatal("the old partnership still finds the record")
	}
	if _, ok := x.Active(d.File.SHA256); ok {
		t.Fatal("a withdrawn record counts as active")
	}
	x.Remove(d.ID)
	if _, ok := x.Get(d.ID); ok || x.Len() != 0 || !x.keyed.empty() {
		t.Fatal("a removed record is still indexed")
	}
}

// Writes made while a reload reads the store survive the reload: a later
// version wins, a removal stays removed.
func TestReloadKeepsWritesMadeMeanwhile(t *testing.T) {
	x := New()
	a, b, c := doc(1, models.KindScan, "p", 0), doc(2, models.KindScan, "p", 0), doc(3, models.KindScan, "p", 0)
	x.FinishLoad([]*models.Document{a, b})
	x.BeginLoad()
	// What the reload read: a at version 1, b, not yet c.
	read := []*models.Document{Clone(a), Clone(b)}
	a2 := Clone(a)
	a2.Version, a2.Title = 2, models.Localized{"sl": "nova"}
	x.Put(a2)
	x.Put(c)
	x.Remove(b.ID)
	x.FinishLoad(read)
	if got, _ := x.Get(a.ID); got.Version != 2 {
		t.Fatalf("a at version %d, want 2", got.Version)
	}
	if _, ok := x.Get(b.ID); ok {
		t.Fatal("a removed record came back")
	}
	if _, ok := x.Get(c.ID); !ok {
		t.Fatal("a record put during the reload was lost")
	}
	if l := x.Query(models.DocumentQuery{Page: 1, PerPage: 10}); l.Total != 2 {
		t.Fatalf("%d records, want 2", l.Total)
	}
}

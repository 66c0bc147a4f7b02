package demo_test

import (
	"context"
	"errors"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/jesenice/twincms/internal/apitest"
	"github.com/jesenice/twincms/internal/demo"
	"github.com/jesenice/twincms/internal/storage"
	"github.com/jesenice/twincms/models"
)

// seedPage is the municipality's page as it publishes it (testdata): the
// reference the demo content is checked against.
func seedPage(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../../testdata/pobratene-obcine.txt")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// The seed page, as the municipality publishes it, is the reference: every
// fact on it must be found in the demo content through the editor API.
func TestDemoHoldsEveryFactOfTheSeedPage(t *testing.T) {
	shared := apitest.Shared(t)
	seed := seedPage(t)
	ed := shared.NewToken(t, "editor")
	type agreement struct {
		Kind    string            `json:"kind"`
		Title   map[string]string `json:"title"`
		Year    int               `json:"year"`
		Parties map[string]string `json:"parties"`
	}
	type partnership struct {
		Slug    string `json:"slug"`
		Status  string `json:"status"`
		Partner struct {
			Name         map[string]string `json:"name"`
			OfficialName map[string]string `json:"official_name"`
			Country      string            `json:"country"`
			Website      string            `json:"website"`
		} `json:"partner"`
		Agreements []agreement       `json:"agreements"`
		Areas      []string          `json:"areas"`
		Summary    map[string]string `json:"summary"`
		Sort       int               `json:"sort"`
	}
	var list struct {
		Items []partnership `json:"items"`
	}
	apitest.Expect(t, shared.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/partnerships?status=published&sort=sort", Token: ed}), 200).JSON(t, &list)

	want := []struct {
		slug, name, country, website, kind, title, parties string
		year                                               int
		areas                                              string
	}{
		{"valjevo", "Valjevo", "RS", "www.valjevo.rs", "charter", "Listina o pobratenju", "Skupščini občine Jesenice in občine Valjevo", 1975, ""},
		{"trbovlje", "Trbovlje", "SI", "www.trbovlje.si", "charter", "Listina o pobratenju", "Skupščini občin Jesenice in Trbovlje", 1978, "all_areas,socio_political,economy,culture,education,upbringing,sport"},
		{"nagold", "Nagold", "DE", "https://www.nagold.de/Tourismus", "cooperation_agreement", "Pogodba o sodelovanju", "Občina Jesenice in Stadt Nagold (Mesto Nagold)", 1994, "sport,culture,education,associations,administration"},
		{"sentjakob-v-rozu", "Šentjakob v Rožu", "AT", "www.st-jakob-rosental.gv.at", "partnership_agreement", "Pogodba o partnerskem sodelovanju", "Občina Jesenice in Občina Šentjakob v Rožu", 2007, "culture,sport,tourism,firefighting,schooling,upbringing"},
		{"trbiz", "Trbiž", "IT", "www.comuneditarvisio.com", "cross_border_agreement", "Dogovor o čezmejnem sodelovanju", "Občina Jesenice in Občina Trbiž", 2009, "tourism,economy,education,cross_border_projects"},
	}
	if len(list.Items) != len(want) {
		t.Fatalf("%d published partnerships, want %d", len(list.Items), len(want))
	}
	tags := regexp.MustCompile(`<[^>]+>`)
	for i, w := range want {
		got := list.Items[i]
		a := got.Agreements[0]
		switch {
		case got.Slug != w.slug, got.Partner.Name["sl"] != w.name, got.Partner.Country != w.country:
			t.Errorf("%d: %s %q %s, want %s %q %s", i, got.Slug, got.Partner.Name["sl"], got.Partner.Country, w.slug, w.name, w.country)
		case !strings.Contains(got.Partner.Website, w.website):
			t.Errorf("%s: website %s does not hold %s", w.slug, got.Partner.Website, w.website)
		case a.Kind != w.kind || a.Title["sl"] != w.title || a.Year != w.year || a.Parties["sl"] != w.parties:
			t.Errorf("%s: agreement %+v", w.slug, a)
		case strings.Join(got.Areas, ",") != w.areas:
			t.Errorf("%s: areas %v, want %s", w.slug, got.Areas, w.areas)
		case got.Summary["en"] == "" || got.Summary["de"] == "":
			t.Errorf("%s: no English or German translation", w.slug)
		}
		// The paragraph is the page's own text, word for word.
		paragraph := strings.TrimSpace(tags.ReplaceAllString(got.Summary["sl"], ""))
		if !strings.Contains(seed, paragraph) {
			t.Errorf("%s: summary is not the seed page's paragraph: %q", w.slug, paragraph)
		}
		// The page's agreement title and website appear on the seed page.
		for _, fact := range []string{w.title, w.website, w.parties} {
			if !strings.Contains(seed, fact) {
				t.Errorf("%s: %q is not on the seed page (test data drifted)", w.slug, fact)
			}
		}
	}
	if list.Items[1].Partner.Name["sl"] != "Trbovlje" || list.Items[4].Partner.Name["it"] != "Tarvisio" || list.Items[0].Partner.Name["sr"] != "Ваљево" {
		t.Error("Italian name of Trbiž or Serbian name of Valjevo missing")
	}

	page := apitest.Expect(t, shared.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/public/pages/pobratene-obcine"}), 200).Map(t)
	intro := page["blocks"].([]any)[0].(map[string]any)["body"].(string)
	if page["title"] != "Pobratene in prijateljske občine" ||
		!strings.Contains(seed, strings.TrimSpace(tags.ReplaceAllString(intro, ""))) ||
		len(page["partnerships"].([]any)) != 5 {
		t.Fatalf("public page: title %v, intro %q, %d partnerships", page["title"], intro, len(page["partnerships"].([]any)))
	}
}

// Loading the demo again never duplicates, even when the "loaded" flag is
// lost (a load interrupted before it was set).
func TestDemoLoadIsIdempotent(t *testing.T) {
	shared := apitest.Shared(t)
	ed := shared.NewToken(t, "editor")
	before := apitest.PartnershipTotal(t, shared, ed)
	in := shared.CMS
	for _, flags := range []demo.Flags{storage.NewFlags(in.DB), forgetful{}} {
		l := demo.Loader{Content: in.Content, Documents: in.Ingest, Flags: flags, Logger: apitest.Logger()}
		if err := l.LoadOnce(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if after := apitest.PartnershipTotal(t, shared, ed); after != before {
		t.Fatalf("partnerships %d → %d after loading the demo again", before, after)
	}
}

// forgetful flags never remember, as after a crash before the flag was set.
type forgetful struct{}

func (forgetful) IsSet(context.Context, string) (bool, error) { return false, nil }
func (forgetful) Set(context.Context, string) error           { return nil }

// The page's documents and crests are in the demo: 8 documents with the
// titles the page writes, one crest per partner, linked to partnerships.
func TestDemoHasThePageDocumentsAndCrests(t *testing.T) {
	shared := apitest.Shared(t)
	seed := seedPage(t)
	ed := shared.NewToken(t, "editor")
	var parts struct {
		Items []struct {
			ID        string `json:"id"`
			Slug      string `json:"slug"`
			CrestID   string `json:"crest_id"`
			Documents []struct {
				DocumentID string `json:"document_id"`
				Role       string `json:"role"`
			} `json:"documents"`
			Agreements []struct {
				DocumentID string `json:"document_id"`
			} `json:"agreements"`
		} `json:"items"`
	}
	apitest.Expect(t, shared.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/partnerships?status=published&sort=sort", Token: ed}), 200).JSON(t, &parts)
	docs := 0
	distinct := map[string]bool{}
	for _, p := range parts.Items {
		crest := apitest.Expect(t, shared.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/documents/" + p.CrestID, Token: ed}), 200).Map(t)
		if crest["kind"] != "crest" || len(crest["renditions"].([]any)) < 3 { // 64 and 256 px as PNG, and as WebP where smaller
			t.Errorf("%s: crest %v", p.Slug, crest)
		}
		if p.Agreements[0].DocumentID == "" {
			t.Errorf("%s: the agreement has no document", p.Slug)
		}
		for _, ref := range p.Documents {
			d := apitest.Expect(t, shared.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/documents/" + ref.DocumentID, Token: ed}), 200).Map(t)
			title := d["title"].(map[string]any)["sl"].(string)
			if !strings.Contains(seed, title) || d["file"].(map[string]any)["content_type"] != "application/pdf" {
				t.Errorf("%s: document %q is not on the seed page or not a PDF", p.Slug, title)
			}
			docs++
			distinct[ref.DocumentID] = true
		}
	}
	if docs != 8 || len(distinct) != 8 {
		t.Fatalf("%d demo document links to %d documents, want the page's 8", docs, len(distinct))
	}
}

// crestMixUp stores files as the real ingest does but hands back, for a
// crest, the id of the document stored before it (a scan): a mix-up the
// reference check must catch.
type crestMixUp struct {
	real demo.Ingester
	last string
}

func (m *crestMixUp) Ingest(ctx context.Context, f models.IncomingFile, in models.DocumentInput) (*models.Document, error) {
	d, err := m.real.Ingest(ctx, f, in)
	if err != nil || in.Kind != models.KindCrest {
		if err == nil {
			m.last = d.ID
		}
		return d, err
	}
	wrong := *d
	wrong.ID = m.last
	return &wrong, nil
}

// Demo loading writes through the content service, so it checks
// references as the API does: a partnership whose crest is not a crest is
// refused and not published.
func TestDemoLoadChecksReferences(t *testing.T) {
	s := apitest.Empty(t, nil)
	in := s.CMS
	l := demo.Loader{Content: in.Content, Documents: &crestMixUp{real: in.Ingest}, Flags: forgetful{}, Logger: apitest.Logger()}
	err := l.LoadOnce(context.Background())
	if err == nil || !errors.Is(err, models.ErrInvalid) || !regexp.MustCompile(`crest_id: document [0-9a-f]{24} is a \w+, not a crest`).MatchString(err.Error()) {
		t.Fatalf("demo load with a mixed-up crest: %v", err)
	}
	ed := s.NewToken(t, "editor")
	if n := apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/partnerships?status=published", Token: ed}), 200).Map(t)["total"]; n != 0.0 {
		t.Fatalf("%v partnerships published after a refused load", n)
	}
}

package oai_test

import (
	"encoding/xml"
	"github.com/jesenice/twincms/internal/testtools"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jesenice/twincms/internal/apitest"
)

// envelope is what the tests read of a response.
type envelope struct {
	Request struct {
		Verb string `xml:"verb,attr"`
	} `xml:"request"`
	Error []struct {
		Code string `xml:"code,attr"`
	} `xml:"error"`
	Identify struct {
		DeletedRecord string `xml:"deletedRecord"`
		Granularity   string `xml:"granularity"`
	} `xml:"Identify"`
	Sets    []string `xml:"ListSets>set>setSpec"`
	Headers []header `xml:"ListIdentifiers>header"`
	Records []struct {
		Header header   `xml:"header"`
		Titles []string `xml:"metadata>dc>title"`
	} `xml:"ListRecords>record"`
	Got struct {
		Header header   `xml:"header"`
		Titles []string `xml:"metadata>dc>title"`
	} `xml:"GetRecord>record"`
	Token    *resumption `xml:"ListIdentifiers>resumptionToken"`
	RecToken *resumption `xml:"ListRecords>resumptionToken"`
}

type header struct {
	Status     string   `xml:"status,attr"`
	Identifier string   `xml:"identifier"`
	Datestamp  string   `xml:"datestamp"`
	Sets       []string `xml:"setSpec"`
}

type resumption struct {
	Value   string `xml:",chardata"`
	Size    int    `xml:"completeListSize,attr"`
	Cursor  int    `xml:"cursor,attr"`
	Expires string `xml:"expirationDate,attr"`
}

// validate checks body against the official OAI-PMH and oai_dc schemas
// with xmllint (libxml2-utils), offline.
func validate(t *testing.T, body []byte) {
	t.Helper()
	testtools.Need(t, "libxml2-utils", "xmllint")
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		t.Fatal(err)
	}
	f := filepath.Join(t.TempDir(), "response.xml")
	if err := os.WriteFile(f, body, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(xmllint, "--noout", "--nonet", "--schema", "testdata/schemas/harvest.xsd", f).CombinedOutput()
	if err != nil {
		t.Fatalf("response does not validate: %v\n%s\nbody: %.2000s", err, out, body)
	}
}

// oai sends one GET /oai, validates the answer and decodes it.
func oai(t *testing.T, query string) (envelope, []byte) {
	t.Helper()
	r := apitest.Expect(t, srv.Do(t, apitest.Req{Method: "GET", Path: "/oai?" + query}), 200)
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/xml") {
		t.Fatalf("Content-Type %q", ct)
	}
	validate(t, r.Body)
	var e envelope
	if err := xml.Unmarshal(r.Body, &e); err != nil {
		t.Fatalf("decode: %v\n%s", err, r.Body)
	}
	return e, r.Body
}

// listAll pages through a list verb, checking every page, and returns
// the headers in order.
func listAll(t *testing.T, verb, query string) ([]header, int) {
	t.Helper()
	var all []header
	pages := 0
	q := "verb=" + verb + "&" + query
	for {
		e, body := oai(t, q)
		pages++
		if len(e.Error) > 0 {
			t.Fatalf("%s: error %s", q, body)
		}
		tok := e.Token
		if verb == "ListRecords" {
			tok = e.RecToken
			for _, r := range e.Records {
				if r.Header.Status != "deleted" && len(r.Titles) == 0 {
					t.Errorf("record %s has no dc:title", r.Header.Identifier)
				}
				all = append(all, r.Header)
			}
		} else {
			all = append(all, e.Headers...)
		}
		if tok == nil {
			return all, pages
		}
		if tok.Cursor != len(all)-len(e.Headers)-len(e.Records) {
			t.Errorf("cursor %d, want %d", tok.Cursor, len(all)-len(e.Headers)-len(e.Records))
		}
		if tok.Value == "" {
			if tok.Size != len(all) {
				t.Errorf("completeListSize %d, harvested %d", tok.Size, len(all))
			}
			return all, pages
		}
		if tok.Expires == "" {
			t.Error("a resumption token without expirationDate")
		}
		q = "verb=" + verb + "&resumptionToken=" + url.QueryEscape(tok.Value)
	}
}

func ids(hs []header) map[string]bool {
	m := map[string]bool{}
	for _, h := range hs {
		m[h.Identifier] = true
	}
	return m
}

// A full harvest: every verb, lists across several resumption pages,
// each response valid against the official schemas.
func TestHarvestValidates(t *testing.T) {
	e, _ := oai(t, "verb=Identify")
	if e.Identify.DeletedRecord != "persistent" || e.Identify.Granularity != "YYYY-MM-DDThh:mm:ssZ" {
		t.Errorf("Identify %+v", e.Identify)
	}
	oai(t, "verb=ListMetadataFormats")
	e, _ = oai(t, "verb=ListSets")
	if !strings.Contains(strings.Join(e.Sets, " "), "partnership:nagold") || !strings.Contains(strings.Join(e.Sets, " "), "kind:crest") {
		t.Errorf("sets %v", e.Sets)
	}
	heads, pages := listAll(t, "ListIdentifiers", "metadataPrefix=oai_dc")
	if pages < 3 {
		t.Errorf("%d records in %d pages of 3", len(heads), pages)
	}
	if len(ids(heads)) != len(heads) {
		t.Errorf("a record was listed twice: %v", heads)
	}
	recs, _ := listAll(t, "ListRecords", "metadataPrefix=oai_dc")
	if len(recs) != len(heads) {
		t.Errorf("ListRecords %d, ListIdentifiers %d", len(recs), len(heads))
	}
	var partnership, document string
	for _, h := range heads {
		if strings.Contains(h.Identifier, ":partnership/") {
			partnership = h.Identifier
		} else if strings.Contains(h.Identifier, ":document/") {
			document = h.Identifier
		}
	}
	if partnership == "" || document == "" {
		t.Fatalf("want partnerships and documents: %v", heads)
	}
	for _, id := range []string{partnership, document} {
		e, body := oai(t, "verb=GetRecord&metadataPrefix=oai_dc&identifier="+url.QueryEscape(id))
		if len(e.Got.Titles) == 0 {
			t.Errorf("GetRecord %s: no title", id)
		}
		// The record links to the partnership's public address, which answers.
		link := regexp.MustCompile(`>(http://[^<]+/api/v1/public/partnerships/[a-z0-9-]+)<`).FindSubmatch(body)
		if link == nil {
			t.Fatalf("GetRecord %s: no public partnership link in %s", id, body)
		}
		apitest.Expect(t, apitest.Fetch(t, string(link[1]), nil), 200)
		oai(t, "verb=ListMetadataFormats&identifier="+url.QueryEscape(id))
	}
	// A set: the crests only.
	crests, _ := listAll(t, "ListIdentifiers", "metadataPrefix=oai_dc&set=kind:crest")
	for _, h := range crests {
		if !strings.Contains(strings.Join(h.Sets, " "), "kind:crest") {
			t.Errorf("set kind:crest listed %+v", h)
		}
	}
	if len(crests) == 0 || len(crests) >= len(heads) {
		t.Errorf("kind:crest has %d of %d", len(crests), len(heads))
	}
	// POST takes the arguments as a form.
	r := apitest.Expect(t, srv.Do(t, apitest.Req{Method: "POST", Path: "/oai", Body: "verb=Identify",
		Headers: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}}), 200)
	validate(t, r.Body)
	apitest.ExpectProblem(t, srv.Do(t, apitest.Req{Method: "POST", Path: "/oai", Body: `{"verb":"Identify"}`,
		Headers: map[string]string{"Content-Type": "application/json"}}), 415, "unsupported-media-type")
}

// nextSecond waits for a new second and returns it as an OAI datestamp:
// everything changed from now on has a datestamp at or after it.
func nextSecond() string {
	now := time.Now().UTC()
	next := now.Truncate(time.Second).Add(time.Second)
	time.Sleep(next.Sub(now) + 10*time.Millisecond)
	return next.Format("2006-01-02T15:04:05Z")
}

// A harvest from a moment returns exactly what changed after it; a
// partnership taken off the site (unpublished) becomes a deleted record.
func TestHarvestFromReturnsExactlyTheChangedRecords(t *testing.T) {
	oai(t, "verb=Identify") // records in step with the demo content
	from := nextSecond()
	ed := srv.NewToken(t, "editor")
	id, _ := srv.PublishNew(t, ed, "oai-harvest-test")
	want := "oai:jesenice.si:partnership/" + id
	heads, _ := listAll(t, "ListIdentifiers", "metadataPrefix=oai_dc&from="+from)
	if len(heads) != 1 || heads[0].Identifier != want || heads[0].Status != "" {
		t.Fatalf("from %s: %+v, want only %s", from, heads, want)
	}
	// Unchanged content keeps its datestamps: a harvest repeated finds nothing new.
	from = nextSecond()
	e, _ := oai(t, "verb=ListIdentifiers&metadataPrefix=oai_dc&from="+from)
	if len(e.Error) != 1 || e.Error[0].Code != "noRecordsMatch" {
		t.Fatalf("nothing changed, want noRecordsMatch: %+v", e)
	}
	// Unpublished (the test kit deletes it at the end).
	cur := apitest.Expect(t, srv.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/partnerships/" + id, Token: ed}), 200)
	apitest.Expect(t, srv.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/partnerships/" + id + "/unpublish", Token: ed,
		Headers: map[string]string{"If-Match": cur.Header.Get("ETag")}}), 200)
	heads, _ = listAll(t, "ListIdentifiers", "metadataPrefix=oai_dc&from="+from)
	if len(heads) != 1 || heads[0].Identifier != want || heads[0].Status != "deleted" {
		t.Fatalf("after the delete: %+v", heads)
	}
	e, _ = oai(t, "verb=GetRecord&metadataPrefix=oai_dc&identifier="+url.QueryEscape(want))
	if e.Got.Header.Status != "deleted" || len(e.Got.Titles) != 0 {
		t.Errorf("deleted record: %+v", e.Got)
	}
	recs, _ := listAll(t, "ListRecords", "metadataPrefix=oai_dc&from="+from)
	if len(recs) != 1 || recs[0].Status != "deleted" {
		t.Errorf("ListRecords after the delete: %+v", recs)
	}
}

// Every error code the protocol defines that this repository can meet,
// each answer valid against the schema (noSetHierarchy cannot occur:
// the repository has sets; noMetadataFormats neither: every record has
// oai_dc).
func TestHarvestErrorCodes(t *testing.T) {
	e, _ := oai(t, "verb=ListIdentifiers&metadataPrefix=oai_dc")
	if e.Token == nil || e.Token.Value == "" {
		t.Fatal("want a resumption token")
	}
	tok := e.Token.Value
	p, sig, _ := strings.Cut(tok, ".")
	tampered := p[:len(p)-2] + "AA." + sig
	for _, c := range []struct{ query, code string }{
		{"", "badVerb"},
		{"verb=Nope", "badVerb"},
		{"verb=Identify&verb=Identify", "badVerb"},
		{"verb=Identify&set=x", "badArgument"},
		{"verb=ListRecords", "badArgument"},
		{"verb=ListRecords&metadataPrefix=oai_dc&metadataPrefix=oai_dc", "badArgument"},
		{"verb=ListRecords&metadataPrefix=oai_dc&from=yesterday", "badArgument"},
		{"verb=ListRecords&metadataPrefix=oai_dc&from=2020-01-01&until=2030-01-01T00:00:00Z", "badArgument"},
		{"verb=ListRecords&metadataPrefix=oai_dc&from=2030-01-01&until=2020-01-01", "badArgument"},
		{"verb=ListIdentifiers&metadataPrefix=oai_dc&set=a%20b", "badArgument"},
		{"verb=ListIdentifiers&metadataPrefix=oai_dc&resumptionToken=" + url.QueryEscape(tok), "badArgument"},
		{"verb=GetRecord&identifier=oai:jesenice.si:partnership/x", "badArgument"},
		{"verb=ListIdentifiers&resumptionToken=" + url.QueryEscape(tampered), "badResumptionToken"},
		{"verb=ListIdentifiers&resumptionToken=garbage", "badResumptionToken"},
		{"verb=ListRecords&resumptionToken=" + url.QueryEscape(tok), "badResumptionToken"}, // another verb's token
		{"verb=ListSets&resumptionToken=x", "badResumptionToken"},
		{"verb=ListRecords&metadataPrefix=marc21", "cannotDisseminateFormat"},
		{"verb=GetRecord&metadataPrefix=marc21&identifier=oai:jesenice.si:partnership/x", "cannotDisseminateFormat"},
		{"verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:jesenice.si:partnership/nope", "idDoesNotExist"},
		{"verb=ListMetadataFormats&identifier=oai:jesenice.si:document/nope", "idDoesNotExist"},
		{"verb=ListIdentifiers&metadataPrefix=oai_dc&from=2999-01-01", "noRecordsMatch"},
		{"verb=ListIdentifiers&metadataPrefix=oai_dc&until=2000-01-01", "noRecordsMatch"},
		{"verb=ListIdentifiers&metadataPrefix=oai_dc&set=partnership:nope", "noRecordsMatch"},
	} {
		t.Run(c.code+" "+c.query, func(t *testing.T) {
			e, body := oai(t, c.query)
			if len(e.Error) == 0 || e.Error[0].Code != c.code {
				t.Errorf("want %s: %s", c.code, body)
			}
			if (c.code == "badVerb" || c.code == "badArgument") && e.Request.Verb != "" {
				t.Errorf("the request element repeats arguments after %s: %s", c.code, body)
			}
		})
	}
}

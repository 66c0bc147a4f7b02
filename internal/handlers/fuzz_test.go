package handlers

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/jesenice/twincms/models"
)

// Fuzz targets for every parser of untrusted input in this package. Each
// checks, beyond "no panic", that a refusal is a 4xx problem in our own
// words and that an accepted value keeps the parser's promises.
// Run one with: go test -run '^$' -fuzz '^FuzzParseRange$' -fuzztime 30s ./handlers

// checkRefusal fails unless err maps to a 4xx problem whose detail is ours.
func checkRefusal(t *testing.T, err error) {
	t.Helper()
	p, known := toProblem(err)
	if !known || p.Status < 400 || p.Status > 499 {
		t.Fatalf("refusal %v maps to %d (known %v)", err, p.Status, known)
	}
	text, _ := json.Marshal(p)
	if foreignText(p.Detail) || strings.Contains(string(text), "Go value") || strings.Contains(string(text), "json: ") {
		t.Fatalf("problem holds foreign text: %s", text)
	}
}

func FuzzJSONBody(f *testing.F) {
	for _, s := range []string{
		`{"slug":"valjevo","relation":"twin","partner":{"name":{"sl":"Valjevo"},"country":"RS"}}`,
		`[]`, `null`, `{"slug":5}`, `{"partner":[]}`, `{"sort":1e400}`, `{"id":"x"}`, `{"a":1}{"b":2}`,
		"{\"slug\":\"\xff\"}", `{"agreements":[{"kind":"charter","year":"1970"}]}`, `{"summary":{"sl":"<script>x</script>"}}`,
	} {
		f.Add([]byte(s))
	}
	l := models.DefaultLocales()
	f.Fuzz(func(t *testing.T, data []byte) {
		fields, err := parseJSONObject(data, "the body", models.ServerOwnedFields)
		if err != nil {
			checkRefusal(t, err)
			return
		}
		if !utf8.Valid(data) {
			t.Fatal("invalid UTF-8 accepted")
		}
		raw, _ := json.Marshal(fields)
		var p models.Partnership
		if err := strictDecode(raw, &p); err != nil {
			checkRefusal(t, err)
			return
		}
		if err := models.Prepare(&p, l); err != nil {
			checkRefusal(t, err)
		}
	})
}

func FuzzMergePatch(f *testing.F) {
	f.Add([]byte(`{"slug":"a","partner":{"name":{"sl":"A"},"country":"SI"}}`), []byte(`{"partner":{"country":null},"sort":2}`))
	f.Add([]byte(`{"a":{"b":1}}`), []byte(`{"a":[1,2]}`))
	f.Add([]byte(`{}`), []byte(`{"a":{"b":{"c":null}}}`))
	f.Fuzz(func(t *testing.T, target, patch []byte) {
		var tm, pm map[string]any
		if json.Unmarshal(target, &tm) != nil || json.Unmarshal(patch, &pm) != nil || tm == nil || pm == nil {
			return
		}
		out := mergePatch(tm, pm)
		// RFC 7396: a null in the patch removes; nothing null remains
		// where the patch put one.
		var walk func(patch, got map[string]any)
		walk = func(patch, got map[string]any) {
			for k, v := range patch {
				switch pv := v.(type) {
				case nil:
					if _, ok := got[k]; ok {
						t.Fatalf("%q set to null is still present", k)
					}
				case map[string]any:
					gm, ok := got[k].(map[string]any)
					if !ok {
						t.Fatalf("%q: object patch gave %T", k, got[k])
					}
					walk(pv, gm)
				}
			}
		}
		walk(pm, out)
		// The merged document must still be a plain JSON object.
		if _, err := json.Marshal(out); err != nil {
			t.Fatal(err)
		}
	})
}

func FuzzDocumentMetadata(f *testing.F) {
	for _, s := range []string{
		`{"kind":"scan","title":{"sl":"Listina"},"language":"sl","provenance":{"source":"Občina","original_date":"1975-05-01"}}`,
		`{"kind":"crest","title":{"sl":"Grb"}}`, `{"kind":"poster"}`, `{"file":{}}`, `{"partnership_ids":["nope"]}`,
		`{"title":"x"}`, `[]`, "{\"title\":{\"sl\":\"\xed\xa0\x80\"}}", `{"provenance":{"original_date":"99999-99"}}`,
	} {
		f.Add([]byte(s), false)
	}
	l := models.DefaultLocales()
	base := &models.DocumentInput{Kind: models.KindScan, Title: models.Localized{"sl": "Osnova"}, Language: "sl"}
	f.Fuzz(func(t *testing.T, data []byte, patch bool) {
		var b *models.DocumentInput
		if patch {
			cp := *base
			b = &cp
		}
		in, err := decodeDocumentInput(data, b)
		if err == nil {
			err = in.Validate(l)
		}
		if err != nil {
			checkRefusal(t, err)
			return
		}
		if !in.Kind.Valid() {
			t.Fatalf("accepted kind %q", in.Kind)
		}
	})
}

func FuzzListQuery(f *testing.F) {
	for _, s := range []string{"page=2&per_page=50&status=published", "page=0", "per_page=101", "year_from=2000&year_to=1990",
		"sha256=" + strings.Repeat("a", 64), "q=%FF", "country=si&relation=twin&area=culture", "sort=name", "page=%2B1", "year_from=1990&year_to=1990"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		v, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		get := func(name string, _ ...string) string { return v.Get(name) }
		if q, err := parseListQuery(get); err != nil {
			checkRefusal(t, err)
		} else if q.Page < 1 || q.PerPage < 1 || q.PerPage > maxPerPage || !utf8.ValidString(q.Q) {
			t.Fatalf("accepted %+v", q)
		}
		if q, err := parseDocumentQuery(get); err != nil {
			checkRefusal(t, err)
		} else if q.Page < 1 || q.PerPage > maxPerPage || (q.YearFrom > 0 && q.YearTo > 0 && q.YearFrom > q.YearTo) ||
			(q.SHA256 != "" && len(q.SHA256) != 64) || (q.Partnership != "" && !models.ValidID(q.Partnership)) {
			t.Fatalf("accepted %+v", q)
		}
	})
}

func FuzzParseRange(f *testing.F) {
	for _, s := range []string{"", "bytes=0-99", "bytes=-5", "bytes=5-", "bytes=5-1", "bytes=0-1,2-3", "items=0-1", "bytes=-0", "bytes=--1", "bytes=9223372036854775807-"} {
		f.Add(s, int64(1000))
	}
	f.Add("bytes=-5", int64(0))
	f.Add("bytes=0-", int64(0))
	f.Fuzz(func(t *testing.T, h string, size int64) {
		if size < 0 {
			size = -size
		}
		if size < 0 { // MinInt64
			return
		}
		offset, length, partial, err := parseRange(h, size)
		switch {
		case err != nil:
			if !errors.Is(err, models.ErrRangeNotSatisfiable) {
				t.Fatalf("error %v", err)
			}
			checkRefusal(t, err)
		case !partial:
			if h != "" || offset != 0 || length != -1 {
				t.Fatalf("whole object for %q: %d %d", h, offset, length)
			}
		case offset < 0 || length < 1 || offset+length > size || offset+length < offset:
			t.Fatalf("range %q of %d bytes gave offset %d length %d", h, size, offset, length)
		}
	})
}

func FuzzIfMatch(f *testing.F) {
	for _, s := range []string{`"3"`, `3`, `W/"3"`, `*`, `"3", "4"`, `"0"`, `"-1"`, `"+3"`, `"`, `""`, `"99999999999999999999"`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		v, err := parseIfMatch(h)
		if err != nil {
			checkRefusal(t, err)
			return
		}
		if v < 1 {
			t.Fatalf("%q gave version %d", h, v)
		}
		if got, _ := parseIfMatch(etagOf(v)); got != v {
			t.Fatalf("the ETag of %d reads back as %d", v, got)
		}
	})
}

func FuzzBearerToken(f *testing.F) {
	for _, s := range []string{"Bearer abc", "bearer abc", "BEARER  abc ", "Basic abc", "Bearer", "Bearer a b", "Bearerabc", " Bearer\tabc"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		secret, ok := bearerToken(h)
		if !ok {
			return
		}
		if secret == "" || strings.ContainsAny(secret, " \t") || !strings.Contains(h, secret) {
			t.Fatalf("%q gave secret %q", h, secret)
		}
		if len(h) < 7 || !strings.EqualFold(strings.TrimSpace(h)[:6], "bearer") {
			t.Fatalf("%q accepted without the Bearer scheme", h)
		}
	})
}

// The problem table must answer every status Fiber or fasthttp can raise
// with a clean URN.
func FuzzStatusProblem(f *testing.F) {
	for _, s := range []int{400, 404, 405, 408, 413, 415, 431, 500, 502, 503} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, status int) {
		if status < 400 || status > 599 {
			return
		}
		p := statusProblem(status)
		if strings.ContainsAny(p.Type, " \t\r\n") || !strings.HasPrefix(p.Type, problemPrefix) {
			t.Fatalf("status %d: type %q", status, p.Type)
		}
		// A 4xx keeps its status; a 5xx keeps it when the table has a row
		// for it (503, 507), else it is an internal error.
		if p.Status != status && (status < 500 || p.Status != http.StatusInternalServerError) {
			t.Fatalf("status %d gave %d", status, p.Status)
		}
	})
}

package bulk

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/jesenice/twincms/models"
)

func sum256(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// FuzzBagManifest feeds arbitrary manifests and bag-info to the verifier
// (an HTTP client controls both): it never panics, and accepts a bag only
// when every payload file matches its checksum.
func FuzzBagManifest(f *testing.F) {
	body := "%PDF-1.4\n"
	f.Add(sum256(body)+"  data/a.pdf\n", "Payload-Oxum: 9.1\n")
	f.Add(sum256(body)+" data/a.pdf\r\n", "")
	f.Add(sum256("other")+"  data/a.pdf\n", "Payload-Oxum: x.y\n")
	f.Add("zz  data/../../etc/passwd\n", "Payload-Oxum: 9.1\n  continued\n")
	f.Add(sum256(body)+"  data/a%25.pdf\n"+sum256(body)+"  data/a.pdf\n", ":\n")
	f.Fuzz(func(t *testing.T, manifest, info string) {
		fsys := fstest.MapFS{
			"bagit.txt":           {Data: []byte("BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n")},
			"bag-info.txt":        {Data: []byte(info)},
			"manifest-sha256.txt": {Data: []byte(manifest)},
			"data/a.pdf":          {Data: []byte(body)},
		}
		files, err := verifyBag(context.Background(), fsys, 2, &tally{})
		var be *BagError
		switch {
		case err == nil:
			if len(files) != 1 || files[0].Path != "a.pdf" || files[0].SHA256 != sum256(body) {
				t.Fatalf("accepted %+v", files)
			}
		case !errors.As(err, &be) || !errors.Is(err, models.ErrInvalid) || len(be.Problems) == 0:
			t.Fatalf("refused without a report: %v", err)
		}
	})
}

func TestParseMetadataRefusesUnusableHeaders(t *testing.T) {
	l := models.DefaultLocales()
	for _, c := range []struct{ csv, want string }{
		{"", "no header row"},
		{"kind,title_sl\n", "no file column"},
		{"file,colour\n", `unknown column "colour"`},
		{"file,title_fr\n", `locale "fr" is not configured`},
		{"file,File\n", "appears twice"},
		{"file,kind\n\"a.pdf,scan\n", "line 2: not valid CSV"},
	} {
		_, err := ParseMetadata(strings.NewReader(c.csv), l)
		if !errors.Is(err, models.ErrInvalid) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v, want %q", c.csv, err, c.want)
		}
	}
	m, err := ParseMetadata(strings.NewReader("\ufeffFile Name;Title SL;partnership\r\ndata/x.pdf;Listina;\"a; b\"\r\n\r\ny.pdf;Y\n"), l)
	if err != nil || len(m.rows) != 2 {
		t.Fatalf("%v %+v", err, m)
	}
	if r := m.rows[0]; r.file != "x.pdf" || r.input.Title["sl"] != "Listina" || strings.Join(r.partnerships, ",") != "a,b" || r.line != 2 || r.problem != "" {
		t.Fatalf("row %+v", r)
	}
	if r := m.rows[1]; r.line != 4 || !strings.Contains(r.problem, "has 2 fields, the header has 3") {
		t.Fatalf("short row %+v", r)
	}
}

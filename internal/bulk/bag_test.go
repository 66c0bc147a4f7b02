package bulk

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/jesenice/twincms/models"
)

// verifyBag hands bagit's verdict on: the payload relative to data/ with
// its checksums and progress counted, or a refusal as a *BagError that is
// invalid input, its problems as ingest errors.
func TestVerifyBagIsBagitsVerdictAsAnIngest(t *testing.T) {
	body := "%PDF-1.4\n"
	sum := fmt.Sprintf("%x", sha256.Sum256([]byte(body)))
	fsys := fstest.MapFS{
		"bagit.txt":           {Data: []byte("BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n")},
		"manifest-sha256.txt": {Data: []byte(sum + "  data/x/a.pdf\n")},
		"data/x/a.pdf":        {Data: []byte(body)},
	}
	var progress []Progress
	files, err := verifyBag(context.Background(), fsys, 2, &tally{opt: Options{Progress: func(p Progress) { progress = append(progress, p) }}})
	if err != nil || len(files) != 1 || files[0] != (File{Path: "x/a.pdf", Size: 9, SHA256: sum}) {
		t.Fatalf("%+v %v", files, err)
	}
	if last := progress[len(progress)-1]; len(progress) != 2 || last.Phase != PhaseVerifying || last.Total != 1 || last.Done != 1 || last.BytesDone != 9 {
		t.Errorf("progress %+v", progress)
	}
	fsys["data/x/a.pdf"] = &fstest.MapFile{Data: []byte("altered")}
	_, err = verifyBag(context.Background(), fsys, 2, &tally{})
	var be *BagError
	if !errors.As(err, &be) || !errors.Is(err, models.ErrInvalid) || len(be.Problems) != 1 || be.Problems[0].File != "data/x/a.pdf" ||
		!strings.HasSuffix(err.Error(), "the bag is refused, nothing was stored: data/x/a.pdf: does not match its sha256 checksum in manifest-sha256.txt: altered or damaged") {
		t.Fatalf("%v", err)
	}
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

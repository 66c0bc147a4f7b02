package formats

import (
	"bytes"
	"context"
	"errors"
	"image/color"
	"strings"
	"testing"
	"time"

	"github.com/jesenice/twincms/internal/demo"
)

// The demo files identify as the PRONOM formats they are: the
// placeholder PDF (version 1.4) as fmt/18, the crest PNG as a PNG
// (fmt/11, 1.0 or fmt/12, 1.1 or fmt/13, 1.2), by signature, not by name.
func TestIdentifiesTheDemoFiles(t *testing.T) {
	x := NewIdentifier()
	ctx := context.Background()
	pdf := demo.PlaceholderPDF("Listina o pobratenju", "Valjevo 1975")
	f, err := x.Identify(ctx, bytes.NewReader(pdf), int64(len(pdf)), "listina.bin", 0)
	if err != nil {
		t.Fatal(err)
	}
	if f.PUID != "fmt/18" || f.Name != "Acrobat PDF 1.4 - Portable Document Format" || f.Version != "1.4" || !strings.Contains(f.Basis, "byte match") {
		t.Fatalf("PDF identified as %+v", f)
	}
	if !strings.Contains(f.Tool, "siegfried 1.11.2") || !strings.Contains(f.Tool, "DROID_SignatureFile_V") {
		t.Fatalf("tool %q", f.Tool)
	}
	png := demo.ShieldPNG(color.NRGBA{R: 200, A: 255}, color.NRGBA{B: 200, A: 255})
	f, err = x.Identify(ctx, bytes.NewReader(png), int64(len(png)), "", 0)
	if err != nil {
		t.Fatal(err)
	}
	if f.PUID != "fmt/11" && f.PUID != "fmt/12" && f.PUID != "fmt/13" || !strings.Contains(f.Name, "Portable Network Graphics") {
		t.Fatalf("PNG identified as %+v", f)
	}
	// Bytes of no known format are UNKNOWN; a name then only gives an
	// extension match, and the basis says so.
	junk := bytes.Repeat([]byte{0x17, 0x42}, 5000)
	if f, err = x.Identify(ctx, bytes.NewReader(junk), int64(len(junk)), "", 0); err != nil || f.PUID != "UNKNOWN" || f.Name != "unknown" {
		t.Fatalf("junk identified as %+v, %v", f, err)
	}
	if f, err = x.Identify(ctx, bytes.NewReader(junk), int64(len(junk)), "x.dat", 0); err != nil || !strings.Contains(f.Basis, "extension match") {
		t.Fatalf("junk named x.dat identified as %+v, %v", f, err)
	}
}

// A 20 MiB PDF (which siegfried scans whole, for PDF/A markers) is read
// once, window by window, never held: memory stays within maxWindows.
func TestReadsALargeFileOnceWithinBoundedMemory(t *testing.T) {
	x := NewIdentifier()
	pdf := demo.PlaceholderPDF("Zbornik")
	body := make([]byte, 20<<20)
	copy(body, pdf[:len(pdf)-200])
	copy(body[len(body)-200:], pdf[len(pdf)-200:])
	src := &source{ctx: context.Background(), r: bytes.NewReader(body), size: int64(len(body))}
	ids, err := x.sfLoaded(t).Identify(src, "", "")
	if err != nil || len(ids) == 0 || !strings.HasPrefix(ids[0].String(), "fmt/") {
		t.Fatal(ids, err)
	}
	if limit := len(body)/window + 4; src.reads > limit {
		t.Fatalf("%d range reads of a 20 MiB file, want at most %d (each window once)", src.reads, limit)
	}
	if src.most > maxWindows {
		t.Fatalf("%d windows held at once", src.most)
	}
	t.Logf("%d range reads, at most %d windows held, identified %s", src.reads, src.most, ids[0])
}

// A budget spent stops the reading with errBudget (never by cancelling a
// read, which the object store would take for a hung store).
func TestBudgetStopsTheReading(t *testing.T) {
	x := NewIdentifier()
	body := make([]byte, 8<<20)
	copy(body, demo.PlaceholderPDF("Zbornik"))
	_ = x.Tool() // the signatures load outside the budget
	if _, err := x.Identify(context.Background(), bytes.NewReader(body), int64(len(body)), "", time.Nanosecond); !errors.Is(err, errBudget) {
		t.Fatalf("err %v, want errBudget", err)
	}
}

package sha256wasm

import (
	"os"
	"testing"
)

// The admin UI serves the script this package writes: the committed file
// is what the generator makes now (run go generate ./internal/web/sha256wasm
// after a change here).
func TestCommittedScriptIsGenerated(t *testing.T) {
	b, err := os.ReadFile("../admin/sha256wasm.js")
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != Script() {
		t.Fatal("internal/web/admin/sha256wasm.js is out of date: go generate ./internal/web/sha256wasm")
	}
}

// The module's header and sections are those of a WebAssembly 1.0 binary
// and the SIMD one differs only where it should (a browser test checks the
// digests against Go's).
func TestModulesAreWellFormed(t *testing.T) {
	for _, simd := range []bool{false, true} {
		m := Module(simd)
		if string(m[:8]) != "\x00asm\x01\x00\x00\x00" {
			t.Fatalf("simd=%v: header %x", simd, m[:8])
		}
		// walk the sections: ids ascending, lengths add up to the end
		last := byte(0)
		for i := 8; i < len(m); {
			id := m[i]
			if id <= last {
				t.Fatalf("simd=%v: section %d after %d", simd, id, last)
			}
			last = id
			n, w := 0, 0
			for s := 0; ; s += 7 {
				b := m[i+1+w]
				n |= int(b&0x7f) << s
				w++
				if b&0x80 == 0 {
					break
				}
			}
			i += 1 + w + n
			if i > len(m) {
				t.Fatalf("simd=%v: section %d runs past the end", simd, id)
			}
		}
		if last != 10 {
			t.Fatalf("simd=%v: no code section", simd)
		}
	}
}

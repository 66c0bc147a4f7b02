package bulk_test

import (
	"bytes"
	"syscall"
	"testing"

	"github.com/jesenice/twincms/internal/apitest"
)

// A bag that does not fit on the temp dir's disk is 507, not a cut
// upload's 400: the disk is the limit. Nothing is kept or stored. The
// full disk is a 256 KiB tmpfs, so the test needs root (it skips
// without).
func TestIngestAnswers507WhenTheTempDiskIsFull(t *testing.T) {
	s := apitest.Empty(t, nil)
	ar := s.NewToken(t, "archivist")
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size=256k"); err != nil {
		t.Skipf("no small tmpfs to fill (mounting one needs root): %v", err)
	}
	t.Cleanup(func() { _ = syscall.Unmount(dir, 0) })
	t.Setenv("TMPDIR", dir)
	var files []entry
	for i := range 4 {
		files = append(files, entry{name: string(rune('a'+i)) + ".pdf", body: append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte{byte(i)}, 200<<10)...), stored: true})
	}
	before := s.StoreState(t)
	apitest.ExpectProblem(t, submitBag(t, s, ar, handZip(t, append(bagTags(t, files), payload(files)...))), 507, "insufficient-storage")
	if left := ingestTemps(t, dir); len(left) != 0 {
		t.Fatalf("the refused bag was kept: %v", left)
	}
	s.ExpectStoreUnchanged(t, before)
}

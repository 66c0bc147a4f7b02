package fulltext

import (
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
)

// panickyIndex is a bleve index whose Batch panics the way bleve 2.6.3's
// did in a CI run (a term cache cleared under it).
type panickyIndex struct{ blevex }

// blevex names bleve.Index so that embedding it does not make a field
// called Index (bleve.Index has a method of that name).
type blevex = bleve.Index

func (panickyIndex) Batch(*bleve.Batch) error {
	var m map[uint16]int
	m[1] = 1 // assignment to entry in nil map
	return nil
}

// A panic inside bleve's Batch comes back as an error from apply: the
// sync's round fails and is retried, the process lives on, and the
// stamps of what was not indexed are not recorded.
func TestABatchThatPanicsInsideBleveIsAnError(t *testing.T) {
	x, err := Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	real := x.idx
	x.idx = panickyIndex{real}
	err = x.apply(t.Context(), map[string]entry{"a": {Title: "Listina o pobratenju", Stamp: "1"}}, nil)
	if err == nil || !strings.Contains(err.Error(), "batch failed inside bleve") {
		t.Fatalf("apply: %v, want the panic as an error", err)
	}
	if _, ok := x.stamp("a"); ok {
		t.Fatal("a stamp was recorded for a batch that was not applied")
	}
	x.idx = real
	if err := x.apply(t.Context(), map[string]entry{"a": {Title: "Listina o pobratenju", Stamp: "1"}}, nil); err != nil {
		t.Fatalf("the next round: %v", err)
	}
	if s, ok := x.stamp("a"); !ok || s != "1" {
		t.Fatalf("after the retry the stamp is %q, %v", s, ok)
	}
}

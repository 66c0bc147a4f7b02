package formats

import (
	"testing"

	"github.com/richardlehane/siegfried"
)

func (x *Identifier) sfLoaded(t *testing.T) *siegfried.Siegfried {
	if err := x.load(); err != nil {
		t.Fatal(err)
	}
	return x.sf
}

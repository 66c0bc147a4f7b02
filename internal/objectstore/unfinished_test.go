package objectstore

import (
	"context"
	"errors"
	"testing"

	"github.com/jesenice/twincms/models"
)

// The uploads to abort on the way out: those begun and not ended; closing
// stops their puts and refuses any begun afterwards (its put aborts it).
func TestUnfinishedUploads(t *testing.T) {
	var u unfinished
	ctxA, stopA := context.WithCancel(context.Background())
	ctxB, stopB := context.WithCancel(context.Background())
	defer stopB()
	if err := u.begin("originals/a", "upload-a", stopA); err != nil {
		t.Fatal(err)
	}
	if err := u.begin("originals/b", "upload-b", stopB); err != nil {
		t.Fatal(err)
	}
	u.end("upload-b") // completed or aborted
	open := u.close()
	if len(open) != 1 || open["upload-a"].key != "originals/a" {
		t.Fatalf("to abort: %v, want only upload-a", open)
	}
	if ctxA.Err() == nil {
		t.Error("the unfinished upload's put was not stopped")
	}
	if ctxB.Err() != nil {
		t.Error("an ended upload's put was stopped")
	}
	if err := u.begin("originals/c", "upload-c", func() {}); !errors.Is(err, models.ErrUnavailable) {
		t.Fatalf("begin after close: %v, want ErrUnavailable", err)
	}
}

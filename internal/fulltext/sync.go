package fulltext

import (
	"context"
	"hash/fnv"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jesenice/twincms/internal/loop"
	"github.com/jesenice/twincms/models"
)

// Records lists every document record (storage.Documents: from memory on
// the embedded store, which follows other instances' writes).
type Records interface {
	All(ctx context.Context) ([]*models.Document, error)
}

// TextSource reads a document's extracted text ("" when it has none).
type TextSource interface {
	Text(ctx context.Context, doc *models.Document) (string, error)
}

// Names lists the partnerships' names (readmodel.PartnershipIndex).
type Names interface {
	Summaries(ctx context.Context) ([]*models.PartnershipSummary, error)
}

// SyncConfig is what a Sync reads from and writes to.
type SyncConfig struct {
	Index   *Index
	Records Records
	Texts   TextSource // nil: descriptions only
	Names   Names      // nil: no partnership names
	Logger  *slog.Logger
	// OnBatch, when set, is told how many documents each run indexed.
	OnBatch func(indexed, deleted int)
}

// Sync keeps an Index caught up with the database.
type Sync struct {
	SyncConfig
	wake chan struct{}
	// asked counts Wake calls; done is the asked value the last finished
	// run started after; ran is closed and replaced when a run finishes.
	mu    sync.Mutex
	asked int64
	done  int64
	ran   chan struct{}
}

// NewSync returns a Sync; call Run to start it.
func NewSync(c SyncConfig) *Sync {
	return &Sync{SyncConfig: c, wake: make(chan struct{}, 1), ran: make(chan struct{})}
}

// Wake asks for a run now (a document was written on this instance).
func (s *Sync) Wake() {
	s.mu.Lock()
	s.asked++
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Run syncs at once, then whenever woken and every interval (which
// bounds the staleness of another instance's writes, on top of the
// document index's own), until ctx ends.
func (s *Sync) Run(ctx context.Context, every time.Duration) {
	loop.Every(ctx, every, s.Once, s.Logger, loop.Name("full-text index sync"), loop.Immediately(),
		loop.Wake(s.wake), loop.Retry(time.Second, time.Minute))
}

// WaitFresh waits (at most bound) until a run that started after the
// last Wake has finished, so a search on this instance sees the writes
// made here before it (read-your-writes) without writes waiting for the
// index.
func (s *Sync) WaitFresh(ctx context.Context, bound time.Duration) {
	t := time.NewTimer(bound)
	defer t.Stop()
	for {
		s.mu.Lock()
		fresh, ran := s.done >= s.asked, s.ran
		s.mu.Unlock()
		if fresh {
			return
		}
		select {
		case <-ran:
		case <-t.C:
			return
		case <-ctx.Done():
			return
		}
	}
}

// finished records a successful run that started when asked was seen.
func (s *Sync) finished(seen int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.done = max(s.done, seen)
	close(s.ran)
	s.ran = make(chan struct{})
}

// batchSize bounds one bleve batch (and the texts read for it).
const batchSize = 100

// Once indexes every record whose stamp differs from what the index
// holds and deletes what the database no longer has.
func (s *Sync) Once(ctx context.Context) error {
	s.mu.Lock()
	seen := s.asked
	s.mu.Unlock()
	if err := s.once(ctx); err != nil {
		return err
	}
	s.finished(seen)
	return nil
}

func (s *Sync) once(ctx context.Context) error {
	docs, err := s.Records.All(ctx)
	if err != nil {
		return err
	}
	names := map[string]string{}
	if s.Names != nil {
		sums, err := s.Names.Summaries(ctx)
		if err != nil {
			return err
		}
		for _, p := range sums {
			names[p.ID] = joinLocales(p.Partner.Name)
		}
	}
	live := make(map[string]bool, len(docs))
	var todo []*models.Document
	var stamps []string
	for _, d := range docs {
		live[d.ID] = true
		st := stampOf(d, names)
		if have, ok := s.Index.stamp(d.ID); !ok || have != st {
			todo = append(todo, d)
			stamps = append(stamps, st)
		}
	}
	var gone []string
	for _, id := range s.Index.ids() {
		if !live[id] {
			gone = append(gone, id)
		}
	}
	indexed := 0
	for i := 0; i < len(todo); i += batchSize {
		puts := map[string]entry{}
		for j := i; j < min(i+batchSize, len(todo)); j++ {
			d := todo[j]
			text := ""
			if s.Texts != nil && d.Text != nil && d.Text.Key != "" {
				if text, err = s.Texts.Text(ctx, d); err != nil {
					return err
				}
			}
			puts[d.ID] = entryOf(d, names, text, stamps[j])
		}
		if err := s.Index.apply(ctx, puts, nil); err != nil {
			return err
		}
		indexed += len(puts)
	}
	if err := s.Index.apply(ctx, nil, gone); err != nil {
		return err
	}
	s.Index.setReady()
	if s.OnBatch != nil && (indexed > 0 || len(gone) > 0) {
		s.OnBatch(indexed, len(gone))
	}
	return nil
}

// stampOf changes whenever what entryOf indexes would: a new version of
// the record, new text or format facts, or a renamed partnership.
func stampOf(d *models.Document, names map[string]string) string {
	h := fnv.New64a()
	for _, id := range d.PartnershipIDs {
		h.Write([]byte(names[id]))
		h.Write([]byte{0})
	}
	st := strconv.FormatInt(d.Version, 10) + "/" + strconv.FormatUint(h.Sum64(), 36)
	// Text and format facts are set without a new version.
	if d.Text != nil {
		st += "/" + string(d.Text.Status) + strconv.FormatInt(d.Text.UpdatedAt.UnixNano(), 36)
	}
	if d.Format != nil {
		st += "/" + d.Format.PUID
	}
	return st
}

// kindWords are the words an archivist may search a kind by.
var kindWords = map[models.DocumentKind]string{
	models.KindCharter:     "listina charter Urkunde povelja",
	models.KindAgreement:   "pogodba sporazum dogovor agreement Vereinbarung Vertrag accordo",
	models.KindPublication: "publikacija zbornik publication Publikation pubblicazione",
	models.KindOverview:    "pregled overview Übersicht",
	models.KindCrest:       "grb crest Wappen stemma",
	models.KindScan:        "sken scan Scan",
}

// entryOf is what the index holds of d.
func entryOf(d *models.Document, names map[string]string, text, stamp string) entry {
	title := joinLocales(d.Title)
	// Short facts first, so a snippet of a document without text shows
	// them; the extracted text last.
	parts := []string{title}
	for _, id := range d.PartnershipIDs {
		parts = append(parts, names[id])
	}
	if d.Provenance.OriginalDate != "" {
		parts = append(parts, d.Provenance.OriginalDate)
	} else if d.Year > 0 {
		parts = append(parts, strconv.Itoa(d.Year))
	}
	parts = append(parts, string(d.Kind)+" "+kindWords[d.Kind], d.Provenance.ArchivalRef, d.Provenance.Custodian,
		d.Provenance.Source, d.File.OriginalFilename, d.Provenance.Notes, text)
	e := entry{Title: title, Body: strings.Join(slices.DeleteFunc(parts, func(s string) bool { return s == "" }), "\n"),
		Kind: string(d.Kind), Status: string(d.Status), Partnership: d.PartnershipIDs, SHA256: d.File.SHA256,
		Year: float64(d.Year), Stamp: stamp}
	if d.Format != nil {
		e.PUID = d.Format.PUID
	}
	return e
}

// joinLocales joins every locale's text, in a fixed order.
func joinLocales(t models.Localized) string {
	keys := make([]string, 0, len(t))
	for k := range t {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	for _, k := range keys {
		if b.Len() > 0 {
			b.WriteString(" · ")
		}
		b.WriteString(t[k])
	}
	return b.String()
}

package readmodel

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/jesenice/twincms/models"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// ContentList serves one content type's lists from memory on the
// embedded store, whose every list reads and decodes the whole collection
// (690 ms for 20 partnerships by name at 5,000 partnerships). MongoDB
// answers the same lists from its indexes, so there it stays off.
//
// It holds each record as the BSON the database holds, so that its filters
// and sorts are the ContentSpec's own (field paths, equality, array
// membership), evaluated on the stored fields; a page's records are
// decoded from it afresh, so callers never share them.
//
// Consistency, as the document index's (storage's memoryIndex):
//   - read-your-writes on this instance: every write through Content
//     updates the list (Put, Remove) before it returns;
//   - other instances' writes: each write bumps the type's shared counter
//     ("<collection>-lists"); Sync, run every few seconds, reloads
//     when a bump was not this instance's own, so another instance's write
//     shows in lists within that interval plus one reload; gets by id and
//     key, versions and All still read the database;
//   - a database that is down is a 503 as without it: a list pings first;
//   - two instances writing: the database judges (versions, unique keys);
//     the memory keeps a record's later version and never brings back a
//     deleted one.
type ContentList struct {
	changes *OwnCounter
	reload  sync.Mutex

	mu      sync.RWMutex
	byID    map[string]*Record
	orders  map[string][]*Record // per sort name, built at first use after a write
	loading bool
	journal []*Record // writes during a reload; a record with Raw nil is a removal
	// stale makes the next Sync reload (a write it could not copy).
	stale bool
}

// Record is one stored record: its BSON, and what every list reads.
type Record struct {
	ID      string
	Version int64
	Status  models.Status
	Search  string
	Raw     bson.Raw
}

// NewRecord is the record of item as the database stores it.
func NewRecord(item models.Content) (*Record, error) {
	b, err := bson.Marshal(item)
	if err != nil {
		return nil, err
	}
	return RecordOf(bson.Raw(b), item.GetMeta()), nil
}

// RecordOf is the record of raw, whose metadata is m.
func RecordOf(raw bson.Raw, m *models.Meta) *Record {
	r := &Record{ID: m.ID, Version: m.Version, Status: m.Status, Raw: raw}
	if v, err := raw.LookupErr("search"); err == nil {
		r.Search, _ = v.StringValueOK()
	}
	return r
}

// NewContentList is an empty list following counter (the type's shared
// "<collection>-lists" counter); Reload fills it.
func NewContentList(counter Counter) *ContentList {
	return &ContentList{changes: NewOwnCounter(counter)}
}

// ReadAll reads every record of the collection from the database.
type ReadAll func(ctx context.Context) ([]*Record, error)

// Sync reloads the list when another instance wrote since it was loaded
// (or a write here could not be copied), and retries a counter bump that
// failed.
func (m *ContentList) Sync(ctx context.Context, readAll ReadAll) error {
	m.changes.Retry(ctx)
	foreign, err := m.changes.Foreign(ctx)
	if err != nil {
		return err
	}
	m.mu.RLock()
	stale := m.stale
	m.mu.RUnlock()
	if !foreign && !stale {
		return nil
	}
	return m.Reload(ctx, readAll)
}

// Reload reads the counter, then every record; writes made
// meanwhile are journaled and applied again on top.
func (m *ContentList) Reload(ctx context.Context, readAll ReadAll) error {
	m.reload.Lock()
	defer m.reload.Unlock()
	seq, err := m.changes.Current(ctx)
	if err != nil {
		return err
	}
	m.mu.Lock()
	m.loading, m.journal = true, nil
	m.mu.Unlock()
	recs, err := readAll(ctx)
	m.mu.Lock()
	defer m.mu.Unlock()
	journal := m.journal
	m.loading, m.journal = false, nil
	if err != nil {
		return err
	}
	m.stale = false
	m.byID = make(map[string]*Record, len(recs))
	for _, r := range recs {
		m.byID[r.ID] = r
	}
	for _, r := range journal {
		m.apply(r)
	}
	m.orders = map[string][]*Record{}
	m.changes.Loaded(seq)
	return nil
}

// Put records a write of r that reached the database (r nil: a write
// that cannot be copied; id is forgotten until the next Sync reloads) and
// tells other instances.
func (m *ContentList) Put(ctx context.Context, r *Record, id string) {
	m.write(r, id)
	m.changes.Bump(ctx)
}

// Remove records a delete that reached the database.
func (m *ContentList) Remove(ctx context.Context, id string) {
	m.write(&Record{ID: id}, id)
	m.changes.Bump(ctx)
}

// Unsure is told of a write that failed without saying whether it reached
// the database (ErrUnavailable: a timeout, a lost connection): the list
// cannot know, so this instance reloads at its next Sync and the bump
// (retried until it lands) makes every other instance reload too.
func (m *ContentList) Unsure(ctx context.Context, err error) {
	if !errors.Is(err, models.ErrUnavailable) {
		return
	}
	m.mu.Lock()
	m.stale = true
	m.mu.Unlock()
	m.changes.Bump(ctx)
}

// write applies r (a removal when r.Raw is nil; r nil forgets id until
// the next sync reloads it).
func (m *ContentList) write(r *Record, id string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if r == nil {
		r, m.stale = &Record{ID: id}, true
	}
	if m.loading {
		m.journal = append(m.journal, r)
	}
	m.apply(r)
	clear(m.orders)
}

// apply puts or removes one record; an older version never replaces a
// newer one (call with mu held).
func (m *ContentList) apply(r *Record) {
	if r.Raw == nil {
		delete(m.byID, r.ID)
		return
	}
	if old, ok := m.byID[r.ID]; ok && old.Version > r.Version {
		return
	}
	m.byID[r.ID] = r
}

// Page walks the records in the order of sort (named sortName), keeps
// those keep accepts, and returns the raw records of the page starting at
// from (at most n) with the total kept.
func (m *ContentList) Page(sortName string, sort bson.D, keep func(*Record) bool, from, n int) ([]bson.Raw, int64) {
	var page []bson.Raw
	var total int64
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, r := range m.ordered(sortName, sort) {
		if !keep(r) {
			continue
		}
		if total >= int64(from) && len(page) < n {
			page = append(page, r.Raw)
		}
		total++
	}
	return page, total
}

// ordered returns every record in the order of sort (then _id), built
// once per sort name after each write (call with mu held for writing).
func (m *ContentList) ordered(name string, sort bson.D) []*Record {
	if o, ok := m.orders[name]; ok {
		return o
	}
	type keyed struct {
		r    *Record
		keys []bson.RawValue
	}
	all := make([]keyed, 0, len(m.byID))
	for _, r := range m.byID {
		k := keyed{r: r, keys: make([]bson.RawValue, len(sort))}
		for i, e := range sort {
			k.keys[i] = lookup(r.Raw, e.Key)
		}
		all = append(all, k)
	}
	slices.SortFunc(all, func(a, b keyed) int {
		for i, e := range sort {
			if c := compareRaw(a.keys[i], b.keys[i]); c != 0 {
				if dir, _ := e.Value.(int); dir < 0 {
					return -c
				}
				return c
			}
		}
		return strings.Compare(a.r.ID, b.r.ID)
	})
	o := make([]*Record, len(all))
	for i, k := range all {
		o[i] = k.r
	}
	m.orders[name] = o
	return o
}

// lookup reads a dotted field path of raw (a zero value when missing).
func lookup(raw bson.Raw, path string) bson.RawValue {
	v, err := raw.LookupErr(strings.Split(path, ".")...)
	if err != nil {
		return bson.RawValue{}
	}
	return v
}

// compareRaw orders two stored values of one field as the database's sort
// does for the types content stores: missing first, then numbers, strings
// and times by value.
func compareRaw(a, b bson.RawValue) int {
	if ra, rb := typeRank(a.Type), typeRank(b.Type); ra != rb {
		return ra - rb
	}
	switch typeRank(a.Type) {
	case rankString:
		return strings.Compare(a.StringValue(), b.StringValue())
	case rankNumber:
		x, _ := a.AsInt64OK()
		y, _ := b.AsInt64OK()
		return cmpInt(x, y)
	case rankTime:
		return cmpInt(a.DateTime(), b.DateTime())
	}
	return bytes.Compare(a.Value, b.Value)
}

// The database's sort order of the types content stores.
const (
	rankMissing = iota
	rankNumber
	rankString
	rankOther
	rankTime
)

func typeRank(t bson.Type) int {
	switch t {
	case 0, bson.TypeNull:
		return rankMissing
	case bson.TypeInt32, bson.TypeInt64, bson.TypeDouble:
		return rankNumber
	case bson.TypeString:
		return rankString
	case bson.TypeDateTime:
		return rankTime
	}
	return rankOther
}

func cmpInt(x, y int64) int {
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

// matchesAll evaluates a ContentSpec filter (field equals value, or an
// array field contains it) on a stored record.
// MatchesAll tells whether raw holds every field of filter (equality, or
// membership for arrays), as the database would.
func MatchesAll(raw bson.Raw, filter bson.D) bool {
	for _, e := range filter {
		if !matches(lookup(raw, e.Key), e.Value) {
			return false
		}
	}
	return true
}

func matches(v bson.RawValue, want any) bool {
	w := fmt.Sprint(want)
	switch v.Type {
	case bson.TypeString:
		return v.StringValue() == w
	case bson.TypeBoolean:
		return fmt.Sprint(v.Boolean()) == w
	case bson.TypeArray:
		vals, err := v.Array().Values()
		if err != nil {
			return false
		}
		for _, x := range vals {
			if s, ok := x.StringValueOK(); ok && s == w {
				return true
			}
		}
	}
	return false
}

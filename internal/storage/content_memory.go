package storage

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
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// contentMemory serves one content type's lists from memory on the
// embedded store, whose every list reads and decodes the whole collection
// (690 ms for 20 partnerships by name at 5,000 partnerships). MongoDB
// answers the same lists from its indexes, so there it stays off.
//
// It holds each record as the BSON the database holds, so that its filters
// and sorts are the ContentSpec's own (field paths, equality, array
// membership), evaluated on the stored fields; a page's records are
// decoded from it afresh, so callers never share them.
//
// Consistency, as the document index's (memoryIndex):
//   - read-your-writes on this instance: every write through Content
//     updates the memory before it returns;
//   - other instances' writes: each write bumps the type's shared counter
//     ("<collection>-lists"); SyncMemory, run every few seconds, reloads
//     when a bump was not this instance's own, so another instance's write
//     shows in lists within that interval plus one reload; gets by id and
//     key, versions and All still read the database;
//   - a database that is down is a 503 as without it: a list pings first;
//   - two instances writing: the database judges (versions, unique keys);
//     the memory keeps a record's later version and never brings back a
//     deleted one.
type contentMemory struct {
	changes *ownCounter
	reload  sync.Mutex

	mu      sync.RWMutex
	byID    map[string]*memRecord
	orders  map[string][]*memRecord // per sort name, built at first use after a write
	loading bool
	journal []*memRecord // writes during a reload; a record with raw nil is a removal
	// stale makes the next SyncMemory reload (a write it could not copy).
	stale bool
}

// memRecord is one stored record: its BSON, and what every list reads.
type memRecord struct {
	id      string
	version int64
	status  models.Status
	search  string
	raw     bson.Raw
}

func newMemRecord(item models.Content) (*memRecord, error) {
	b, err := bson.Marshal(item)
	if err != nil {
		return nil, err
	}
	raw := bson.Raw(b)
	m := item.GetMeta()
	r := &memRecord{id: m.ID, version: m.Version, status: m.Status, raw: raw}
	if v, err := raw.LookupErr("search"); err == nil {
		r.search, _ = v.StringValueOK()
	}
	return r, nil
}

// UseMemory loads every record into memory and serves lists from there
// from now on (the embedded store). Run SyncMemory periodically to follow
// other instances' writes.
func (c *Content[T, P]) UseMemory(ctx context.Context) error {
	m := &contentMemory{changes: newOwnCounter(c.db, c.spec.Collection+"-lists")}
	if err := c.reloadMemory(ctx, m); err != nil {
		return err
	}
	c.mem = m
	return nil
}

// SyncMemory reloads the memory when another instance wrote since it was
// loaded, and retries a counter bump that failed (nothing without memory).
func (c *Content[T, P]) SyncMemory(ctx context.Context) error {
	if c.mem == nil {
		return nil
	}
	c.mem.changes.retry(ctx)
	foreign, err := c.mem.changes.foreign(ctx)
	if err != nil {
		return err
	}
	c.mem.mu.RLock()
	stale := c.mem.stale
	c.mem.mu.RUnlock()
	if !foreign && !stale {
		return nil
	}
	return c.reloadMemory(ctx, c.mem)
}

// reloadMemory reads the counter, then every record, into m; writes made
// meanwhile are journaled and applied again on top.
func (c *Content[T, P]) reloadMemory(ctx context.Context, m *contentMemory) error {
	m.reload.Lock()
	defer m.reload.Unlock()
	seq, err := m.changes.Current(ctx)
	if err != nil {
		return err
	}
	m.mu.Lock()
	m.loading, m.journal = true, nil
	m.mu.Unlock()
	recs, err := c.allRaw(ctx)
	m.mu.Lock()
	defer m.mu.Unlock()
	journal := m.journal
	m.loading, m.journal = false, nil
	if err != nil {
		return err
	}
	m.stale = false
	m.byID = make(map[string]*memRecord, len(recs))
	for _, r := range recs {
		m.byID[r.id] = r
	}
	for _, r := range journal {
		m.apply(r)
	}
	m.orders = map[string][]*memRecord{}
	m.changes.loaded(seq)
	return nil
}

// allRaw reads every record of the collection, in cursor batches.
func (c *Content[T, P]) allRaw(ctx context.Context) ([]*memRecord, error) {
	cur, err := c.db.collection(c.spec.Collection).Find(ctx, bson.D{}, options.Find().SetBatchSize(loadBatch))
	if err != nil {
		return nil, translateDB(err)
	}
	defer cur.Close(context.WithoutCancel(ctx))
	var out []*memRecord
	for cur.Next(ctx) {
		var item T
		if err := bson.Unmarshal(cur.Current, &item); err != nil {
			return nil, err
		}
		m := P(&item).GetMeta()
		r := &memRecord{id: m.ID, version: m.Version, status: m.Status, raw: slices.Clone(cur.Current)}
		if v, err := r.raw.LookupErr("search"); err == nil {
			r.search, _ = v.StringValueOK()
		}
		out = append(out, r)
	}
	return out, translateDB(cur.Err())
}

// memPut records a write of item that reached the database.
func (c *Content[T, P]) memPut(ctx context.Context, item P) {
	if c.mem == nil {
		return
	}
	r, err := newMemRecord(item)
	if err != nil {
		r = nil // cannot happen for what the database just took; reload
	}
	c.mem.write(r, item.GetMeta().ID)
	c.mem.changes.bump(ctx)
}

// memRemove records a delete that reached the database.
func (c *Content[T, P]) memRemove(ctx context.Context, id string) {
	if c.mem == nil {
		return
	}
	c.mem.write(&memRecord{id: id}, id)
	c.mem.changes.bump(ctx)
}

// memUnsure is told of a write that failed without saying whether it
// reached the database (ErrUnavailable: a timeout, a lost connection):
// the memory cannot know, so this instance reloads at its next sync and
// the bump (retried until it lands) makes every other instance reload too.
func (c *Content[T, P]) memUnsure(ctx context.Context, err error) {
	if c.mem == nil || !errors.Is(err, models.ErrUnavailable) {
		return
	}
	c.mem.mu.Lock()
	c.mem.stale = true
	c.mem.mu.Unlock()
	c.mem.changes.bump(ctx)
}

// write applies r (a removal when r.raw is nil; r nil forgets id until
// the next sync reloads it).
func (m *contentMemory) write(r *memRecord, id string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if r == nil {
		r, m.stale = &memRecord{id: id}, true
	}
	if m.loading {
		m.journal = append(m.journal, r)
	}
	m.apply(r)
	clear(m.orders)
}

// apply puts or removes one record; an older version never replaces a
// newer one (call with mu held).
func (m *contentMemory) apply(r *memRecord) {
	if r.raw == nil {
		delete(m.byID, r.id)
		return
	}
	if old, ok := m.byID[r.id]; ok && old.version > r.version {
		return
	}
	m.byID[r.id] = r
}

// memList answers a list as List does against the database.
func (c *Content[T, P]) memList(ctx context.Context, q models.ListQuery, sort bson.D) (models.List[P], error) {
	if err := c.db.Ping(ctx); err != nil {
		return models.List[P]{}, err
	}
	var extra bson.D
	if c.spec.Filter != nil {
		extra = c.spec.Filter(q)
	}
	text := models.FoldText(q.Q)
	from := (q.Page - 1) * q.PerPage
	var page []bson.Raw
	var total int64
	c.mem.mu.Lock()
	for _, r := range c.mem.ordered(q.Sort, sort) {
		if (q.Status != "" && r.status != q.Status) || (q.Q != "" && !strings.Contains(r.search, text)) || !matchesAll(r.raw, extra) {
			continue
		}
		if total >= int64(from) && len(page) < q.PerPage {
			page = append(page, r.raw)
		}
		total++
	}
	c.mem.mu.Unlock()
	out := models.List[P]{Items: make([]P, len(page)), Total: total, Page: q.Page, PerPage: q.PerPage}
	for i, raw := range page {
		var item T
		if err := bson.Unmarshal(raw, &item); err != nil {
			return models.List[P]{}, err
		}
		out.Items[i] = &item
	}
	return out, nil
}

// ordered returns every record in the order of sort (then _id), built
// once per sort name after each write (call with mu held for writing).
func (m *contentMemory) ordered(name string, sort bson.D) []*memRecord {
	if o, ok := m.orders[name]; ok {
		return o
	}
	type keyed struct {
		r    *memRecord
		keys []bson.RawValue
	}
	all := make([]keyed, 0, len(m.byID))
	for _, r := range m.byID {
		k := keyed{r: r, keys: make([]bson.RawValue, len(sort))}
		for i, e := range sort {
			k.keys[i] = lookup(r.raw, e.Key)
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
		return strings.Compare(a.r.id, b.r.id)
	})
	o := make([]*memRecord, len(all))
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
func matchesAll(raw bson.Raw, filter bson.D) bool {
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

package docindex

import (
	"slices"

	"github.com/jesenice/twincms/models"
)

// lists are per-key lists of records in list order (newest first, then
// id): one per kind, status, partnership, checksum and year. A search by
// one of these filters is then a slice of one list (O(page)), and a search
// combining filters walks the shortest list only, never every record.
type lists[K comparable] map[K][]*models.Document

// insert puts d into key's list at its place (call with mu held).
func (l lists[K]) insert(key K, d *models.Document) {
	s := l[key]
	i, _ := slices.BinarySearchFunc(s, d, compare)
	l[key] = slices.Insert(s, i, d)
}

// append adds d at the end of key's list: a load adds records in order.
func (l lists[K]) append(key K, d *models.Document) { l[key] = append(l[key], d) }

// delete takes d out of key's list, dropping the list when it empties.
func (l lists[K]) delete(key K, d *models.Document) {
	s := l[key]
	if i, found := slices.BinarySearchFunc(s, d, compare); found {
		s = slices.Delete(s, i, i+1)
	}
	if len(s) == 0 {
		delete(l, key)
	} else {
		l[key] = s
	}
}

// keyed are the lists of one index: each record is in one list per field
// (one per partnership it records).
type keyed struct {
	kind        lists[models.DocumentKind]
	status      lists[models.DocumentStatus]
	partnership lists[string]
	sha         lists[string]
	year        lists[int]
}

func newKeyed() keyed {
	return keyed{kind: lists[models.DocumentKind]{}, status: lists[models.DocumentStatus]{}, partnership: lists[string]{},
		sha: lists[string]{}, year: lists[int]{}}
}

// add puts d into its lists; sorted says the caller adds records in list
// order (a load), so each goes at the end.
func (k keyed) add(d *models.Document, sorted bool) {
	if sorted {
		k.kind.append(d.Kind, d)
		k.status.append(d.Status, d)
		k.sha.append(d.File.SHA256, d)
		k.year.append(d.Year, d)
		for _, p := range distinct(d.PartnershipIDs) {
			k.partnership.append(p, d)
		}
		return
	}
	k.kind.insert(d.Kind, d)
	k.status.insert(d.Status, d)
	k.sha.insert(d.File.SHA256, d)
	k.year.insert(d.Year, d)
	for _, p := range distinct(d.PartnershipIDs) {
		k.partnership.insert(p, d)
	}
}

// drop takes d out of its lists.
func (k keyed) drop(d *models.Document) {
	k.kind.delete(d.Kind, d)
	k.status.delete(d.Status, d)
	k.sha.delete(d.File.SHA256, d)
	k.year.delete(d.Year, d)
	for _, p := range distinct(d.PartnershipIDs) {
		k.partnership.delete(p, d)
	}
}

// empty tells whether no list holds a record.
func (k keyed) empty() bool {
	return len(k.kind)+len(k.status)+len(k.partnership)+len(k.sha)+len(k.year) == 0
}

// distinct is ids without repeats (a record listing a partnership twice
// is in its list once).
func distinct(ids []string) []string {
	if len(ids) < 2 {
		return ids
	}
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

package models

import (
	"encoding/json"
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// FoldText lowercases s and strips accents so that a search for "trbiz"
// finds "Trbiž"; it is applied to stored search text and to queries alike.
func FoldText(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(strings.ToLower(s)) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// searchText joins the folded texts a list's q filter looks in.
func searchText(parts ...string) string {
	return FoldText(strings.Join(parts, " \x1f "))
}

func allLocales(t Localized) string {
	keys := make([]string, 0, len(t))
	for k := range t {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var out []string
	for _, k := range keys {
		out = append(out, t[k])
	}
	return strings.Join(out, " \x1f ")
}

// ChangedFields lists the top-level JSON fields that differ between two
// versions of a resource, for the version history. Server-owned fields are
// left out: they change with every version.
func ChangedFields(before, after any) []string {
	var a, b map[string]json.RawMessage
	ba, _ := json.Marshal(before)
	bb, _ := json.Marshal(after)
	_ = json.Unmarshal(ba, &a)
	_ = json.Unmarshal(bb, &b)
	var out []string
	for k, v := range b {
		if slices.Contains(ServerOwnedFields, k) {
			continue
		}
		if string(a[k]) != string(v) {
			out = append(out, k)
		}
	}
	for k := range a {
		if _, ok := b[k]; !ok && !slices.Contains(ServerOwnedFields, k) {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

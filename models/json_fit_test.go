package models

import (
	"reflect"
	"slices"
	"testing"
	"time"
)

type fitInner struct {
	Year int8 `json:"year"`
}

type fitOuter struct {
	fitEmbedded
	Name  string            `json:"name"`
	Items []fitInner        `json:"items"`
	Tags  map[string]string `json:"tags"`
	At    time.Time         `json:"at"`
	Ratio float64           `json:"ratio"`
	On    *bool             `json:"on"`
	Skip  string            `json:"-"`
}

type fitEmbedded struct {
	ID   string `json:"id"`
	Name int    `json:"name"` // shadowed by fitOuter.Name
}

// Every misfit of a body is named at its full path, in a stable order;
// what encoding/json accepts (null, a key in another case, an embedded
// struct's field, a type with its own decoding) is not.
func TestFitProblemsNamesEveryMisfitAtItsPath(t *testing.T) {
	cases := []struct {
		body string
		want []string // field: problem
	}{
		{`{"name":"x","id":"y","items":[{"year":1},{"year":2}],"tags":{"a":"b"},"ratio":1.5,"on":true}`, nil},
		{`{"NAME":"x","on":null,"items":null,"at":"2026-12-07T10:00:00Z"}`, nil},
		{`{"name":5,"items":[{"year":1},{"year":"x"},{"year":300},{"year":1.5}],"tags":{"a":1},"ratio":"1","on":"yes","nope":1,"Skip":"x"}`, []string{
			"Skip: is not a known field",
			"items[1].year: must be a JSON integer, not string",
			"items[2].year: must be a JSON integer, not number",
			"items[3].year: must be a JSON integer, not number",
			"name: must be a JSON string, not number",
			"nope: is not a known field",
			"on: must be a JSON boolean, not string",
			"ratio: must be a JSON number, not string",
			"tags.a: must be a JSON string, not number",
		}},
		{`[1]`, []string{"body: must be a JSON object, not array"}},
		{`{"items":{"year":1}}`, []string{"items: must be a JSON array, not object"}},
	}
	for _, c := range cases {
		p := fitProblems([]byte(c.body), reflectTypeOf[fitOuter]())
		var got []string
		for _, fp := range p.list {
			got = append(got, fp.Field+": "+fp.Problem)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%s:\n got %q\nwant %q", c.body, got, c.want)
		}
		var dst fitOuter
		err := DecodeStrict([]byte(c.body), &dst)
		if (err != nil) != (len(c.want) > 0) {
			t.Errorf("%s: DecodeStrict says %v", c.body, err)
		}
		if len(c.want) > 0 && !PartlyDecoded(err) {
			t.Errorf("%s: %v is not PartlyDecoded", c.body, err)
		}
	}
}

func reflectTypeOf[T any]() reflect.Type { return reflect.TypeFor[*T]() }

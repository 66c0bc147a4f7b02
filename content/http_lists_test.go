package content_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/jesenice/twincms/internal/apitest"
)

// Reads: the public locale fallback, the editor list's collation, filters and paging.

func TestLocaleFallbackIsMarked(t *testing.T) {
	shared := apitest.Shared(t)
	cases := []struct {
		name, path, header, wantLocale, field, wantText, wantFrom string
	}{
		{"Serbian for Valjevo", "/api/v1/public/partnerships/valjevo?locale=sr", "", "sr", "name", "Ваљево", "sr"},
		{"Italian falls back to English", "/api/v1/public/partnerships/valjevo?locale=it", "", "it", "official_name", "Municipality of Valjevo", "en"},
		{"Italian for Trbiž", "/api/v1/public/partnerships/trbiz?locale=it", "", "it", "name", "Tarvisio", "it"},
		{"Accept-Language German", "/api/v1/public/partnerships/trbiz", "de-AT,de;q=0.9,en;q=0.5", "de", "name", "Tarvis", "de"},
		{"Accept-Language unknown falls to default", "/api/v1/public/partnerships/trbiz", "fr, ja;q=0.5", "sl", "name", "Trbiž", "sl"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := apitest.Expect(t, shared.Do(t, apitest.Req{Method: "GET", Path: tc.path, Headers: map[string]string{"Accept-Language": tc.header}}), 200)
			if r.Header.Get("Content-Language") != tc.wantLocale || !strings.Contains(r.Header.Get("Vary"), "Accept-Language") {
				t.Fatalf("headers: %v", r.Header)
			}
			m := r.Map(t)
			from := m["field_locales"].(map[string]any)
			if m[tc.field] != tc.wantText || from[tc.field] != tc.wantFrom || m["locale"] != tc.wantLocale {
				t.Fatalf("%s = %v from %v; want %q from %s", tc.field, m[tc.field], from[tc.field], tc.wantText, tc.wantFrom)
			}
		})
	}
	apitest.ExpectProblem(t, shared.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/public/partnerships/trbiz?locale=xx"}), 400, "malformed-request")

	// Fallback is applied on read only: the stored record keeps no "it".
	ed := shared.NewToken(t, "editor")
	var list struct {
		Items []map[string]any `json:"items"`
	}
	apitest.Expect(t, shared.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/partnerships?q=valjevo", Token: ed}), 200).JSON(t, &list)
	if _, ok := list.Items[0]["partner"].(map[string]any)["official_name"].(map[string]any)["it"]; ok {
		t.Fatal("a fallback was written back to the record")
	}
}

func TestNamesSortInSlovenianOrder(t *testing.T) {
	shared := apitest.Shared(t)
	ed := shared.NewToken(t, "editor")
	names := []string{"Žalec", "Zagreb", "Šempeter", "Sežana", "Čačak", "Cerknica", "Ajdovščina"}
	for i, n := range names {
		b := apitest.MinimalPartnership(fmt.Sprintf("collation-%d", i), n)
		b["partner"].(map[string]any)["official_name"] = map[string]any{"sl": "kolacijski test"}
		apitest.Create(t, shared, ed, b)
	}
	var list struct {
		Items []struct {
			Partner struct {
				Name map[string]string `json:"name"`
			} `json:"partner"`
		} `json:"items"`
	}
	apitest.Expect(t, shared.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/partnerships?q=kolacijski&sort=name", Token: ed}), 200).JSON(t, &list)
	var got []string
	for _, it := range list.Items {
		got = append(got, it.Partner.Name["sl"])
	}
	want := "Ajdovščina,Cerknica,Čačak,Sežana,Šempeter,Zagreb,Žalec"
	if strings.Join(got, ",") != want {
		t.Fatalf("order %v, want %s", got, want)
	}
}

func TestListFiltersAndPaging(t *testing.T) {
	shared := apitest.Shared(t)
	ed := shared.NewToken(t, "editor")
	type list struct {
		Items []struct {
			Slug string `json:"slug"`
		} `json:"items"`
		Total   int `json:"total"`
		Page    int `json:"page"`
		PerPage int `json:"per_page"`
	}
	slugs := func(l list) string {
		var s []string
		for _, it := range l.Items {
			s = append(s, it.Slug)
		}
		return strings.Join(s, ",")
	}
	cases := []struct {
		query string
		want  string
		total int
	}{
		{"status=published&relation=twin", "valjevo,trbovlje", 2},
		{"status=published&country=at", "sentjakob-v-rozu", 1},
		{"status=published&area=tourism", "sentjakob-v-rozu,trbiz", 2},
		{"status=published&area=firefighting", "sentjakob-v-rozu", 1},
		{"q=tarvis", "trbiz", 1},
		{"q=SENTJAKOB", "sentjakob-v-rozu", 1},
		{"status=published&relation=cross_border&sort=-name", "trbiz", 1},
		{"status=published&per_page=2&page=2", "nagold,sentjakob-v-rozu", 5},
		{"status=published&per_page=2&page=9", "", 5},
	}
	for _, tc := range cases {
		t.Run(tc.query, func(t *testing.T) {
			var l list
			apitest.Expect(t, shared.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/partnerships?" + tc.query, Token: ed}), 200).JSON(t, &l)
			if slugs(l) != tc.want || l.Total != tc.total {
				t.Fatalf("got %q (total %d), want %q (total %d)", slugs(l), l.Total, tc.want, tc.total)
			}
		})
	}
	for _, bad := range []string{"per_page=101", "per_page=0", "page=0", "page=-1", "page=x", "status=secret", "relation=enemy", "country=XX", "area=mining", "sort=colour"} {
		t.Run("bad "+bad, func(t *testing.T) {
			apitest.ExpectProblem(t, shared.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/partnerships?" + bad, Token: ed}), 400, "malformed-request")
		})
	}
}

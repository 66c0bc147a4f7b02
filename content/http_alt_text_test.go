package content_test

import (
	"image/color"
	"strings"
	"testing"

	"github.com/jesenice/twincms/internal/apitest"
	"github.com/jesenice/twincms/internal/demo"
)

// A partnership showing a crest is published only when the crest has alt
// text in each locale the partnership is written in, or is decorative;
// the public API carries the alt text with the usual locale fallback.
func TestPublishingNeedsCrestAltText(t *testing.T) {
	s := apitest.Shared(t)
	ed := s.NewToken(t, "editor")
	shield := demo.ShieldPNG(color.NRGBA{R: 10, G: 120, B: 30, A: 255}, color.NRGBA{R: 200, G: 10, B: 99, A: 255})
	meta := apitest.DocMeta("crest", "Grb alt")
	delete(meta, "alt")
	crest := apitest.Expect(t, s.Upload(t, ed, meta, "grb-alt.png", "image/png", shield), 201).Map(t)
	crestPath := "/api/v1/documents/" + crest["id"].(string)

	body := apitest.MinimalPartnership("alt-besedilo", "Alt")
	body["partner"].(map[string]any)["name"] = map[string]string{"sl": "Alt mesto", "en": "Alt town"}
	body["crest_id"] = crest["id"]
	p := apitest.Create(t, s, ed, body)
	path := apitest.PartnershipPath(p)
	s.RemoveAtEnd(t, path)
	publish := func() apitest.Resp {
		cur := apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: path, Token: ed}), 200)
		return s.Do(t, apitest.Req{Method: "POST", Path: path + "/publish", Token: ed, Headers: map[string]string{"If-Match": cur.Header.Get("ETag")}})
	}
	patchCrest := func(change map[string]any) {
		cur := apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: crestPath, Token: ed}), 200)
		apitest.Expect(t, s.Do(t, apitest.Req{Method: "PATCH", Path: crestPath, Token: ed, Body: change,
			Headers: map[string]string{"If-Match": cur.Header.Get("ETag"), "Content-Type": "application/merge-patch+json"}}), 200)
	}
	refused := func(locales string) {
		t.Helper()
		pr := apitest.ExpectProblem(t, publish(), 422, "validation-failed")
		errs, _ := pr["errors"].([]any)
		if len(errs) != 1 || errs[0].(map[string]any)["field"] != "crest_id" || errs[0].(map[string]any)["code"] != "missing_alt" || !strings.Contains(errs[0].(map[string]any)["problem"].(string), "no alt text in "+locales) {
			t.Fatalf("want crest_id without alt text in %s: %v", locales, pr)
		}
	}
	refused("sl, en")
	patchCrest(map[string]any{"alt": map[string]string{"sl": "Grb mesta Alt: ščit, levo zelen, desno rdeč"}})
	refused("en")
	patchCrest(map[string]any{"alt": map[string]any{"en": "Crest of Alt town: a shield, green and red"}})
	apitest.Expect(t, publish(), 200)

	var pub struct {
		Crest struct {
			Alt        string `json:"alt"`
			Decorative bool   `json:"decorative"`
		} `json:"crest"`
		FieldLocales map[string]string `json:"field_locales"`
	}
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/public/partnerships/alt-besedilo?locale=en"}), 200).JSON(t, &pub)
	if pub.Crest.Alt != "Crest of Alt town: a shield, green and red" {
		t.Errorf("en alt %+v", pub.Crest)
	}
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/public/partnerships/alt-besedilo?locale=de"}), 200).JSON(t, &pub)
	if pub.Crest.Alt != "Crest of Alt town: a shield, green and red" || pub.FieldLocales["crest.alt"] != "en" {
		t.Errorf("de falls back to en: %+v %v", pub.Crest, pub.FieldLocales)
	}

	// A decorative crest needs none, and is shown with an empty alt.
	cur := apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: path, Token: ed}), 200)
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: path + "/unpublish", Token: ed, Headers: map[string]string{"If-Match": cur.Header.Get("ETag")}}), 200)
	patchCrest(map[string]any{"alt": nil, "decorative": true})
	apitest.Expect(t, publish(), 200)
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/public/partnerships/alt-besedilo"}), 200).JSON(t, &pub)
	if pub.Crest.Alt != "" || !pub.Crest.Decorative {
		t.Errorf("decorative crest %+v", pub.Crest)
	}

	// Bad values are refused with the field.
	for field, v := range map[string]any{"rights": "not a uri", "alt": map[string]string{"xx": "?"}} {
		cur := apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: crestPath, Token: ed}), 200)
		pr := apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "PATCH", Path: crestPath, Token: ed, Body: map[string]any{field: v},
			Headers: map[string]string{"If-Match": cur.Header.Get("ETag"), "Content-Type": "application/merge-patch+json"}}), 422, "validation-failed")
		if !strings.Contains(string(apitest.MustJSON(t, pr)), `"field":"`+field) {
			t.Errorf("%s: %v", field, pr)
		}
	}
}

package content_test

import (
	"strings"
	"testing"

	"github.com/jesenice/twincms/internal/apitest"
)

// Rich text shows only images served by twincms, paths on the website
// and the configured origins (TWINCMS_RICHTEXT_IMAGE_ORIGINS): an image
// from anywhere else would make every reader's browser call that site.
// Refusals are 422s naming the field and locale, like scripts.
func TestRichTextImagesComeFromTwincmsOrAllowedOrigins(t *testing.T) {
	shared := apitest.Shared(t)
	ed := shared.NewToken(t, "editor")
	own := `<p>Grb <img src="/api/v1/public/files/0123456789abcdef01234567/256?exp=1&amp;sig=x" alt="grb"></p>`
	b := apitest.Expect(t, shared.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/blocks", Token: ed,
		Body: map[string]any{"key": "images-block", "body": map[string]any{"sl": own}}}), 201).Map(t)
	path := "/api/v1/blocks/" + b["id"].(string)
	t.Cleanup(func() {
		apitest.Expect(t, shared.Do(t, apitest.Req{Method: "DELETE", Path: path, Token: ed, Headers: apitest.IfMatch(2)}), 204)
	})
	if b["body"].(map[string]any)["sl"] != own {
		t.Fatalf("twincms's own image was changed: %v", b["body"])
	}

	allowed := `<p><img src="https://www.jesenice.si/grb.png" alt="grb"></p>`
	for name, html := range map[string]string{
		"absolute":          `<p>Pozdrav <img src="https://tracker.example/p.gif?u=1"></p>`,
		"protocol-relative": `<img src="//tracker.example/p.gif">`,
		"backslashes":       `<img src="/\tracker.example/p.gif">`,
		"srcset":            `<img src="/a.png" srcset="/a.png 1x, https://tracker.example/p.gif 2x">`,
		"picture source":    `<picture><source srcset="https://tracker.example/p.webp"><img src="/a.png"></picture>`,
		"not configured":    allowed,
	} {
		p := apitest.ExpectProblem(t, shared.Do(t, apitest.Req{Method: "PATCH", Path: path, Token: ed, Headers: apitest.IfMatch(1),
			Body: map[string]any{"body": map[string]any{"en": html}}}), 422, "validation-failed")
		expectFieldProblem(t, name, p, "body.en", "images from")
	}
	body := apitest.MinimalPartnership("images-partner", "Slike")
	body["summary"] = map[string]any{"sl": `<img src="https://tracker.example/p.gif">`}
	p := apitest.ExpectProblem(t, shared.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/partnerships", Token: ed, Body: body}), 422, "validation-failed")
	expectFieldProblem(t, "partnership summary", p, "summary.sl", "tracker.example")

	// A configured origin is allowed, on an instance that names it.
	site := shared.Sibling(t, map[string]string{"TWINCMS_RICHTEXT_IMAGE_ORIGINS": "https://www.jesenice.si"})
	got := apitest.Expect(t, site.Do(t, apitest.Req{Method: "PATCH", Path: path, Token: ed, Headers: apitest.IfMatch(1),
		Body: map[string]any{"body": map[string]any{"en": allowed}}}), 200).Map(t)
	if got["body"].(map[string]any)["en"] != allowed {
		t.Fatalf("the allowed image was changed: %v", got["body"])
	}
	p = apitest.ExpectProblem(t, site.Do(t, apitest.Req{Method: "PATCH", Path: path, Token: ed, Headers: apitest.IfMatch(2),
		Body: map[string]any{"body": map[string]any{"de": `<img src="https://tracker.example/p.gif">`}}}), 422, "validation-failed")
	expectFieldProblem(t, "other origin", p, "body.de", "https://www.jesenice.si")
}

// expectFieldProblem fails unless the problem's errors name field with a
// text holding want.
func expectFieldProblem(t *testing.T, what string, p map[string]any, field, want string) {
	t.Helper()
	errs, _ := p["errors"].([]any)
	for _, e := range errs {
		if e := e.(map[string]any); e["field"] == field && strings.Contains(e["problem"].(string), want) {
			return
		}
	}
	t.Errorf("%s: want a problem on %s saying %q, got %v", what, field, want, p["errors"])
}

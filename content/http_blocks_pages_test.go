package content_test

import (
	"testing"

	"github.com/jesenice/twincms/internal/apitest"
)

func TestBlocksAndPages(t *testing.T) {
	shared := apitest.Shared(t)
	ed := shared.NewToken(t, "editor")
	b := apitest.Expect(t, shared.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/blocks", Token: ed,
		Body: map[string]any{"key": "test-block", "body": map[string]any{"sl": "<p>Pozdrav</p>", "en": "<p>Hello</p>"}}}), 201).Map(t)
	apitest.ExpectProblem(t, shared.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/blocks", Token: ed,
		Body: map[string]any{"key": "bad-block", "body": map[string]any{"sl": `<p onclick="x()">a</p>`}}}), 422, "validation-failed")
	pg := apitest.Expect(t, shared.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/pages", Token: ed,
		Body: map[string]any{"slug": "test-page", "title": map[string]any{"sl": "Testna stran"}, "blocks": []string{"test-block"}}}), 201).Map(t)
	apitest.ExpectProblem(t, shared.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/public/pages/test-page"}), 404, "not-found")
	apitest.Expect(t, shared.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/pages/" + pg["id"].(string) + "/publish", Token: ed, Headers: apitest.IfMatch(1)}), 200)
	page := apitest.Expect(t, shared.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/public/pages/test-page?locale=en"}), 200).Map(t)
	if len(page["blocks"].([]any)) != 0 || page["title"] != "Testna stran" || page["field_locales"].(map[string]any)["title"] != "sl" {
		t.Fatalf("a draft block showed on a published page, or the title is wrong: %v", page)
	}
	apitest.Expect(t, shared.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/blocks/" + b["id"].(string) + "/publish", Token: ed, Headers: apitest.IfMatch(1)}), 200)
	page = apitest.Expect(t, shared.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/public/pages/test-page?locale=en"}), 200).Map(t)
	if blocks := page["blocks"].([]any); len(blocks) != 1 || blocks[0].(map[string]any)["body"] != "<p>Hello</p>" {
		t.Fatalf("published block missing: %v", page)
	}
	block := apitest.Expect(t, shared.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/public/blocks/test-block?locale=de"}), 200).Map(t)
	if block["body"] != "<p>Hello</p>" || block["field_locales"].(map[string]any)["body"] != "en" {
		t.Fatalf("block fallback: %v", block)
	}
}

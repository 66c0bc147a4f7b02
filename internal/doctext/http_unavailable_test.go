package doctext_test

import (
	"strings"
	"testing"

	"github.com/jesenice/twincms/internal/apitest"
)

// Without Tesseract and poppler on PATH twincms runs, stays ready, marks
// a scan "OCR unavailable" and says so where its text is asked for; a
// document's extraction can be queued again, never while withdrawn.
func TestOCRUnavailableWithoutTheProgramsAndReadinessStaysGreen(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	s := apitest.Empty(t, nil)
	ed, ar := s.NewToken(t, "editor"), s.NewToken(t, "archivist")
	up := apitest.Expect(t, s.Upload(t, ed, map[string]any{"kind": "scan", "language": "sl", "title": map[string]string{"sl": "Sken"}},
		"sken.png", "", pngOf(t, renderPage(t, charterLines[:2]))), 201).Map(t)
	id := up["id"].(string)
	text := waitText(t, s, ed, id)
	if text["status"] != "unavailable" || !strings.Contains(text["error"].(string), "OCR unavailable") {
		t.Fatalf("text facts %v", text)
	}
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/readyz"}), 200)
	p := apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/archive/documents/" + id + "/text", Token: ar}), 404, "not-found")
	if !strings.Contains(p["detail"].(string), "OCR unavailable") {
		t.Errorf("404 detail %v", p["detail"])
	}
	var state map[string]any
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/archive/text-extraction", Token: ar}), 200).JSON(t, &state)
	if state["ocr"] != false || state["documents"].(map[string]any)["unavailable"].(float64) != 1 {
		t.Errorf("state %v", state)
	}
	again := apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/archive/documents/" + id + "/text", Token: ar}), 202).Map(t)
	if again["text"].(map[string]any)["status"] != "queued" {
		t.Errorf("requeued %v", again["text"])
	}
	waitText(t, s, ed, id)
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "DELETE", Path: "/api/v1/documents/" + id, Token: ed, Headers: apitest.IfMatch(1)}), 200)
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/archive/documents/" + id + "/text", Token: ar}), 409, "conflict")
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/public/documents/" + id + "/text"}), 404, "not-found")
}

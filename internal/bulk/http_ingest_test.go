package bulk_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/jesenice/twincms/internal/apitest"
)

// Bulk ingest over HTTP: a zipped bag in, a job to follow.

// A zipped bag through the HTTP API: 202 with a queued job and its
// Location, then done with every file stored; the same bag again skips
// them all. A tampered bag's job fails naming the file, nothing stored.
func TestIngestOverHTTPRunsAJobPerBag(t *testing.T) {
	s := apitest.Empty(t, map[string]string{"TWINCMS_MAX_INGEST_BYTES": "256KiB"})
	ar, ed := s.NewToken(t, "archivist"), s.NewToken(t, "editor")
	files := apitest.TinyPDFs(60, "council-minutes", "1987")
	bag := apitest.WriteBag(t, t.TempDir(), files)
	zipped := apitest.ZipDir(t, bag, "minutes-bag")

	r := apitest.Expect(t, submitBag(t, s, ar, zipped), 202)
	job := r.Map(t)
	loc := r.Header.Get("Location")
	if loc != "/api/v1/archive/ingests/"+job["id"].(string) || job["status"] != "queued" {
		t.Fatalf("202: Location %q, job %v", loc, job)
	}
	done := waitForJob(t, s, ar, loc)
	if done["status"] != "done" || done["total"].(float64) != 60 || done["stored"].(float64) != 60 || done["failed"].(float64) != 0 ||
		len(done["errors"].([]any)) != 0 || s.DocumentCount(t) != 60 {
		t.Fatalf("job %v; %d documents", done, s.DocumentCount(t))
	}
	// Any role that may read the archive sees the job; an admin too.
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: loc, Token: apitest.AdminToken}), 200)
	again := waitForJob(t, s, ar, apitest.Expect(t, submitBag(t, s, ar, zipped), 202).Header.Get("Location"))
	if again["status"] != "done" || again["skipped"].(float64) != 60 || again["stored"].(float64) != 0 || s.DocumentCount(t) != 60 {
		t.Fatalf("the same bag again: %v", again)
	}

	before := s.Stored(t)
	apitest.WriteFolder(t, bag, []apitest.BagFile{{Path: "data/1987/council-minutes-0017.pdf", Body: []byte("%PDF-1.4\n% council minutes 17, retyped\n")}})
	tampered := apitest.ZipDir(t, bag, "minutes-bag")
	failed := waitForJob(t, s, ar, apitest.Expect(t, submitBag(t, s, ar, tampered), 202).Header.Get("Location"))
	named := false
	for _, e := range failed["errors"].([]any) {
		e := e.(map[string]any)
		named = named || e["file"] == "data/1987/council-minutes-0017.pdf" && strings.Contains(e["reason"].(string), "does not match its sha256 checksum")
	}
	if failed["status"] != "failed" || failed["stored"].(float64) != 0 || !named {
		t.Fatalf("tampered bag: %v", failed)
	}
	if after := s.Stored(t); after != before {
		t.Fatalf("a refused bag stored something: %+v → %+v", before, after)
	}

	// Refusals, each a problem, nothing stored.
	apitest.ExpectProblem(t, submitBag(t, s, ed, zipped), 403, "forbidden")
	apitest.ExpectProblem(t, submitBag(t, s, "", zipped), 401, "unauthorized")
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/archive/ingests", Token: ar, Body: zipped,
		Headers: map[string]string{"Content-Type": "application/octet-stream"}}), 415, "unsupported-media-type")
	apitest.ExpectProblem(t, submitBag(t, s, ar, []byte("this is not a zip")), 400, "malformed-request")
	apitest.ExpectProblem(t, submitBag(t, s, ar, apitest.ZipDir(t, writeFolder2(t, files[:3]), "")), 422, "validation-failed")
	apitest.ExpectProblem(t, submitBag(t, s, ar, bytes.Repeat([]byte("PK"), 200<<10)), 413, "too-large")
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/archive/ingests/0123456789abcdef01234567", Token: ar}), 404, "not-found")
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "GET", Path: loc, Token: ed}), 403, "forbidden")
	if after := s.Stored(t); after != before {
		t.Fatalf("a refused request stored something: %+v → %+v", before, after)
	}
}

// writeFolder2 writes files into a new folder (a zip of it is no bag).
func writeFolder2(t testing.TB, files []apitest.BagFile) string {
	t.Helper()
	dir := t.(*testing.T).TempDir()
	apitest.WriteFolder(t, dir, files)
	return dir
}

// A bag exported by our own /archive/partnerships/{id}/bag re-imports
// into another instance: the same bytes, kinds, titles and provenance,
// linked to the partnership of the same slug there.
func TestIngestReimportsOurOwnBagExport(t *testing.T) {
	shared := apitest.Shared(t)
	ar := shared.NewToken(t, "archivist")
	ed := shared.NewToken(t, "editor")
	nagoldID := shared.PartnershipID(t, ed, "nagold")
	exported := apitest.Expect(t, shared.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/archive/partnerships/" + nagoldID + "/bag", Token: ar}), 200).Body
	var originals struct {
		Items []map[string]any `json:"items"`
	}
	apitest.Expect(t, shared.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/archive/documents?per_page=100&partnership=" + nagoldID, Token: ar}), 200).JSON(t, &originals)

	dst := apitest.Empty(t, nil)
	dstAr, dstEd := dst.NewToken(t, "archivist"), dst.NewToken(t, "editor")
	nagold := apitest.Create(t, dst, dstEd, apitest.MinimalPartnership("nagold", "Nagold"))
	job := waitForJob(t, dst, dstAr, apitest.Expect(t, submitBag(t, dst, dstAr, exported), 202).Header.Get("Location"))
	if job["status"] != "done" || job["stored"].(float64) != float64(len(originals.Items)) || len(originals.Items) != 5 {
		t.Fatalf("re-import: %v (exported %d documents)", job, len(originals.Items))
	}
	for _, o := range originals.Items {
		file := o["file"].(map[string]any)
		found := apitest.Expect(t, dst.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/archive/documents?sha256=" + file["sha256"].(string), Token: dstAr}), 200).Map(t)["items"].([]any)
		if len(found) != 1 {
			t.Fatalf("%s was not re-imported", file["original_filename"])
		}
		d := found[0].(map[string]any)
		links := d["partnership_ids"].([]any)
		if d["kind"] != o["kind"] || d["title"].(map[string]any)["sl"] != o["title"].(map[string]any)["sl"] ||
			d["file"].(map[string]any)["original_filename"] != file["original_filename"] ||
			d["provenance"].(map[string]any)["archival_ref"] != o["provenance"].(map[string]any)["archival_ref"] ||
			len(links) != 1 || links[0] != nagold["id"] {
			t.Fatalf("re-imported as %v, exported as %v", d, o)
		}
	}
}

// submitBag posts a zipped bag and returns the response.
func submitBag(t testing.TB, s *apitest.Server, token string, body []byte) apitest.Resp {
	t.Helper()
	return s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/archive/ingests", Token: token, Body: body,
		Headers: map[string]string{"Content-Type": "application/zip"}})
}

// waitForJob polls a job's Location until it has finished (bounded).
func waitForJob(t testing.TB, s *apitest.Server, token, location string) map[string]any {
	t.Helper()
	deadline := time.Now().Add(3 * time.Minute)
	for {
		job := apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: location, Token: token}), 200).Map(t)
		if st := job["status"]; st == "done" || st == "failed" {
			return job
		}
		if time.Now().After(deadline) {
			t.Fatalf("job still %v after 3 min: %v", job["status"], job)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

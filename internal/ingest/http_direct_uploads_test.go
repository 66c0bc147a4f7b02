package ingest_test

import (
	"testing"

	"github.com/jesenice/twincms/internal/apitest"
	"github.com/jesenice/twincms/internal/demo"
)

// Direct uploads: a ticket, a PUT to the signed URL, then completion.

func TestDirectUploadIsVerifiedBeforeItBecomesADocument(t *testing.T) {
	shared := apitest.Shared(t)
	ed := shared.NewToken(t, "editor")
	data := demo.PlaceholderPDF("Direct " + t.Name())
	start := func(size int, sum string) map[string]any {
		return apitest.Expect(t, shared.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/uploads", Token: ed, Body: map[string]any{
			"filename": "Pregled sodelovanja.pdf", "size": size, "sha256": sum, "metadata": apitest.DocMeta("overview", "Pregled")}}), 201).Map(t)
	}
	put := func(ticket map[string]any, body []byte) int { return apitest.PutToTicket(t, ticket, body) }
	complete := func(ticket map[string]any) apitest.Resp {
		id := ticket["upload"].(map[string]any)["id"].(string)
		return shared.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/uploads/" + id + "/complete", Token: ed})
	}

	good := start(len(data), apitest.SHA(data))
	apitest.ExpectProblem(t, complete(good), 409, "conflict") // nothing uploaded yet
	if st := put(good, data); st != 200 {
		t.Fatalf("PUT to the signed URL: %d", st)
	}
	done := apitest.Expect(t, complete(good), 201)
	d := done.Map(t)
	if d["file"].(map[string]any)["sha256"] != apitest.SHA(data) || d["id"] != good["upload"].(map[string]any)["document_id"] {
		t.Fatalf("completed document: %v", d)
	}
	if loc := done.Header.Get("Location"); loc != "/api/v1/documents/"+d["id"].(string) {
		t.Errorf("Location %q, want the document's URL", loc)
	}
	apitest.ExpectProblem(t, complete(good), 404, "not-found") // completed once

	// The object store refuses bytes whose checksum differs from the signed one.
	other := demo.PlaceholderPDF("Other " + t.Name())
	lying := start(len(other), apitest.SHA(other))
	if st := put(lying, data); st != 400 {
		t.Fatalf("PUT with the wrong checksum: %d, want 400", st)
	}
	apitest.ExpectProblem(t, complete(lying), 409, "conflict")

	// Bytes that match their checksum but not the announced size are
	// refused at completion, and their object is removed.
	third := demo.PlaceholderPDF("Third " + t.Name())
	wrongSize := start(len(third)+5, apitest.SHA(third))
	if st := put(wrongSize, third); st != 200 {
		t.Fatalf("PUT: %d", st)
	}
	key := "originals/" + wrongSize["upload"].(map[string]any)["document_id"].(string)
	if !shared.ObjectKeys(t)[key] {
		t.Fatal("the uploaded object is not there")
	}
	apitest.ExpectProblem(t, complete(wrongSize), 422, "validation-failed")
	if shared.ObjectKeys(t)[key] {
		t.Fatal("a refused upload's object was left behind")
	}

	apitest.ExpectProblem(t, shared.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/uploads", Token: ed, Body: map[string]any{
		"filename": "a.pdf", "size": 10, "sha256": "XYZ", "metadata": apitest.DocMeta("scan", "x")}}), 422, "validation-failed")
}

// A direct upload of bytes already stored is a duplicate like any other:
// 409 naming the document, and neither its object nor its upload stays.
func TestDirectUploadOfStoredBytesIsADuplicateAndLeavesNothing(t *testing.T) {
	shared := apitest.Shared(t)
	data := apitest.PDFBytes("direct duplicate "+t.Name(), 64<<10)
	first := apitest.Expect(t, shared.Upload(t, apitest.AdminToken, apitest.DocMeta("scan", "Prvi"), "prvi.pdf", "", data), 201).Map(t)
	before := shared.StoreState(t)
	ticket := apitest.Expect(t, shared.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/uploads", Token: apitest.AdminToken, Body: map[string]any{
		"filename": "drugi.pdf", "size": len(data), "sha256": apitest.SHA(data), "metadata": apitest.DocMeta("scan", "Drugi")}}), 201).Map(t)
	apitest.PutToTicket(t, ticket, data)
	id := ticket["upload"].(map[string]any)["id"].(string)
	p := apitest.ExpectProblem(t, shared.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/uploads/" + id + "/complete", Token: apitest.AdminToken}), 409, "conflict")
	if p["duplicate_of"] != first["id"] {
		t.Fatalf("duplicate_of %v, want %v", p["duplicate_of"], first["id"])
	}
	shared.ExpectStoreUnchanged(t, before)
	apitest.ExpectProblem(t, shared.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/uploads/" + id + "/complete", Token: apitest.AdminToken}), 404, "not-found")
}

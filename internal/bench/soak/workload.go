package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jesenice/twincms/internal/demo"
)

// workload is the soak's clients and what they made.
type workload struct {
	c     *client
	stats *stats
	// run is the soak's own id, in every slug and title it makes.
	runID string

	mu           sync.Mutex
	partnerships []string // ids, deleted by cleanUp
	documents    []string // ids, purged by cleanUp
}

// timed sends one request, records it under kind and returns the answer
// when its status is one of want.
func (w *workload) timed(ctx context.Context, kind, method, path string, body any, headers map[string]string, want ...int) (answer, bool) {
	start := time.Now()
	a, err := w.c.do(ctx, method, path, body, headers)
	took := time.Since(start)
	if ctx.Err() != nil {
		return a, false // interrupted: not the service's doing
	}
	switch {
	case err != nil:
		w.stats.record(kind, took, err.Error())
	case !containsInt(want, a.status):
		w.stats.record(kind, took, fmt.Sprintf("%s %s: %d %.200s", method, strings.SplitN(path, "?", 2)[0], a.status, a.body))
	default:
		w.stats.record(kind, took, "")
		return a, true
	}
	return a, false
}

func containsInt(list []int, v int) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// prepare makes one published partnership per editor.
func (w *workload) prepare(ctx context.Context, editors int) error {
	w.runID = randomHex(4)
	for i := range editors {
		body := map[string]any{"slug": fmt.Sprintf("soak-%s-%d", w.runID, i), "relation": "friendship",
			"partner": map[string]any{"name": map[string]string{"sl": fmt.Sprintf("Soak %s %d", w.runID, i)}, "country": "SI"}}
		a, err := w.c.do(ctx, "POST", "/api/v1/partnerships", body, nil)
		if err != nil || a.status != 201 {
			return fmt.Errorf("create a partnership: %v %d %.200s", err, a.status, a.body)
		}
		var p struct{ ID string }
		if err := json.Unmarshal(a.body, &p); err != nil {
			return err
		}
		w.partnerships = append(w.partnerships, p.ID)
		if a, err := w.c.do(ctx, "POST", "/api/v1/partnerships/"+p.ID+"/publish", nil, map[string]string{"If-Match": `"1"`}); err != nil || a.status != 200 {
			return fmt.Errorf("publish a partnership: %v %d %.200s", err, a.status, a.body)
		}
	}
	return nil
}

// run starts every client and returns when the duration is over and each
// has finished its request in flight.
func (w *workload) run(ctx context.Context, d time.Duration, readers, uploaders int) {
	end := time.Now().Add(d)
	more := func() bool { return ctx.Err() == nil && time.Now().Before(end) }
	var wg sync.WaitGroup
	start := func(f func()) { wg.Add(1); go func() { defer wg.Done(); f() }() }
	for i := range readers {
		start(func() { w.reader(ctx, i, more) })
	}
	for range uploaders {
		start(func() { w.uploader(ctx, more) })
	}
	for _, id := range w.partnerships {
		start(func() { w.editor(ctx, id, more) })
	}
	wg.Wait()
}

// reader reads the public page in turn in three locales, revalidating
// every other time, and follows one of its file links every fifth time.
func (w *workload) reader(ctx context.Context, n int, more func() bool) {
	locales := []string{"sl", "en", "de"}
	etags := map[string]string{}
	var links []string
	for i := n; more(); i++ {
		loc := locales[i%len(locales)]
		path := "/api/v1/public/pages/pobratene-obcine?locale=" + loc
		if etag := etags[loc]; i%2 == 1 && etag != "" {
			// A new link window or an editor's change gives 200 instead.
			if a, ok := w.timed(ctx, "public 304", "GET", path, nil, map[string]string{"If-None-Match": etag}, 304, 200); ok && a.status == 200 {
				etags[loc] = a.header.Get("ETag")
			}
		} else if a, ok := w.timed(ctx, "public page", "GET", path, nil, nil, 200); ok {
			etags[loc] = a.header.Get("ETag")
			links = pageLinks(a.body)
		}
		if i%5 == 0 && len(links) > 0 {
			if a, ok := w.timed(ctx, "file link", "GET", links[rand.IntN(len(links))], nil, nil, 302); ok {
				w.timed(ctx, "store download", "GET", a.header.Get("Location"), nil, nil, 200)
			}
		}
	}
}

// pageLinks are the file links of a public page body.
func pageLinks(body []byte) []string {
	var page struct {
		Partnerships []struct {
			Crest *struct {
				Renditions map[string]struct{ URL string }
			}
			Documents []struct{ URL string }
		}
	}
	if json.Unmarshal(body, &page) != nil {
		return nil
	}
	var links []string
	for _, p := range page.Partnerships {
		for _, d := range p.Documents {
			links = append(links, d.URL)
		}
		if p.Crest != nil {
			for _, r := range p.Crest.Renditions {
				links = append(links, r.URL)
			}
		}
	}
	return links
}

// uploader posts PDFs of 16–256 KiB, and withdraws and restores every
// third.
func (w *workload) uploader(ctx context.Context, more func() bool) {
	for i := 0; more(); i++ {
		title := fmt.Sprintf("Soak %s %s", w.runID, randomHex(6))
		data := append(demo.PlaceholderPDF(title), "\n%"+strings.Repeat("x", 16<<10+rand.IntN(240<<10))+"\n"...)
		meta := map[string]any{"kind": "publication", "title": map[string]string{"sl": title}, "language": "sl",
			"provenance": map[string]string{"source": "soak", "archival_ref": "SOAK/" + title, "original_date": "2026"}}
		ct, body := uploadBody(meta, title+".pdf", data)
		a, ok := w.timed(ctx, "upload", "POST", "/api/v1/documents", body, map[string]string{"Content-Type": ct}, 201)
		if !ok {
			continue
		}
		var d struct{ ID string }
		if json.Unmarshal(a.body, &d) != nil || d.ID == "" {
			w.stats.record("upload", 0, "no id in "+string(a.body))
			continue
		}
		w.mu.Lock()
		w.documents = append(w.documents, d.ID)
		w.mu.Unlock()
		if i%3 == 0 {
			if _, ok := w.timed(ctx, "withdraw", "DELETE", "/api/v1/documents/"+d.ID, nil, map[string]string{"If-Match": `"1"`}, 200); ok {
				w.timed(ctx, "restore", "POST", "/api/v1/documents/"+d.ID+"/restore", nil, map[string]string{"If-Match": `"2"`}, 200)
			}
		}
	}
}

// editor patches its partnership's summary, and unpublishes and publishes
// it every tenth edit; each change rebuilds the public snapshot.
func (w *workload) editor(ctx context.Context, id string, more func() bool) {
	path := "/api/v1/partnerships/" + id
	version := 2 // created, then published
	send := func(kind, method, p string, body any, ct string) bool {
		h := map[string]string{"If-Match": `"` + strconv.Itoa(version) + `"`}
		if ct != "" {
			h["Content-Type"] = ct
		}
		a, ok := w.timed(ctx, kind, method, p, body, h, 200)
		if ok {
			version, _ = strconv.Atoi(strings.Trim(a.header.Get("ETag"), `"`))
		}
		return ok
	}
	for i := 0; more(); i++ {
		patch := []byte(fmt.Sprintf(`{"summary":{"sl":"<p>Soak edit %d of %s</p>"}}`, i, w.runID))
		if !send("edit", "PATCH", path, patch, "application/merge-patch+json") {
			return // the version is unknown now; the error is counted
		}
		if i%10 == 9 && send("unpublish", "POST", path+"/unpublish", nil, "") {
			send("publish", "POST", path+"/publish", nil, "")
		}
	}
}

// cleanUp deletes the soak's partnerships and purges its documents (on a
// service the soak did not start).
func (w *workload) cleanUp(ctx context.Context) {
	for _, id := range w.partnerships {
		a, err := w.c.do(ctx, "GET", "/api/v1/partnerships/"+id, nil, nil)
		if err == nil && a.status == 200 {
			_, _ = w.c.do(ctx, "DELETE", "/api/v1/partnerships/"+id, nil, map[string]string{"If-Match": a.header.Get("ETag")})
		}
	}
	for _, id := range w.documents {
		_, _ = w.c.do(ctx, "POST", "/api/v1/documents/"+id+"/purge", nil, nil)
	}
}

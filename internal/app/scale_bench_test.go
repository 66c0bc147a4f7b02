package app_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jesenice/twincms/content"
	"github.com/jesenice/twincms/internal/apitest"
	"github.com/jesenice/twincms/models"
)

// BenchmarkScale fills one embedded store (no demo content) with 5,000
// partnerships and then 100, 1,000 and 10,000 tiny documents, and at each
// level measures every request an editor, an archivist and the public
// make, so the cost curve is visible in one table (printed at the end;
// each cell is the median of the iterations, -benchtime=20x gives 20).
//
// The store is seeded through the storage layer (records, claims and
// ingest events inserted in batches; the seeded records have no object,
// which no measured read touches). What is measured goes through the real
// HTTP API: single uploads one at a time (p50), and the bulk rate as 200
// uploads by 4 parallel clients at each level.
//
// TWINCMS_BENCH_PARTNERSHIPS and TWINCMS_BENCH_BULK change the 5,000
// partnerships and the 200 bulk uploads per level.
// TWINCMS_BENCH_PROFILE_DIR=DIR writes CPU profiles of the upload and
// the q search at 1,000 and 10,000 documents into DIR.
func BenchmarkScale(b *testing.B) {
	s := apitest.BenchServer(b)
	parts := seedPartnerships(b, s, apitest.EnvInt("TWINCMS_BENCH_PARTNERSHIPS", 5000))
	pageSlug := seedPublicPage(b, s, parts[:5])
	table := map[int]map[string]float64{}
	var ops []string
	seeded := 0
	for _, level := range []int{100, 1000, 10000} {
		seedDocuments(b, s, seeded, level, parts)
		settle(b, s)
		seeded = level
		row := map[string]float64{}
		table[level] = row
		probe := scaleProbe(seeded)
		measure := func(name string, do func(i int)) {
			if !slices.Contains(ops, name) {
				ops = append(ops, name)
			}
			b.Run(fmt.Sprintf("docs=%d/%s", level, name), func(b *testing.B) {
				stop := startProfile(b, level, name)
				var lat []time.Duration
				i := 0
				for b.Loop() {
					t0 := time.Now()
					do(i)
					lat = append(lat, time.Since(t0))
					i++
				}
				stop()
				p50 := median(lat)
				b.ReportMetric(p50, "ms-p50")
				row[name] = p50
			})
		}
		get := func(path string, want int) func(int) {
			return func(int) { benchGet(b, s, path, want) }
		}
		measure("get-by-id", get("/api/v1/documents/"+probe.id, 200))
		measure("editor-list", get("/api/v1/documents?per_page=20", 200))
		measure("search-q", get("/api/v1/archive/documents?q="+url.QueryEscape(probe.ref), 200))
		measure("search-kind", get("/api/v1/archive/documents?kind=charter", 200))
		measure("search-year", get("/api/v1/archive/documents?year_from=1960&year_to=1962", 200))
		measure("search-partnership", get("/api/v1/archive/documents?partnership="+parts[7], 200))
		measure("search-sha256", get("/api/v1/archive/documents?sha256="+probe.sha, 200))
		measure("search-withdrawn", get("/api/v1/archive/documents?status=withdrawn", 200))
		measure("partnership-list", get("/api/v1/partnerships?per_page=20&sort=name", 200))
		measure("archive-partnerships", get("/api/v1/archive/partnerships", 200))
		measure("public-page", get("/api/v1/public/pages/"+pageSlug+"?locale=en", 200))
		var uploads atomic.Int64
		measure("upload", func(int) { benchUpload(b, s, fmt.Sprintf("single-%d-%d", level, uploads.Add(1))) })
		stop := startProfile(b, level, "bulk")
		rate := bulkUploads(b, s, level, bulkCount(), 4)
		stop()
		row["bulk-docs/s"] = rate
		fmt.Printf("docs=%d: bulk %.1f docs/s, %s\n", level, rate, heapLine())
	}
	printScaleTable(b, table, append(ops, "bulk-docs/s"))
}

// probeDoc names one seeded document the reads look for.
type probeDoc struct{ id, ref, sha string }

func scaleProbe(n int) probeDoc {
	i := n / 2
	return probeDoc{id: seedID(i), ref: seedRef(i), sha: seedSHA(i)}
}

// seedID makes a stable 24-hex id for seeded document i.
func seedID(i int) string  { return fmt.Sprintf("5ca1e0000000%012x", i) }
func seedRef(i int) string { return fmt.Sprintf("SI-ZAL/JES-%05d", i) }
func seedSHA(i int) string {
	s := sha256.Sum256([]byte(fmt.Sprint("seed-", i)))
	return hex.EncodeToString(s[:])
}
func seedFilename(i int) string { return fmt.Sprintf("zapisnik-%05d.pdf", i) }

// seedDocuments stores documents [from, to) through the storage layer.
func seedDocuments(b *testing.B, s *apitest.Server, from, to int, parts []string) {
	b.Helper()
	ctx := context.Background()
	kinds := []models.DocumentKind{models.KindScan, models.KindCharter, models.KindAgreement, models.KindPublication, models.KindOverview}
	base := time.Now().UTC().Add(-time.Duration(to) * time.Second).Truncate(time.Millisecond)
	const batch = 200
	in := s.CMS
	for lo := from; lo < to; lo += batch {
		var docs []*models.Document
		var evs []models.Event
		for i := lo; i < min(lo+batch, to); i++ {
			at := base.Add(time.Duration(i) * time.Second)
			d := &models.Document{ID: seedID(i), File: models.FileFacts{Key: "originals/" + seedID(i), Size: 1200, ContentType: models.TypePDF,
				SHA256: seedSHA(i), OriginalFilename: seedFilename(i)}, Renditions: []models.Rendition{}, Status: models.DocumentActive,
				Version: 1, CreatedAt: at, CreatedBy: "seed", UpdatedAt: at, UpdatedBy: "seed"}
			d.Apply(models.DocumentInput{Kind: kinds[i%len(kinds)], Title: models.Localized{"sl": fmt.Sprintf("Zapisnik seje št. %d", i), "en": fmt.Sprintf("Council minutes no. %d", i)},
				Language: "sl", PartnershipIDs: []string{parts[i%50]},
				Provenance: models.Provenance{Source: "Občina Jesenice", ArchivalRef: seedRef(i), OriginalDate: fmt.Sprint(1950 + i%70)}})
			if i%97 == 0 {
				d.Status = models.DocumentWithdrawn
			}
			docs = append(docs, d)
			evs = append(evs, models.Event{ID: models.EventID(d.ID, models.EventIngested), DocumentID: d.ID, Type: models.EventIngested, At: at, Actor: "seed"})
		}
		if err := in.Documents.InsertBatch(ctx, docs, evs); err != nil {
			// The loaded machine let the database time out: store what is
			// missing one by one.
			for i, d := range docs {
				if err := seedOne(ctx, s, d, evs[i]); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
}

// settle lets the process and the store finish what seeding set off (the
// collection of its garbage, SQLite's write-ahead log checkpoint after
// thousands of inserts, the indexes' polls) before anything is measured:
// a server is not read in the second after a bulk load of 9,000 records.
func settle(b *testing.B, s *apitest.Server) {
	b.Helper()
	runtime.GC()
	time.Sleep(3 * time.Second)
	benchGet(b, s, "/api/v1/documents?per_page=1", 200)
}

// seedOne stores d with its claim and event unless it is there already.
func seedOne(ctx context.Context, s *apitest.Server, d *models.Document, ev models.Event) error {
	in := s.CMS
	var err error
	for range 5 {
		if _, err = in.Documents.Get(ctx, d.ID); errors.Is(err, models.ErrNotFound) {
			err = in.Documents.Insert(ctx, d, ev)
		}
		if err == nil {
			if _, _, err = in.Documents.Claim(ctx, d.File.SHA256, d.ID, d.CreatedAt); err == nil {
				return nil
			}
		}
		time.Sleep(time.Second)
	}
	return err
}

// seedPartnerships stores n draft partnerships through the content
// service without change hooks (quietContent), 2 at a time, then the first
// 5 are published through the server's own (hooked) service.
func seedPartnerships(b *testing.B, s *apitest.Server, n int) []string {
	b.Helper()
	ctx := models.WithActor(context.Background(), models.Actor{Name: "bench"})
	ids := make([]string, n)
	quiet := s.QuietContent()
	var wg sync.WaitGroup
	var failed atomic.Value
	for w := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += 2 {
				p := &models.Partnership{Slug: fmt.Sprintf("kraj-%04d", i), Relation: models.RelationTwin, Sort: i,
					Partner: models.Partner{Name: models.Localized{"sl": fmt.Sprintf("Kraj %d", i), "en": fmt.Sprintf("Town %d", i)}, Country: "AT"}}
				created, err := createRetrying(ctx, quiet, p)
				if err == nil && i < 5 {
					_, err = s.CMS.Content.Partnerships.Transition(ctx, created.ID, 1, models.ActionPublish)
				}
				if err != nil {
					failed.Store(err)
					return
				}
				ids[i] = created.ID
			}
		}()
	}
	wg.Wait()
	if err, _ := failed.Load().(error); err != nil {
		b.Fatal(err)
	}
	return ids
}

// createRetrying creates p, trying again when the loaded machine let the
// database time out (a create that landed anyway is found by its slug).
func createRetrying(ctx context.Context, svc *content.Services, p *models.Partnership) (*models.Partnership, error) {
	var err error
	for range 5 {
		var created *models.Partnership
		if created, err = svc.Partnerships.Create(ctx, p); err == nil {
			return created, nil
		}
		if got, gerr := svc.Partnerships.GetByKey(ctx, p.Slug); gerr == nil {
			return got, nil
		}
		time.Sleep(time.Second)
	}
	return nil, err
}

// seedPublicPage publishes a page listing the published partnerships.
func seedPublicPage(b *testing.B, s *apitest.Server, _ []string) string {
	b.Helper()
	ctx := models.WithActor(context.Background(), models.Actor{Name: "bench"})
	pg := &models.ContentPage{Slug: "pobratene", Title: models.Localized{"sl": "Pobratene občine", "en": "Twin towns"}, Partnerships: true}
	created, err := s.CMS.Content.Pages.Create(ctx, pg)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := s.CMS.Content.Pages.Transition(ctx, created.ID, 1, models.ActionPublish); err != nil {
		b.Fatal(err)
	}
	return pg.Slug
}

// benchClient sends the measured requests without the contract check,
// which would add its own time to every exchange.
var benchClient = &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 16},
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func benchGet(b *testing.B, s *apitest.Server, path string, want int) {
	hr, _ := http.NewRequest("GET", s.Base+path, nil)
	hr.Header.Set("Authorization", "Bearer "+apitest.AdminToken)
	res, err := benchClient.Do(hr)
	if err != nil {
		b.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != want {
		b.Fatalf("GET %s: %d %s", path, res.StatusCode, body)
	}
}

// benchUpload posts one tiny PDF whose bytes depend on name.
func benchUpload(b *testing.B, s *apitest.Server, name string) {
	if err := postTiny(s, name); err != nil {
		b.Fatal(err)
	}
}

func postTiny(s *apitest.Server, name string) error {
	data := []byte("%PDF-1.4\n% " + name + "\n%%EOF\n")
	ct, body := apitest.Multipart(apitest.DocMeta("scan", name), name+".pdf", "application/pdf", data)
	hr, _ := http.NewRequest("POST", s.Base+"/api/v1/documents", strings.NewReader(string(body)))
	hr.Header.Set("Content-Type", ct)
	hr.Header.Set("Authorization", "Bearer "+apitest.AdminToken)
	res, err := benchClient.Do(hr)
	if err != nil {
		return err
	}
	msg, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 201 {
		return fmt.Errorf("upload %s: %d %s", name, res.StatusCode, msg)
	}
	return nil
}

// bulkCount is how many uploads the bulk rate is measured over at each
// level: TWINCMS_BENCH_BULK, 200 by default.
func bulkCount() int { return apitest.EnvInt("TWINCMS_BENCH_BULK", 200) }

// bulkUploads posts n tiny PDFs with c parallel clients and returns the
// rate in documents per second.
func bulkUploads(b *testing.B, s *apitest.Server, level, n, c int) float64 {
	b.Helper()
	var next atomic.Int64
	var failed atomic.Value
	var wg sync.WaitGroup
	t0 := time.Now()
	for range c {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1)
				if i > int64(n) {
					return
				}
				if err := postTiny(s, fmt.Sprintf("bulk-%d-%d", level, i)); err != nil {
					failed.Store(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if err, _ := failed.Load().(error); err != nil {
		b.Fatal(err)
	}
	return float64(n) / time.Since(t0).Seconds()
}

// profiled are the requests startProfile writes CPU profiles of.
var profiled = []string{"upload", "bulk", "search-q", "search-kind", "search-withdrawn", "partnership-list"}

// startProfile writes a CPU profile of the upload, the bulk uploads, the
// q, kind and withdrawn searches and the editor partnership list at 1,000
// documents and more when TWINCMS_BENCH_PROFILE_DIR is set.
func startProfile(b *testing.B, level int, name string) func() {
	dir := os.Getenv("TWINCMS_BENCH_PROFILE_DIR")
	if dir == "" || level < 1000 || !slices.Contains(profiled, name) {
		return func() {}
	}
	f, err := os.Create(filepath.Join(dir, fmt.Sprintf("%s-%d.pprof", name, level)))
	if err != nil {
		b.Fatal(err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return func() {} // another profile (-cpuprofile) is running
	}
	return func() { pprof.StopCPUProfile(); f.Close() }
}

func median(lat []time.Duration) float64 {
	if len(lat) == 0 {
		return 0
	}
	slices.Sort(lat)
	return float64(lat[len(lat)/2]) / float64(time.Millisecond)
}

// heapLine states the live heap after a collection and the resident
// memory (the whole process: twincms, the embedded FerretDB and the test
// client; the embedded S3 server is a child process of its own).
func heapLine() string {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return fmt.Sprintf("heap in use %.1f MiB, resident %.1f MiB", float64(m.HeapInuse)/(1<<20), apitest.ProcessRSS())
}

func printScaleTable(b *testing.B, table map[int]map[string]float64, ops []string) {
	levels := []int{100, 1000, 10000}
	var sb strings.Builder
	fmt.Fprintf(&sb, "\n| request (p50 ms; bulk in docs/s) | %d docs | %d docs | %d docs | 10k ÷ 100 |\n|---|---|---|---|---|\n", levels[0], levels[1], levels[2])
	for _, op := range ops {
		fmt.Fprintf(&sb, "| %s |", op)
		for _, l := range levels {
			fmt.Fprintf(&sb, " %.2f |", table[l][op])
		}
		ratio := 0.0
		if table[100][op] > 0 {
			ratio = table[10000][op] / table[100][op]
		}
		fmt.Fprintf(&sb, " %.2f× |\n", ratio)
	}
	b.Log(sb.String())
	fmt.Println(sb.String())
}

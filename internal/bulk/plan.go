package bulk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"github.com/jesenice/twincms/models"
)

// task is one file with the description it will be stored under, or the
// reason it will not be stored.
type task struct {
	file    File
	input   models.DocumentInput
	problem string
}

// planner turns files and their metadata into tasks, validating each
// description by the API's rules (the ingest service's CheckInput).
type planner struct {
	parts   Partnerships
	check   func(ctx context.Context, in models.DocumentInput) error
	locales models.Locales
	slugs   map[string]string // slug → partnership id ("" when there is none)
}

// plan describes every file: a CSV row first, else the record our own bag
// export carries for the same bytes, else a default (kind scan, the file
// name as the title). Rows that name no file are returned as problems.
func (p *planner) plan(ctx context.Context, src *Source, meta *Metadata) ([]task, []models.IngestError, error) {
	exported, err := p.exportedRecords(ctx, src)
	if err != nil {
		return nil, nil, err
	}
	rows, orphans := matchRows(src.Files, meta)
	tasks := make([]task, len(src.Files))
	for i, f := range src.Files {
		t := task{file: f}
		in, have := exported[f.SHA256]
		if r := rows[f.Path]; r != nil {
			if r.problem != "" {
				t.problem = fmt.Sprintf("metadata line %d %s", r.line, r.problem)
				tasks[i] = t
				continue
			}
			in, have = r.input, true
			if in.PartnershipIDs, err = p.resolve(ctx, r.partnerships); err != nil {
				var nf notFound
				if !errors.As(err, &nf) {
					return nil, nil, err
				}
				t.problem = fmt.Sprintf("metadata line %d: partnership: no partnership has the slug %q", r.line, string(nf))
				tasks[i] = t
				continue
			}
		}
		if !have {
			in = models.DocumentInput{}
		}
		if t.input, t.problem, err = p.complete(ctx, in, f, rows[f.Path]); err != nil {
			return nil, nil, err
		}
		tasks[i] = t
	}
	return tasks, orphans, nil
}

// complete fills the defaults and validates; the error is the store's
// (a check that could not be made).
func (p *planner) complete(ctx context.Context, in models.DocumentInput, f File, r *row) (models.DocumentInput, string, error) {
	if in.Kind == "" {
		in.Kind = models.KindScan
	}
	if in.Title == nil {
		in.Title = models.Localized{}
	}
	if in.Title[p.locales.Default()] == "" {
		in.Title[p.locales.Default()] = strings.TrimSuffix(f.name(), path.Ext(f.name()))
	}
	err := p.check(ctx, in)
	if err == nil {
		return in, "", nil
	}
	var ve *models.ValidationError
	if !errors.As(err, &ve) {
		return in, "", err
	}
	parts := make([]string, 0, len(ve.Problems))
	for _, fp := range ve.Problems {
		parts = append(parts, columnOf(fp.Field)+": "+fp.Problem)
	}
	where := "description"
	if r != nil {
		where = fmt.Sprintf("metadata line %d", r.line)
	}
	return in, where + ": " + strings.Join(parts, "; "), nil
}

// notFound is a partnership slug that names none.
type notFound string

func (n notFound) Error() string { return "no partnership " + string(n) }

// resolve turns slugs into partnership ids, asking once per slug.
func (p *planner) resolve(ctx context.Context, slugs []string) ([]string, error) {
	ids := make([]string, 0, len(slugs))
	for _, s := range slugs {
		id, ok := p.slugs[s]
		if !ok {
			got, err := p.parts.GetByKey(ctx, s)
			switch {
			case errors.Is(err, models.ErrNotFound):
			case err != nil:
				return nil, err
			default:
				id = got.ID
			}
			p.slugs[s] = id
		}
		if id == "" {
			return nil, notFound(s)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// matchRows finds each row's file: by its path, else by its name when only
// one file has it. Rows that match none, several, or a file another row
// already describes come back as problems.
func matchRows(files []File, meta *Metadata) (map[string]*row, []models.IngestError) {
	out := map[string]*row{}
	if meta == nil {
		return out, nil
	}
	byPath := map[string]bool{}
	byName := map[string][]string{}
	for _, f := range files {
		byPath[f.Path] = true
		byName[f.name()] = append(byName[f.name()], f.Path)
	}
	var orphans []models.IngestError
	for _, r := range meta.rows {
		target := r.file
		if !byPath[target] {
			switch names := byName[r.file]; len(names) {
			case 0:
				if r.file != "" {
					orphans = append(orphans, models.IngestError{File: r.file, Reason: fmt.Sprintf("metadata line %d names a file that is not in the folder or bag", r.line)})
				} else {
					orphans = append(orphans, models.IngestError{Reason: fmt.Sprintf("metadata line %d %s", r.line, r.problem)})
				}
				continue
			case 1:
				target = names[0]
			default:
				orphans = append(orphans, models.IngestError{File: r.file, Reason: fmt.Sprintf("metadata line %d: %d files have this name (%s); give the path", r.line, len(names), strings.Join(names, ", "))})
				continue
			}
		}
		if prev := out[target]; prev != nil {
			orphans = append(orphans, models.IngestError{File: r.file, Reason: fmt.Sprintf("metadata line %d describes %s again (first on line %d)", r.line, target, prev.line)})
			continue
		}
		out[target] = r
	}
	return out, orphans
}

// exportedRecords reads the records a bag exported by twincms carries
// (metadata/documents.json, metadata/partnership.json), by SHA-256, so a
// re-imported bag keeps its titles, kinds and provenance, and its link to
// the partnership when a partnership with that slug exists here.
func (p *planner) exportedRecords(ctx context.Context, src *Source) (map[string]models.DocumentInput, error) {
	out := map[string]models.DocumentInput{}
	if !src.Bag {
		return out, nil
	}
	raw, err := fs.ReadFile(src.FS, "metadata/documents.json")
	if err != nil {
		return out, nil
	}
	var docs []models.Document
	if json.Unmarshal(raw, &docs) != nil {
		return out, nil // not ours: the files get the defaults
	}
	var part struct {
		Slug string `json:"slug"`
	}
	var links []string
	if pj, err := fs.ReadFile(src.FS, "metadata/partnership.json"); err == nil && json.Unmarshal(pj, &part) == nil && part.Slug != "" {
		ids, err := p.resolve(ctx, []string{part.Slug})
		var nf notFound
		switch {
		case errors.As(err, &nf):
		case err != nil:
			return nil, err
		default:
			links = ids
		}
	}
	for _, d := range docs {
		in := d.Input()
		in.PartnershipIDs = links
		out[d.File.SHA256] = in
	}
	return out, nil
}

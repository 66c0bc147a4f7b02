package oai

import (
	"html"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/jesenice/twincms/models"
	"github.com/microcosm-cc/bluemonday"
)

// dcField is one Dublin Core element of a record: dc:<name>, in a
// language when lang is set.
type dcField struct{ name, lang, value string }

type dcList []dcField

func (l *dcList) add(name, lang, value string) {
	if v := strings.TrimSpace(value); v != "" {
		*l = append(*l, dcField{name, lang, v})
	}
}

// localized adds one element per configured locale that has a text.
func (l *dcList) localized(name string, t models.Localized, locales models.Locales, plain bool) {
	for _, code := range locales.Supported {
		v := t[code]
		if plain {
			v = plainText(v)
		}
		l.add(name, code, v)
	}
}

var stripTags = bluemonday.StrictPolicy()

// plainText is rich text without its markup (dc:description is text).
func plainText(s string) string {
	if s == "" {
		return ""
	}
	return strings.Join(strings.Fields(html.UnescapeString(stripTags.Sanitize(strings.NewReplacer("</p>", "</p> ", "<br>", " ").Replace(s)))), " ")
}

// partnershipURL is the public API address of a partnership.
func partnershipURL(base string, p *models.Partnership) string {
	return base + "/api/v1/public/partnerships/" + url.PathEscape(p.Slug)
}

// partnershipDC maps a published partnership to Dublin Core (the table in
// docs/oai-pmh.md).
func (r *Repository) partnershipDC(p *models.Partnership, docs []*models.Document, base string) []dcField {
	var l dcList
	loc := r.cfg.Locales
	l.localized("title", p.Partner.Name, loc, false)
	l.localized("title", p.Partner.OfficialName, loc, false)
	l.localized("description", p.Summary, loc, true)
	for _, code := range loc.Supported {
		if t, ok := models.FindTerm(models.Relations, string(p.Relation)); ok {
			l.add("subject", code, t.Labels[code])
		}
		for _, a := range p.Areas {
			if t, ok := models.FindTerm(models.Areas, a); ok {
				l.add("subject", code, t.Labels[code])
			}
		}
	}
	l.add("publisher", "", r.cfg.RepositoryName)
	years := []int{}
	for _, a := range p.Agreements {
		if a.Date != "" {
			l.add("date", "", a.Date)
		} else {
			years = append(years, a.Year)
		}
	}
	slices.Sort(years)
	for _, y := range slices.Compact(years) {
		l.add("date", "", strconv.Itoa(y))
	}
	l.add("type", "", "Collection")
	l.add("identifier", "", partnershipURL(base, p))
	l.add("coverage", "", p.Partner.Country)
	l.add("relation", "", p.Partner.Website)
	for _, d := range docs {
		l.add("relation", "", r.identifier("document", d.ID))
	}
	return l
}

// documentDC maps a public document to Dublin Core.
func (r *Repository) documentDC(d *models.Document, parts []*models.Partnership, base string) []dcField {
	var l dcList
	l.localized("title", d.Title, r.cfg.Locales, false)
	l.localized("description", d.Description, r.cfg.Locales, false)
	l.add("type", "", dcmiType(d.File.ContentType))
	l.add("type", "", string(d.Kind))
	l.add("format", "", d.File.ContentType)
	l.add("date", "", d.Provenance.OriginalDate)
	l.add("language", "", d.Language)
	l.add("source", "", d.Provenance.Source)
	l.add("identifier", "", d.Provenance.ArchivalRef)
	l.add("identifier", "", "urn:sha256:"+d.File.SHA256)
	if d.Provenance.Custodian != "" {
		l.add("publisher", "", d.Provenance.Custodian)
	} else {
		l.add("publisher", "", r.cfg.RepositoryName)
	}
	l.add("rights", "", d.Rights)
	for _, p := range parts {
		l.add("relation", "", partnershipURL(base, p))
		l.add("relation", "", r.identifier("partnership", p.ID))
	}
	return l
}

// dcmiType is the DCMI Type Vocabulary term of a file's media type.
func dcmiType(contentType string) string {
	if strings.HasPrefix(contentType, "image/") {
		return "StillImage"
	}
	return "Text"
}

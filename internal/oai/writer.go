package oai

import (
	"bytes"
	"encoding/xml"
	"errors"
	"sort"
	"strconv"
	"time"

	"github.com/jesenice/twincms/models"
)

// writer builds one response. Every text and attribute value goes
// through xml.EscapeText, which also replaces characters XML 1.0 cannot
// carry.
type writer struct {
	b    bytes.Buffer
	base string
}

func newWriter(now time.Time, base string) *writer {
	w := &writer{base: base}
	w.b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	w.b.WriteString(`<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://www.openarchives.org/OAI/2.0/ http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd">`)
	w.elem("responseDate", stamp(now))
	return w
}

func (w *writer) text(s string) { _ = xml.EscapeText(&w.b, []byte(s)) }

func (w *writer) attr(name, v string) {
	w.b.WriteString(" " + name + `="`)
	w.text(v)
	w.b.WriteString(`"`)
}

func (w *writer) open(name string)  { w.b.WriteString("<" + name + ">") }
func (w *writer) close(name string) { w.b.WriteString("</" + name + ">") }

func (w *writer) elem(name, v string) {
	w.open(name)
	w.text(v)
	w.close(name)
}

// request writes the request element; args nil (after badVerb or
// badArgument) leaves the attributes out, as the protocol asks. extra
// are attribute pairs written first (the verb).
func (w *writer) request(args map[string]string, extra ...string) {
	w.b.WriteString("<request")
	if args != nil {
		for i := 0; i+1 < len(extra); i += 2 {
			w.attr(extra[i], extra[i+1])
		}
		keys := make([]string, 0, len(args))
		for k := range args {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			w.attr(k, args[k])
		}
	}
	w.b.WriteString(">")
	w.text(w.base)
	w.b.WriteString("</request>")
}

func (w *writer) errors(err error) ([]byte, error) {
	var oe *oaiError
	if !errors.As(err, &oe) {
		return nil, err
	}
	w.b.WriteString(`<error code="` + oe.code + `">`)
	w.text(oe.msg)
	w.b.WriteString("</error>")
	return w.finish(), nil
}

func (w *writer) finish() []byte {
	w.b.WriteString("</OAI-PMH>\n")
	return w.b.Bytes()
}

func (w *writer) header(rec models.HarvestRecord) {
	if rec.Deleted {
		w.b.WriteString(`<header status="deleted">`)
	} else {
		w.open("header")
	}
	w.elem("identifier", rec.ID)
	w.elem("datestamp", stamp(rec.Datestamp))
	for _, s := range rec.Sets {
		w.elem("setSpec", s)
	}
	w.close("header")
}

// record writes a header and, for a live record this instance's
// snapshot has, its oai_dc metadata.
func (w *writer) record(rec models.HarvestRecord, items map[string]item, base string) {
	w.open("record")
	w.header(rec)
	if it, ok := items[rec.ID]; ok && !rec.Deleted {
		w.open("metadata")
		w.b.WriteString(`<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" xmlns:dc="http://purl.org/dc/elements/1.1/" xsi:schemaLocation="http://www.openarchives.org/OAI/2.0/oai_dc/ http://www.openarchives.org/OAI/2.0/oai_dc.xsd">`)
		for _, f := range it.dc(base) {
			w.b.WriteString("<dc:" + f.name)
			if f.lang != "" {
				w.attr("xml:lang", f.lang)
			}
			w.b.WriteString(">")
			w.text(f.value)
			w.b.WriteString("</dc:" + f.name + ">")
		}
		w.b.WriteString("</oai_dc:dc>")
		w.close("metadata")
	}
	w.close("record")
}

// resumption writes the resumptionToken element; an empty token ends a
// list that was resumed.
func (w *writer) resumption(tok string, expires time.Time, total int64, cursor int) {
	w.b.WriteString("<resumptionToken")
	if !expires.IsZero() {
		w.attr("expirationDate", stamp(expires))
	}
	w.attr("completeListSize", strconv.FormatInt(total, 10))
	w.attr("cursor", strconv.Itoa(cursor))
	w.b.WriteString(">")
	w.text(tok)
	w.b.WriteString("</resumptionToken>")
}

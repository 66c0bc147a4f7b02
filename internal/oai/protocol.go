package oai

import (
	"context"
	"errors"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/jesenice/twincms/models"
)

// OAI-PMH error codes (protocol §3.6).
const (
	badArgument             = "badArgument"
	badVerb                 = "badVerb"
	badResumptionToken      = "badResumptionToken"
	cannotDisseminateFormat = "cannotDisseminateFormat"
	idDoesNotExist          = "idDoesNotExist"
	noRecordsMatch          = "noRecordsMatch"
)

// oaiError is a protocol error: answered 200 with <error code=...>.
type oaiError struct{ code, msg string }

func (e *oaiError) Error() string { return e.code + ": " + e.msg }

func fail(code, msg string) error { return &oaiError{code, msg} }

// The arguments each verb takes: required, optional, and the exclusive
// resumptionToken.
var verbArgs = map[string]struct {
	required, optional []string
	resumable          bool
}{
	"Identify":            {},
	"ListMetadataFormats": {optional: []string{"identifier"}},
	"ListSets":            {resumable: true},
	"GetRecord":           {required: []string{"identifier", "metadataPrefix"}},
	"ListIdentifiers":     {required: []string{"metadataPrefix"}, optional: []string{"from", "until", "set"}, resumable: true},
	"ListRecords":         {required: []string{"metadataPrefix"}, optional: []string{"from", "until", "set"}, resumable: true},
}

var (
	prefixPattern = regexp.MustCompile(`^[A-Za-z0-9\-_.!~*'()]+$`)
	setPattern    = regexp.MustCompile(`^[A-Za-z0-9\-_.!~*'()]+(:[A-Za-z0-9\-_.!~*'()]+)*$`)
)

// request is one checked request.
type request struct {
	verb string
	args map[string]string
}

// parse checks the verb and its arguments (badVerb, badArgument).
func parse(v url.Values) (request, error) {
	verbs := v["verb"]
	if len(verbs) != 1 {
		return request{}, fail(badVerb, "give the verb once")
	}
	spec, ok := verbArgs[verbs[0]]
	if !ok {
		return request{}, fail(badVerb, "unknown verb")
	}
	req := request{verb: verbs[0], args: map[string]string{}}
	allowed := map[string]bool{}
	for _, a := range append(append([]string{}, spec.required...), spec.optional...) {
		allowed[a] = true
	}
	if spec.resumable {
		allowed["resumptionToken"] = true
	}
	for k, vals := range v {
		if k == "verb" {
			continue
		}
		if !allowed[k] {
			return request{}, fail(badArgument, "argument "+k+" is not allowed with "+req.verb)
		}
		if len(vals) != 1 {
			return request{}, fail(badArgument, "argument "+k+" is repeated")
		}
		req.args[k] = vals[0]
	}
	if _, ok := req.args["resumptionToken"]; ok {
		if len(req.args) != 1 {
			return request{}, fail(badArgument, "resumptionToken is an exclusive argument")
		}
		return req, nil
	}
	for _, a := range spec.required {
		if _, ok := req.args[a]; !ok {
			return request{}, fail(badArgument, "argument "+a+" is missing")
		}
	}
	if p, ok := req.args["metadataPrefix"]; ok && !prefixPattern.MatchString(p) {
		return request{}, fail(badArgument, "metadataPrefix is malformed")
	}
	if s, ok := req.args["set"]; ok && !setPattern.MatchString(s) {
		return request{}, fail(badArgument, "set is not a setSpec")
	}
	if id, ok := req.args["identifier"]; ok {
		if _, err := url.Parse(id); err != nil || id == "" || len(id) > 300 {
			return request{}, fail(badArgument, "identifier is malformed")
		}
	}
	return req, nil
}

// parseDate reads a from/until value at either granularity; dayOnly
// tells which. until at day granularity means the end of that day.
func parseDate(s string, end bool) (t time.Time, dayOnly bool, ok bool) {
	if t, err := time.Parse(time.DateOnly, s); err == nil && len(s) == 10 {
		if end {
			t = t.Add(24*time.Hour - time.Second)
		}
		return t, true, true
	}
	if t, err := time.Parse("2006-01-02T15:04:05Z", s); err == nil && len(s) == 20 {
		return t, false, true
	}
	return time.Time{}, false, false
}

// Respond answers one request whose arguments are v, for the repository
// at baseURL. Protocol errors are in the body (HTTP 200); the error is
// only for the store being unavailable.
func (r *Repository) Respond(ctx context.Context, baseURL string, v url.Values) ([]byte, error) {
	w := newWriter(r.now(), baseURL)
	req, err := parse(v)
	if err != nil {
		w.request(nil)
		return w.errors(err)
	}
	w.request(req.args, "verb", req.verb)
	items, err := r.Sync(ctx)
	if err != nil {
		return nil, err
	}
	// Records link to the public API beside /oai.
	site := strings.TrimSuffix(baseURL, "/oai")
	switch req.verb {
	case "Identify":
		err = r.identify(ctx, w, baseURL)
	case "ListMetadataFormats":
		err = r.listMetadataFormats(ctx, w, req, items)
	case "ListSets":
		err = r.listSets(w, req)
	case "GetRecord":
		err = r.getRecord(ctx, w, req, items, site)
	default:
		err = r.list(ctx, w, req, items, site)
	}
	var oe *oaiError
	if errors.As(err, &oe) {
		if oe.code == badArgument || oe.code == badVerb {
			w = newWriter(r.now(), baseURL)
			w.request(nil)
		}
		return w.errors(err)
	}
	if err != nil {
		return nil, err
	}
	return w.finish(), nil
}

func (r *Repository) identify(ctx context.Context, w *writer, baseURL string) error {
	earliest, err := r.cfg.Store.Earliest(ctx)
	if err != nil {
		return err
	}
	if earliest.IsZero() {
		earliest = r.now()
	}
	w.open("Identify")
	w.elem("repositoryName", r.cfg.RepositoryName)
	w.elem("baseURL", baseURL)
	w.elem("protocolVersion", "2.0")
	w.elem("adminEmail", r.cfg.AdminEmail)
	w.elem("earliestDatestamp", stamp(earliest))
	w.elem("deletedRecord", "persistent")
	w.elem("granularity", "YYYY-MM-DDThh:mm:ssZ")
	w.close("Identify")
	return nil
}

func (r *Repository) checkPrefix(req request) error {
	if req.args["metadataPrefix"] != "oai_dc" {
		return fail(cannotDisseminateFormat, "only oai_dc is offered")
	}
	return nil
}

func (r *Repository) listMetadataFormats(ctx context.Context, w *writer, req request, _ map[string]item) error {
	if id, ok := req.args["identifier"]; ok {
		if _, err := r.cfg.Store.Get(ctx, id); errors.Is(err, models.ErrNotFound) {
			return fail(idDoesNotExist, "no record has this identifier")
		} else if err != nil {
			return err
		}
	}
	w.open("ListMetadataFormats")
	w.open("metadataFormat")
	w.elem("metadataPrefix", "oai_dc")
	w.elem("schema", "http://www.openarchives.org/OAI/2.0/oai_dc.xsd")
	w.elem("metadataNamespace", "http://www.openarchives.org/OAI/2.0/oai_dc/")
	w.close("metadataFormat")
	w.close("ListMetadataFormats")
	return nil
}

// listSets lists every set in one response: a set per published
// partnership and per kind of material, and their two parents.
func (r *Repository) listSets(w *writer, req request) error {
	if _, ok := req.args["resumptionToken"]; ok {
		return fail(badResumptionToken, "ListSets is answered in one response; there is nothing to resume")
	}
	h := r.cfg.Source.Harvest()
	w.open("ListSets")
	set := func(spec, name string) {
		w.open("set")
		w.elem("setSpec", spec)
		w.elem("setName", name)
		w.close("set")
	}
	set("kind", "Kinds of material")
	set("kind:partnership", "Partnerships (twin towns)")
	for _, k := range []models.DocumentKind{models.KindCharter, models.KindAgreement, models.KindPublication, models.KindOverview, models.KindCrest, models.KindScan} {
		set("kind:"+string(k), "Documents: "+string(k))
	}
	set("partnership", "Partnerships and their documents")
	for _, p := range h.Partnerships {
		name, _ := p.Partner.Name.Resolve(r.cfg.Locales.Chain(r.cfg.Locales.Default()))
		set("partnership:"+p.Slug, name)
	}
	w.close("ListSets")
	return nil
}

func (r *Repository) getRecord(ctx context.Context, w *writer, req request, items map[string]item, baseURL string) error {
	if err := r.checkPrefix(req); err != nil {
		return err
	}
	rec, err := r.cfg.Store.Get(ctx, req.args["identifier"])
	if errors.Is(err, models.ErrNotFound) {
		return fail(idDoesNotExist, "no record has this identifier")
	} else if err != nil {
		return err
	}
	w.open("GetRecord")
	w.record(rec, items, baseURL)
	w.close("GetRecord")
	return nil
}

// list answers ListIdentifiers and ListRecords, a page at a time.
func (r *Repository) list(ctx context.Context, w *writer, req request, items map[string]item, baseURL string) error {
	now := r.now()
	var t token
	if s, ok := req.args["resumptionToken"]; ok {
		var err error
		if t, err = r.decodeToken(s, now); err != nil || t.Verb != req.verb {
			return fail(badResumptionToken, "the resumption token is invalid or expired")
		}
	} else {
		if err := r.checkPrefix(req); err != nil {
			return err
		}
		t = token{Verb: req.verb, Prefix: req.args["metadataPrefix"], Set: req.args["set"]}
		var fromDay, untilDay bool
		if s, ok := req.args["from"]; ok {
			from, day, valid := parseDate(s, false)
			if !valid {
				return fail(badArgument, "from is not a date or UTC date-time")
			}
			t.From, fromDay = from.Unix(), day
		}
		if s, ok := req.args["until"]; ok {
			until, day, valid := parseDate(s, true)
			if !valid {
				return fail(badArgument, "until is not a date or UTC date-time")
			}
			t.Until, untilDay = until.Unix(), day
		}
		_, hasFrom := req.args["from"]
		_, hasUntil := req.args["until"]
		if hasFrom && hasUntil {
			if fromDay != untilDay {
				return fail(badArgument, "from and until must have the same granularity")
			}
			if t.From > t.Until {
				return fail(badArgument, "from is after until")
			}
		}
	}
	q := models.HarvestQuery{Set: t.Set, AfterID: t.AfterID, Limit: r.cfg.PageSize + 1}
	if t.From != 0 || req.args["from"] != "" {
		q.From = time.Unix(t.From, 0).UTC()
	}
	if t.Until != 0 || req.args["until"] != "" {
		q.Until = time.Unix(t.Until, 0).UTC()
	}
	if t.AfterID != "" {
		q.AfterDate = time.Unix(t.AfterDate, 0).UTC()
	}
	recs, err := r.cfg.Store.List(ctx, q)
	if err != nil {
		return err
	}
	if len(recs) == 0 {
		return fail(noRecordsMatch, "no record matches")
	}
	total, err := r.cfg.Store.Count(ctx, q)
	if err != nil {
		return err
	}
	more := len(recs) > r.cfg.PageSize
	if more {
		recs = recs[:r.cfg.PageSize]
	}
	w.open(req.verb)
	for _, rec := range recs {
		if req.verb == "ListIdentifiers" {
			w.header(rec)
		} else {
			w.record(rec, items, baseURL)
		}
	}
	switch {
	case more:
		last := recs[len(recs)-1]
		next := t
		next.AfterDate, next.AfterID, next.Cursor, next.Expires = last.Datestamp.Unix(), last.ID, t.Cursor+len(recs), now.Add(TokenTTL).Unix()
		w.resumption(r.encodeToken(next), now.Add(TokenTTL), total, t.Cursor)
	case t.AfterID != "":
		w.resumption("", time.Time{}, total, t.Cursor) // the list is complete
	}
	w.close(req.verb)
	return nil
}

func stamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

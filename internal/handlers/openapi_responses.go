package handlers

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/jesenice/twincms/models"
)

// responses derives every status an operation answers from how its route
// is registered, so the document and the code cannot disagree:
//   - roles → 401 (with WWW-Authenticate) and 403 (unless every role may);
//     the store behind them → 503, and 507 for writes on a full disk
//   - a path parameter → 404; query parameters → 400
//   - a JSON body → 400, 413, 415, 422
//   - If-Match → 400 (not an entity tag), 412 and 428; Range → 206 and 416; If-None-Match → 304
//   - op.Also → the statuses only the handler knows (409, 410 ...)
func responses(method, path string, o op) map[string]any {
	success := o.Status
	if success == 0 {
		success = http.StatusOK
	}
	r := map[string]any{strconv.Itoa(success): successResponse(o, success)}
	if o.Redirects {
		r[strconv.Itoa(http.StatusFound)] = successResponse(o, http.StatusFound)
	}
	problem := func(status int, headers ...string) {
		r[strconv.Itoa(status)] = problemResponse(status, headers...)
	}
	if len(o.Roles) > 0 {
		problem(http.StatusUnauthorized, "WWW-Authenticate")
		problem(http.StatusTooManyRequests, "Retry-After") // refused authentications throttled
		if !slices.Contains(o.Roles, models.RoleEditor) || !slices.Contains(o.Roles, models.RoleArchivist) || method != http.MethodGet {
			// some valid token lacks the role; a session's unsafe request
			// without its CSRF token or from another origin
			problem(http.StatusForbidden)
		}
		problem(http.StatusServiceUnavailable, "Retry-After")
		if method != http.MethodGet {
			problem(http.StatusInsufficientStorage) // a write on a full disk
		}
	}
	if strings.Contains(path, "{") {
		problem(http.StatusNotFound)
	}
	if slices.ContainsFunc(o.Query, func(q string) bool { return q != "exp" && q != "sig" && q != "v" && q != "draft" }) {
		// A signed link's exp, sig, v and draft are checked as a signature (403),
		// every other parameter is parsed (400).
		problem(http.StatusBadRequest)
	}
	if o.Request != "" {
		for _, s := range []int{http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType, http.StatusUnprocessableEntity} {
			problem(s)
		}
	}
	if slices.Contains(o.Headers, "If-Match") {
		problem(http.StatusBadRequest) // not an entity tag
		problem(http.StatusPreconditionFailed)
		problem(http.StatusPreconditionRequired)
	}
	if slices.Contains(o.Headers, "Range") {
		partial := successResponse(o, http.StatusPartialContent)
		partial["headers"].(map[string]any)["Content-Range"] = headerRef("Content-Range", true)
		r["206"] = partial
		problem(http.StatusRequestedRangeNotSatisfiable, "Content-Range")
	}
	if slices.Contains(o.Headers, "If-None-Match") {
		r["304"] = map[string]any{"description": "Not Modified: the representation matching If-None-Match is current",
			"headers": conditionalHeaders(o)}
	}
	for _, s := range o.Also {
		if s == http.StatusServiceUnavailable {
			problem(s, "Retry-After")
		} else {
			problem(s)
		}
	}
	return r
}

// successResponse is the documented 2xx/3xx of an operation.
func successResponse(o op, status int) map[string]any {
	headers := map[string]any{"X-Request-Id": headerRef("X-Request-Id", true)}
	res := map[string]any{"description": http.StatusText(status), "headers": headers}
	switch {
	case status == http.StatusFound:
		headers["Location"] = headerRef("Location", true)
	case status == http.StatusAccepted:
		// Where the accepted work's status is, then its body.
		headers["Location"] = headerRef("Location", true)
		res["content"] = map[string]any{"application/json": map[string]any{"schema": ref(o.Response)}}
	case len(o.Produces) > 0:
		content := map[string]any{}
		for _, mt := range o.Produces {
			content[mt] = map[string]any{}
		}
		res["content"] = content
	case o.Response != "":
		res["content"] = map[string]any{"application/json": map[string]any{"schema": ref(o.Response)}}
	}
	if slices.Contains(versioned, o.Response) {
		headers["ETag"] = headerRef("ETag", true)
		if status == http.StatusCreated {
			headers["Location"] = headerRef("Location", true)
		}
	}
	if slices.Contains(o.Headers, "If-None-Match") {
		for k, v := range conditionalHeaders(o) {
			headers[k] = v
		}
	}
	if slices.Contains(o.Headers, "Range") {
		for _, h := range []string{"Repr-Digest", "X-Checksum-Sha256", "Accept-Ranges", "Content-Disposition"} {
			headers[h] = headerRef(h, true)
		}
	}
	if slices.Contains(o.Produces, "application/zip") {
		headers["Content-Disposition"] = headerRef("Content-Disposition", true)
	}
	return res
}

// versioned are the bodies that carry a version, sent with its ETag.
var versioned = []string{"Partnership", "Block", "Page", "Document"}

// conditionalHeaders are those of a read that answers If-None-Match:
// the public bodies' (localized, cacheable), or for a picture (Produces
// set) its ETag and Cache-Control only.
func conditionalHeaders(o op) map[string]any {
	if o.Response != "" || len(o.Produces) == 0 {
		return publicHeaders()
	}
	return map[string]any{"X-Request-Id": headerRef("X-Request-Id", true), "ETag": headerRef("ETag", true), "Cache-Control": headerRef("Cache-Control", true)}
}

// publicHeaders are those of public reads (localized, cacheable).
func publicHeaders() map[string]any {
	h := map[string]any{"X-Request-Id": headerRef("X-Request-Id", true)}
	for _, k := range []string{"ETag", "Cache-Control", "Vary", "Content-Language"} {
		h[k] = headerRef(k, true)
	}
	return h
}

func problemResponse(status int, headers ...string) map[string]any {
	h := map[string]any{"X-Request-Id": headerRef("X-Request-Id", true)}
	for _, k := range headers {
		h[k] = headerRef(k, true)
	}
	return map[string]any{
		"description": http.StatusText(status),
		"headers":     h,
		"content":     map[string]any{"application/problem+json": map[string]any{"schema": ref("Problem")}},
	}
}

// headerRef points at a header component; required says every response
// of that status carries it.
func headerRef(name string, required bool) map[string]any {
	h := map[string]any{"$ref": "#/components/headers/" + name}
	if !required {
		h = map[string]any{"$ref": "#/components/headers/" + name + "-optional"}
	}
	return h
}

// responseHeaderComponents describes every response header once.
func responseHeaderComponents() map[string]any {
	str := func(desc string, extra ...any) map[string]any {
		s := map[string]any{"type": "string"}
		for i := 0; i+1 < len(extra); i += 2 {
			s[extra[i].(string)] = extra[i+1]
		}
		return map[string]any{"description": desc, "required": true, "schema": s}
	}
	out := map[string]any{
		"X-Request-Id":        str("The request's id (the client's, up to 64 characters, or a new one); quote it to the operator."),
		"ETag":                str("The version as a strong entity tag.", "pattern", `^"[^"]*"$`),
		"Location":            str("Where the resource is: the created record, or a signed link for downloads.", "format", "uri-reference"),
		"Cache-Control":       str("How long caches may keep the response."),
		"Vary":                str("Public responses vary by Accept-Language.", "pattern", "Accept-Language"),
		"Content-Language":    str("The locale the response was rendered in (fields may fall back, see field_locales)."),
		"Content-Range":       str("The part sent (206) or the whole size (416).", "pattern", `^bytes (\d+-\d+|\*)/\d+$`),
		"Content-Disposition": str("attachment with the file name (RFC 6266, RFC 5987 for UTF-8)."),
		"Accept-Ranges":       str("Byte ranges are supported.", "const", "bytes"),
		"Repr-Digest":         str("RFC 9530 digest of the whole original.", "pattern", `^sha-256=:[A-Za-z0-9+/]+=*:$`),
		"X-Checksum-Sha256":   str("SHA-256 of the whole original, hex.", "pattern", "^[0-9a-f]{64}$"),
		"WWW-Authenticate":    str("The bearer challenge (RFC 6750).", "pattern", "^Bearer "),
		"Retry-After":         map[string]any{"description": "Seconds to wait before retrying.", "required": true, "schema": map[string]any{"type": "string", "pattern": `^\d+$`}},
	}
	for k, v := range out {
		opt := map[string]any{}
		for kk, vv := range v.(map[string]any) {
			opt[kk] = vv
		}
		opt["required"] = false
		out[k+"-optional"] = opt
	}
	return out
}

// pathParamSchema constrains path parameters as the handlers check them.
func pathParamSchema(name string) map[string]any {
	switch name {
	case "id":
		return map[string]any{"type": "string", "pattern": "^([0-9a-f]{24}|bootstrap)$", "description": "24 hex characters"}
	case "slug", "key":
		return map[string]any{"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$", "maxLength": 80}
	case "version":
		return map[string]any{"type": "integer", "minimum": 1}
	}
	return map[string]any{"type": "string"}
}

// queryParamSchema constrains query parameters as the parsers check them
// (handlers/query.go, parseDocumentQuery).
func queryParamSchema(name string) map[string]any {
	enum := func(vals ...string) map[string]any { return map[string]any{"type": "string", "enum": vals} }
	switch name {
	case "page":
		return map[string]any{"type": "integer", "minimum": 1, "maximum": 100000, "default": 1}
	case "per_page":
		return map[string]any{"type": "integer", "minimum": 1, "maximum": maxPerPage, "default": 20}
	case "q":
		return map[string]any{"type": "string", "maxLength": 100, "description": "words matched in names and titles, accents folded"}
	case "status":
		return map[string]any{"type": "string", "description": "content: draft, published or archived; documents: active or withdrawn; schedules: pending, running, done, failed or cancelled",
			"enum": []string{"draft", "published", "archived", "active", "withdrawn", "pending", "running", "done", "failed", "cancelled"}}
	case "relation":
		return enum(terms(models.Relations)...)
	case "area":
		return enum(terms(models.Areas)...)
	case "country":
		return map[string]any{"type": "string", "pattern": "^[A-Za-z]{2}$", "description": "ISO 3166-1 alpha-2"}
	case "sort":
		return map[string]any{"type": "string", "pattern": "^-?[a-z_]+$", "description": "a field name, - for descending"}
	case "kind":
		return enum("charter", "agreement", "publication", "overview", "crest", "scan")
	case "partnership":
		return map[string]any{"type": "string", "pattern": "^[0-9a-f]{24}$"}
	case "sha256":
		return map[string]any{"type": "string", "pattern": "^[0-9a-fA-F]{64}$"}
	case "puid":
		return map[string]any{"type": "string", "pattern": "^((x-)?fmt/[0-9]{1,6}|UNKNOWN)$", "description": "a PRONOM format id (fmt/18: PDF 1.4)"}
	case "year_from", "year_to":
		return map[string]any{"type": "integer", "minimum": 1000, "maximum": 9999}
	case "exp":
		return map[string]any{"type": "string", "pattern": "^[0-9]+$", "description": "the link's expiry, Unix seconds"}
	case "sig":
		return map[string]any{"type": "string", "description": "the link's signature"}
	case "unpublished_changes":
		return map[string]any{"type": "string", "enum": []string{"true", "false"}, "description": "true: only records with unpublished changes (new drafts and published records with a draft); false: only those without"}
	case "draft":
		return map[string]any{"type": "string", "description": "1 on the links a draft's preview names (signed apart from public links): the document is served while it is active in the store, published or not"}
	case "v":
		return map[string]any{"type": "string", "pattern": "^[0-9a-f]{1,64}$", "description": "what a download link is bound to: the original's SHA-256, the partnership's version"}
	case "against":
		return map[string]any{"type": "string", "pattern": "^([0-9]+|published)$", "description": "the version to compare with; 0 is the empty document; published is the published version (compare a draft with it)"}
	case "resource":
		return map[string]any{"type": "string", "maxLength": 40, "description": "a resource name; schedules take partnership, block or page"}
	case "locale":
		return map[string]any{"type": "string", "maxLength": 35, "description": "a configured locale; others fall back"}
	}
	return map[string]any{"type": "string"}
}

// headerParam documents a request header the route reads.
func headerParam(name string) map[string]any {
	p := map[string]any{"name": name, "in": "header", "schema": map[string]any{"type": "string"}}
	switch name {
	case "If-Match":
		p["required"] = true
		p["description"] = `the ETag of the version the change is based on ("3"); 428 without, 412 when stale`
	case "Range":
		p["schema"] = map[string]any{"type": "string", "pattern": "^bytes="}
		p["description"] = "one byte range (RFC 9110); 416 when unsatisfiable"
	case "If-None-Match":
		p["description"] = "an ETag from an earlier response; 304 when current"
	case "Accept-Language":
		p["description"] = "picks the locale when ?locale= is absent"
	}
	return p
}

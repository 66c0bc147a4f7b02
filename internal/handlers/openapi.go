package handlers

import (
	_ "embed"
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"
)

//go:embed openapi_components.json
var openAPIComponents []byte

// openAPIDoc is an OpenAPI 3.1 document filled in by API.handle: every
// operation, its parameters, statuses and headers come from the op that
// registers the route (see openapi_responses.go for what is derived).
type openAPIDoc struct {
	paths map[string]map[string]any
	// patches are the request schemas PATCH operations use (merge patches
	// of an input schema), made when the document is rendered.
	patches map[string]bool
}

func newOpenAPIDoc() *openAPIDoc {
	return &openAPIDoc{paths: map[string]map[string]any{}, patches: map[string]bool{}}
}

var pathParam = regexp.MustCompile(`\{([a-z_]+)\}`)

func (d *openAPIDoc) add(method, path string, o op) {
	p := OpenAPIPath(path)
	if d.paths[p] == nil {
		d.paths[p] = map[string]any{}
	}
	params := []any{}
	for _, m := range pathParam.FindAllStringSubmatch(p, -1) {
		params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": pathParamSchema(m[1])})
	}
	for _, q := range o.Query {
		params = append(params, map[string]any{"name": q, "in": "query", "schema": queryParamSchema(q)})
	}
	for _, h := range o.Headers {
		params = append(params, headerParam(h))
	}
	operation := map[string]any{
		"summary":     o.Summary,
		"tags":        []string{o.Tag},
		"operationId": strings.ToLower(method) + operationName(p),
		"parameters":  params,
		"responses":   responses(method, p, o),
	}
	if len(o.Roles) > 0 {
		roles := make([]string, len(o.Roles))
		for i, r := range o.Roles {
			roles[i] = string(r)
		}
		operation["security"] = []any{map[string]any{"bearer": []string{}}}
		operation["x-roles"] = roles
		operation["description"] = "Roles: " + strings.Join(roles, ", ") + " (an admin token passes every role check)."
	} else {
		operation["security"] = []any{}
	}
	if o.Request != "" {
		operation["requestBody"] = d.requestBody(method, o.Request)
	}
	d.paths[p][strings.ToLower(method)] = operation
}

// requestBody: multipart for uploads, a zip for bags, a merge patch for
// PATCH, else JSON.
func (d *openAPIDoc) requestBody(method, schema string) map[string]any {
	content := map[string]any{}
	switch {
	case schema == "DocumentUpload":
		content["multipart/form-data"] = map[string]any{"schema": ref(schema),
			"encoding": map[string]any{"metadata": map[string]any{"contentType": "application/json"}}}
	case schema == "BagZip":
		content["application/zip"] = map[string]any{"schema": ref(schema)}
	case method == http.MethodPatch:
		d.patches[schema] = true
		patch := map[string]any{"schema": ref(strings.TrimSuffix(schema, "Input") + "Patch")}
		content["application/merge-patch+json"] = patch
		content["application/json"] = patch
	default:
		content["application/json"] = map[string]any{"schema": ref(schema)}
	}
	return map[string]any{"required": true, "content": content}
}

func ref(name string) map[string]any { return map[string]any{"$ref": "#/components/schemas/" + name} }

func operationName(p string) string {
	var b strings.Builder
	for _, part := range strings.FieldsFunc(p, func(r rune) bool { return r == '/' || r == '{' || r == '}' || r == '_' || r == '.' }) {
		if part == "api" || part == "v1" {
			continue
		}
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

// mergePatchSchema turns an input schema into the schema of a JSON merge
// patch of it (RFC 7396): every field optional at every depth of objects,
// null removes a field; arrays are replaced whole, so they keep their
// item schema.
func mergePatchSchema(input map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range input {
		if k != "required" && k != "properties" {
			out[k] = v
		}
	}
	if in, ok := input["properties"].(map[string]any); ok {
		props := map[string]any{}
		for k, v := range in {
			if obj, ok := v.(map[string]any); ok && obj["properties"] != nil {
				v = mergePatchSchema(obj)
			} else if ok && obj["$ref"] == ref("Localized")["$ref"] {
				v = ref("LocalizedPatch") // null removes one translation
			}
			props[k] = map[string]any{"anyOf": []any{v, map[string]any{"type": "null"}}}
		}
		out["properties"] = props
	}
	out["description"] = "A JSON merge patch (RFC 7396): the fields to change; null removes an optional field."
	return out
}

// JSON renders the document.
func (d *openAPIDoc) JSON() ([]byte, error) {
	var components map[string]any
	if err := json.Unmarshal(openAPIComponents, &components); err != nil {
		return nil, err
	}
	schemas := components["schemas"].(map[string]any)
	responseSchemas(schemas)
	for input := range d.patches {
		if s, ok := schemas[input].(map[string]any); ok {
			schemas[strings.TrimSuffix(input, "Input")+"Patch"] = mergePatchSchema(s)
		}
	}
	if len(d.patches) > 0 {
		schemas["LocalizedPatch"] = map[string]any{"type": "object", "description": "Translations to change; null removes one.",
			"additionalProperties": map[string]any{"type": []string{"string", "null"}}}
	}
	components["headers"] = responseHeaderComponents()
	tags := []string{}
	for _, ops := range d.paths {
		for _, o := range ops {
			for _, t := range o.(map[string]any)["tags"].([]string) {
				if !slices.Contains(tags, t) {
					tags = append(tags, t)
				}
			}
		}
	}
	slices.Sort(tags)
	tagList := make([]any, len(tags))
	for i, t := range tags {
		tagList[i] = map[string]any{"name": t}
	}
	doc := map[string]any{
		"openapi":           "3.1.0",
		"jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
		"info": map[string]any{
			"title":   "twincms",
			"version": "1.0.0",
			"summary": "Content and documents of a municipality's twin towns and friendly towns.",
			"description": "Editors keep partnerships, blocks and pages; the public website reads published, " +
				"localized content; archivists verify originals. Errors are RFC 9457 problem+json. " +
				"Every operation lists each status it answers; roles are in x-roles, and an admin token passes every role check. " +
				"A method a path does not support is answered 405 with Allow. Every GET also answers HEAD (the same headers, no body).",
		},
		"servers":    []any{map[string]any{"url": "/"}},
		"tags":       tagList,
		"paths":      d.paths,
		"components": components,
	}
	return json.Marshal(doc)
}

// openAPI serves the document built from the registered routes.
func (a *API) openAPI(c *fiber.Ctx) error {
	b, err := a.doc.JSON()
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	return c.Send(b)
}

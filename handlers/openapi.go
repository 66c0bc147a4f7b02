package handlers

import (
	_ "embed"
	"encoding/json"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
)

//go:embed openapi_components.json
var openAPIComponents []byte

// openAPIDoc is an OpenAPI 3.1 document filled in by API.handle.
type openAPIDoc struct {
	paths map[string]map[string]any
}

func newOpenAPIDoc() *openAPIDoc { return &openAPIDoc{paths: map[string]map[string]any{}} }

var pathParam = regexp.MustCompile(`\{([a-z_]+)\}`)

func (d *openAPIDoc) add(method, path string, o op) {
	p := OpenAPIPath(path)
	if d.paths[p] == nil {
		d.paths[p] = map[string]any{}
	}
	status := o.Status
	if status == 0 {
		status = http.StatusOK
	}
	params := []any{}
	for _, m := range pathParam.FindAllStringSubmatch(p, -1) {
		params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
	}
	for _, q := range o.Query {
		params = append(params, map[string]any{"name": q, "in": "query", "schema": map[string]any{"type": "string"}})
	}
	for _, h := range o.Headers {
		params = append(params, map[string]any{"name": h, "in": "header", "schema": map[string]any{"type": "string"}})
	}
	success := map[string]any{"description": http.StatusText(status)}
	if o.Response != "" {
		success["content"] = map[string]any{"application/json": map[string]any{"schema": ref(o.Response)}}
	}
	problem := map[string]any{"description": "problem", "content": map[string]any{"application/problem+json": map[string]any{"schema": ref("Problem")}}}
	operation := map[string]any{
		"summary":     o.Summary,
		"tags":        []string{o.Tag},
		"operationId": strings.ToLower(method) + operationName(p),
		"parameters":  params,
		"responses":   map[string]any{strconv.Itoa(status): success, "default": problem},
	}
	if len(o.Roles) > 0 {
		roles := make([]string, len(o.Roles))
		for i, r := range o.Roles {
			roles[i] = string(r)
		}
		operation["security"] = []any{map[string]any{"bearer": []string{}}}
		operation["x-roles"] = roles
	} else {
		operation["security"] = []any{}
	}
	if o.Request != "" {
		ct := "application/json"
		if o.Request == "DocumentUpload" {
			ct = "multipart/form-data"
		}
		operation["requestBody"] = map[string]any{"required": true, "content": map[string]any{ct: map[string]any{"schema": ref(o.Request)}}}
	}
	d.paths[p][strings.ToLower(method)] = operation
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

// JSON renders the document.
func (d *openAPIDoc) JSON() ([]byte, error) {
	var components map[string]any
	if err := json.Unmarshal(openAPIComponents, &components); err != nil {
		return nil, err
	}
	doc := map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{
			"title":   "twincms",
			"version": "1.0.0",
			"summary": "Content and documents of a municipality's twin towns and friendly towns.",
			"description": "Editors keep partnerships, blocks and pages; the public website reads published, " +
				"localized content; archivists verify originals. Errors are RFC 9457 problem+json.",
		},
		"servers":    []any{map[string]any{"url": "/"}},
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

package handlers

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/jesenice/twincms/models"
)

// Harvester answers OAI-PMH requests (package oai). Protocol errors are
// in the body; the error is ErrUnavailable when the store is.
type Harvester interface {
	Respond(ctx context.Context, baseURL string, args url.Values) ([]byte, error)
}

const oaiSummary = "OAI-PMH 2.0 (verbs Identify, ListMetadataFormats, ListSets, GetRecord, ListIdentifiers, ListRecords; arguments identifier, metadataPrefix (oai_dc), from, until, set, resumptionToken): the published partnerships and public documents as Dublin Core. Protocol errors are answered 200 with an <error> element, as the protocol asks. See docs/oai-pmh.md"

func (a *API) oaiRoutes() {
	if a.d.Harvest == nil {
		return
	}
	a.handle("GET", "/oai", op{Summary: oaiSummary, Tag: "oai", Produces: []string{"text/xml"}, Also: []int{503}}, a.oai)
	a.handle("POST", "/oai", op{Summary: oaiSummary + " (arguments as application/x-www-form-urlencoded)", Tag: "oai", Produces: []string{"text/xml"}, Also: []int{415, 503}}, a.oai)
}

// oai collects the arguments (repeated ones kept, so the protocol's
// badArgument can say so) from the query or the form body.
func (a *API) oai(c *fiber.Ctx) error {
	args := url.Values{}
	collect := func(k, v []byte) { args.Add(string(k), string(v)) }
	if c.Method() == fiber.MethodPost {
		ct := strings.ToLower(strings.TrimSpace(strings.Split(c.Get(fiber.HeaderContentType), ";")[0]))
		if ct != fiber.MIMEApplicationForm {
			return fmt.Errorf("%w: send the arguments as application/x-www-form-urlencoded", models.ErrUnsupportedType)
		}
		c.Request().PostArgs().VisitAll(collect)
	} else {
		c.Request().URI().QueryArgs().VisitAll(collect)
	}
	body, err := a.d.Harvest.Respond(c.UserContext(), c.BaseURL()+c.Route().Path, args)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-cache")
	c.Set(fiber.HeaderContentType, "text/xml; charset=utf-8")
	return c.Send(body)
}

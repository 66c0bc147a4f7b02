package handlers

import (
	"github.com/gofiber/fiber/v2"
)

// archivePartnership names a partnership for archivists, who may not read
// the editors' records but need to pick one to filter by or export.
type archivePartnership struct {
	ID     string `json:"id"`
	Slug   string `json:"slug"`
	Name   string `json:"name"`
	Status string `json:"status"`
}

// archivePartnerships: GET /archive/partnerships — every partnership (any
// status) by page order, with its Slovenian (default-locale) name.
func (a *API) archivePartnerships(c *fiber.Ctx) error {
	chain := a.d.Locales.Chain(a.d.Locales.Default())
	if a.d.PartnershipIndex != nil {
		all, err := a.d.PartnershipIndex.Summaries(c.UserContext())
		if err != nil {
			return err
		}
		out := make([]archivePartnership, len(all))
		for i, p := range all {
			name, _ := p.Partner.Name.Resolve(chain)
			out[i] = archivePartnership{ID: p.ID, Slug: p.Slug, Name: name, Status: string(p.Status)}
		}
		c.Set(fiber.HeaderCacheControl, "no-store")
		return c.JSON(fiber.Map{"items": out})
	}
	all, err := a.d.Partnerships.All(c.UserContext(), "")
	if err != nil {
		return err
	}
	out := make([]archivePartnership, len(all))
	for i, p := range all {
		name, _ := p.Partner.Name.Resolve(a.d.Locales.Chain(a.d.Locales.Default()))
		out[i] = archivePartnership{ID: p.ID, Slug: p.Slug, Name: name, Status: string(p.Status)}
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(fiber.Map{"items": out})
}

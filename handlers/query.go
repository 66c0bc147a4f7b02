package handlers

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/jesenice/twincms/models"
)

// maxPerPage caps list pages, as the design fixes.
const maxPerPage = 100

// parseListQuery reads and checks list parameters; every bad one is named.
func parseListQuery(c *fiber.Ctx) (models.ListQuery, error) {
	q := models.ListQuery{}
	var p models.Problems
	q.Page, q.PerPage = parsePaging(c, &p)
	q.Q = parseSearch(c, &p)
	if s := c.Query("status"); s != "" {
		if q.Status = models.Status(s); !q.Status.Valid() {
			p.Add("status", "must be draft, published or archived")
		}
	}
	if s := c.Query("relation"); s != "" {
		if _, ok := models.FindTerm(models.Relations, s); !ok {
			p.Add("relation", "must be twin, partner, friendship or cross_border")
		}
		q.Relation = strings.Clone(s)
	}
	if s := c.Query("country"); s != "" {
		if q.Country = strings.ToUpper(s); !models.ValidCountry(q.Country) {
			p.Add("country", "must be an ISO 3166-1 alpha-2 code")
		}
	}
	if s := c.Query("area"); s != "" {
		if _, ok := models.FindTerm(models.Areas, s); !ok {
			p.Add("area", "is not a known cooperation area")
		}
		q.Area = strings.Clone(s)
	}
	q.Sort = strings.Clone(c.Query("sort"))
	return q, p.Err(models.ErrMalformed)
}

// parseInt reads an optional integer query parameter within [lo, hi].
func parseInt(c *fiber.Ctx, p *models.Problems, name string, def, lo, hi int) int {
	s := c.Query(name)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		p.Add(name, "must be an integer from %d to %d", lo, hi)
		return def
	}
	return n
}

// parsePaging reads page (from 1) and per_page (1..100, default 20).
func parsePaging(c *fiber.Ctx, p *models.Problems) (int, int) {
	return parseInt(c, p, "page", 1, 1, 100000), parseInt(c, p, "per_page", 20, 1, maxPerPage)
}

// parseSearch reads the q filter (a copy; Fiber reuses request memory).
func parseSearch(c *fiber.Ctx, p *models.Problems) string {
	s := c.Query("q")
	if len([]rune(s)) > 100 {
		p.Add("q", "must be at most 100 characters")
	}
	return strings.Clone(s)
}

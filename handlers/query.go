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
	q := models.ListQuery{Page: 1, PerPage: 20}
	var p models.Problems
	num := func(name string, def, lo, hi int) int {
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
	q.Page = num("page", 1, 1, 100000)
	q.PerPage = num("per_page", 20, 1, maxPerPage)
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
	if s := c.Query("q"); s != "" {
		if len([]rune(s)) > 100 {
			p.Add("q", "must be at most 100 characters")
		}
		q.Q = strings.Clone(s)
	}
	q.Sort = strings.Clone(c.Query("sort"))
	return q, p.Err(models.ErrMalformed)
}

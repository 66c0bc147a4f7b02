package main

import (
	"github.com/jesenice/twincms/content"
	"github.com/jesenice/twincms/internal/apitest"
)

var minimalPartnership = apitest.MinimalPartnership

// quietContent is the content service over s's stores with no hooks, for
// benchmarks that seed thousands of records (each hooked write would
// rebuild the published snapshot); they rebuild once at the end.
func quietContent(s *testServer) *content.Services {
	d := s.srv
	return content.New(content.Config{Partnerships: d.partnerships, Blocks: d.blocks, Pages: d.pages,
		Documents: d.documents, Locales: d.Deps().Locales})
}

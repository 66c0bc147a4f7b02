package main

func minimalPartnership(slug, name string) map[string]any {
	return map[string]any{
		"slug":     slug,
		"relation": "twin",
		"partner":  map[string]any{"name": map[string]string{"sl": name}, "country": "SI"},
	}
}

package admin

import (
	"regexp"
	"strings"
	"testing"

	"github.com/jesenice/twincms/models"
)

// The picker offers only codes the server accepts, and all of ISO 3166-1's
// 249 assigned ones (plus Kosovo).
func TestCountryPickerCodesAreValid(t *testing.T) {
	src, err := Files.ReadFile("countries.js")
	if err != nil {
		t.Fatal(err)
	}
	block := regexp.MustCompile(`(?s)export const codes = \[(.*?)\]`).FindSubmatch(src)
	if block == nil {
		t.Fatal("no codes list in countries.js")
	}
	codes := strings.Fields(strings.NewReplacer(`"`, " ", ",", " ").Replace(string(block[1])))
	if len(codes) != 250 {
		t.Fatalf("%d codes, want 250", len(codes))
	}
	for _, c := range codes {
		if !models.ValidCountry(c) {
			t.Errorf("the picker offers %q, which the server refuses", c)
		}
	}
}

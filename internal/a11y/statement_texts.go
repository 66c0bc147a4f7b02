package a11y

import "github.com/jesenice/twincms/models"

// The statement's fixed wording in Slovenian and English, after the model
// accessibility statement of the Slovenian ministry responsible for
// ZDSMA (structure: conformance status, non-accessible content by reason,
// preparation, feedback and contact, enforcement procedure).

type words struct {
	textVersion, title, intro, scope, standard, nonCompliant, exempt, unchecked, prepared, reviewed, feedback, phone, enforcement string
	status                                                                                                                        map[models.ConformanceStatus]string
	method                                                                                                                        map[string]string
	problem                                                                                                                       map[string]string
	exemption                                                                                                                     map[models.Exemption]string
}

var texts = map[string]words{
	"sl": {
		textVersion:  "besedilna različica (izluščeno besedilo)",
		title:        "Izjava o dostopnosti",
		intro:        "%s se zavezuje, da bo zagotovila dostopnost svojega spletišča v skladu z Zakonom o dostopnosti spletišč in mobilnih aplikacij (ZDSMA, Uradni list RS, št. 30/18), ki prenaša Direktivo (EU) 2016/2102.",
		scope:        "Ta izjava o dostopnosti se nanaša na spletišče %s.",
		standard:     "EN 301 549 V3.2.1 (WCAG 2.1, raven AA)",
		nonCompliant: "Neskladnost z ZDSMA",
		exempt:       "Vsebina, ki ne spada na področje uporabe veljavne zakonodaje",
		unchecked:    "Dostopnost %d dokumentov še ni preverjena.",
		prepared:     "Izjava je bila pripravljena %s. Uporabljena metoda: %s.",
		reviewed:     "Izjava je bila nazadnje pregledana %s.",
		feedback:     "Nedostopno vsebino in druge težave z dostopnostjo sporočite na %s%s. Zahtevate lahko tudi dostopno različico vsebine, ki ni dostopna.",
		phone:        " ali po telefonu %s",
		enforcement:  "Če z odgovorom na obvestilo ali zahtevo niste zadovoljni ali odgovora v razumnem roku ne prejmete, lahko vložite prijavo pri organu: %s (%s, %s).",
		status: map[models.ConformanceStatus]string{
			models.ConformanceFull:    "To spletišče je v celoti skladno z ZDSMA.",
			models.ConformancePartial: "To spletišče je delno skladno z ZDSMA zaradi neskladnosti in izjem, navedenih v nadaljevanju.",
			models.ConformanceNone:    "To spletišče ni skladno z ZDSMA. Neskladnosti in izjeme so navedene v nadaljevanju.",
		},
		method: map[string]string{"self_assessment": "samoocena", "third_party": "ocena tretje osebe"},
		problem: map[string]string{
			"readable":   "datoteke ni mogoče prebrati kot PDF",
			"text_layer": "nima besedila, le slike strani; bralnik zaslona je ne more prebrati",
			"tagged":     "ni označen (nima strukture naslovov in odstavkov)",
			"language":   "ne navaja jezika besedila",
			"image":      "slika brez besedila",
		},
		exemption: map[models.Exemption]string{
			models.ExemptionOfficeFile: "pisarniška datoteka, objavljena pred 23. 9. 2018 (Direktiva (EU) 2016/2102, člen 1(4)(a))",
			models.ExemptionHeritage:   "reprodukcija predmeta iz zbirke kulturne dediščine, ki je ni mogoče v celoti narediti dostopne (Direktiva (EU) 2016/2102, člen 1(4)(e))",
		},
	},
	"en": {
		textVersion:  "text version (the extracted text)",
		title:        "Accessibility statement",
		intro:        "%s is committed to making its website accessible in accordance with the Accessibility of Websites and Mobile Applications Act (ZDSMA, Official Gazette of the Republic of Slovenia No. 30/18), which transposes Directive (EU) 2016/2102.",
		scope:        "This accessibility statement applies to the website %s.",
		standard:     "EN 301 549 V3.2.1 (WCAG 2.1, level AA)",
		nonCompliant: "Non-compliance with ZDSMA",
		exempt:       "Content outside the scope of the applicable legislation",
		unchecked:    "The accessibility of %d documents has not been checked yet.",
		prepared:     "This statement was prepared on %s. Method used: %s.",
		reviewed:     "The statement was last reviewed on %s.",
		feedback:     "Report inaccessible content and other accessibility problems to %s%s. You may also request an accessible version of content that is not accessible.",
		phone:        " or by telephone at %s",
		enforcement:  "If you are not satisfied with the answer to your notification or request, or receive none within a reasonable time, you may lodge a complaint with: %s (%s, %s).",
		status: map[models.ConformanceStatus]string{
			models.ConformanceFull:    "This website is fully compliant with ZDSMA.",
			models.ConformancePartial: "This website is partially compliant with ZDSMA due to the non-compliances and exemptions listed below.",
			models.ConformanceNone:    "This website is not compliant with ZDSMA. The non-compliances and exemptions are listed below.",
		},
		method: map[string]string{"self_assessment": "self-assessment", "third_party": "assessment by a third party"},
		problem: map[string]string{
			"readable":   "the file cannot be read as a PDF",
			"text_layer": "has no text, only images of its pages; screen readers cannot read it",
			"tagged":     "is not tagged (no structure of headings and paragraphs)",
			"language":   "does not declare the language of its text",
			"image":      "an image without text",
		},
		exemption: map[models.Exemption]string{
			models.ExemptionOfficeFile: "an office file published before 23 September 2018 (Directive (EU) 2016/2102, Art. 1(4)(a))",
			models.ExemptionHeritage:   "a reproduction of an item in a heritage collection that cannot be made fully accessible (Directive (EU) 2016/2102, Art. 1(4)(e))",
		},
	},
}

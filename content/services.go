package content

import "github.com/jesenice/twincms/models"

// Partnerships, Blocks and Pages are the services of the three content
// types.
type (
	Partnerships = Service[models.Partnership, *models.Partnership]
	Blocks       = Service[models.Block, *models.Block]
	Pages        = Service[models.ContentPage, *models.ContentPage]
)

// Config is what the content services are made of.
type Config struct {
	Partnerships Store[models.Partnership, *models.Partnership]
	Blocks       Store[models.Block, *models.Block]
	Pages        Store[models.ContentPage, *models.ContentPage]
	// Documents checks the documents partnerships name.
	Documents Documents
	Locales   models.Locales
	// RichTextImageOrigins are the other sites rich text may show images
	// from; nil allows only images served by twincms and site paths.
	RichTextImageOrigins []string
	// Hooks are told of every successful write (published snapshot,
	// webhooks, audit log …); nil tells no one.
	Hooks models.Hooks
}

// Services are the content services of one site.
type Services struct {
	Partnerships *Partnerships
	Blocks       *Blocks
	Pages        *Pages
}

// New returns the services of the three content types.
func New(c Config) *Services {
	rules := models.Rules{Locales: c.Locales, ImageOrigins: c.RichTextImageOrigins}
	return &Services{
		Partnerships: &Partnerships{resource: models.ResourcePartnership, store: c.Partnerships, rules: rules,
			hooks: c.Hooks, check: documentRefs(c.Documents), publishable: imagesHaveAlt(c.Documents, c.Locales)},
		Blocks: &Blocks{resource: models.ResourceBlock, store: c.Blocks, rules: rules, hooks: c.Hooks},
		Pages:  &Pages{resource: models.ResourcePage, store: c.Pages, rules: rules, hooks: c.Hooks},
	}
}

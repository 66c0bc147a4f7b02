// Command static is the load benchmark's baseline: Fiber serving a fixed
// body with the headers twincms sends, so the cost of twincms's content
// path (routing, locale, snapshot, cache lookup) shows as a ratio. It
// answers 304 to If-None-Match with its ETag, the baseline of twincms's 304.
//
//	static -addr 127.0.0.1:18081 -body page.json -etag '"abc"'
package main

import (
	"flag"
	"log"
	"os"

	"github.com/gofiber/fiber/v2"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:18081", "listen address")
	bodyFile := flag.String("body", "", "file with the response body")
	etag := flag.String("etag", `"static"`, "ETag to send")
	flag.Parse()
	body, err := os.ReadFile(*bodyFile)
	if err != nil {
		log.Fatal(err)
	}
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	app.Get("/*", func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderETag, *etag)
		c.Set(fiber.HeaderCacheControl, "public, max-age=60")
		c.Set(fiber.HeaderVary, fiber.HeaderAcceptLanguage)
		c.Set(fiber.HeaderContentLanguage, "sl")
		// The 304 baseline: the cheapest honest revalidation.
		if c.Get(fiber.HeaderIfNoneMatch) == *etag {
			return c.SendStatus(fiber.StatusNotModified)
		}
		c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
		return c.Send(body)
	})
	log.Fatal(app.Listen(*addr))
}

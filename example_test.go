package twincms_test

import (
	"context"
	"fmt"
	"log"
	"net/http/httptest"
	"os"

	"github.com/gofiber/fiber/v2"
	"github.com/jesenice/twincms"
	"github.com/jesenice/twincms/config"
	"github.com/jesenice/twincms/internal/apitest"
)

// A host Fiber app carries twincms under /cms beside its own pages. (A
// program calls twincms.RunS3ChildIfRequested first thing in main; here
// the test binary's TestMain does.)
func Example() {
	getenv := exampleEnv() // a program passes os.Getenv
	cfg, err := config.Load(getenv)
	if err != nil {
		log.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	cms, err := twincms.Open(ctx, cfg, twincms.WithPrefix("/cms"))
	if err != nil {
		log.Fatal(err)
	}
	defer cms.Close(context.Background())
	go cms.Run(ctx) // background work until ctx ends
	defer stop()

	app := fiber.New()
	app.Get("/", func(c *fiber.Ctx) error {
		partners, err := cms.PublishedPartnerships(c.UserContext())
		if err != nil {
			return err
		}
		return c.SendString(fmt.Sprintf("Our town has %d twin towns", len(partners)))
	})
	if err := cms.Mount(app); err != nil {
		log.Fatal(err)
	}

	for _, path := range []string{"/", "/cms/healthz", "/cms/api/v1/nope"} {
		res, err := app.Test(httptest.NewRequest("GET", path, nil), -1)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(path, res.StatusCode, res.Header.Get("Content-Type"))
	}
	// Output:
	// / 200 text/plain; charset=utf-8
	// /cms/healthz 200 application/json
	// /cms/api/v1/nope 404 application/problem+json
}

// exampleEnv is the example's environment: an empty data directory and a
// free port for the embedded S3 server, no demo content.
func exampleEnv() func(string) string {
	dir, err := os.MkdirTemp(suiteDir, "example-")
	if err != nil {
		log.Fatal(err)
	}
	s3, err := apitest.FreeAddr()
	if err != nil {
		log.Fatal(err)
	}
	env := map[string]string{"TWINCMS_DATA_DIR": dir, "TWINCMS_S3_ADDR": s3, "TWINCMS_DEMO": "false"}
	return func(k string) string { return env[k] }
}

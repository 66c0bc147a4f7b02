// Command gen writes the admin UI's sha256wasm.js from package
// sha256wasm's modules: go generate ./internal/web/sha256wasm.
package main

import (
	"fmt"
	"os"

	"github.com/jesenice/twincms/internal/web/sha256wasm"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: gen OUT.js")
		os.Exit(2)
	}
	if err := os.WriteFile(os.Args[1], []byte(sha256wasm.Script()), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

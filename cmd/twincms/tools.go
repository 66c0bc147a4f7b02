package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"

	"github.com/jesenice/twincms/config"
)

// runTool runs a command-line tool other than serve.
func runTool(ctx context.Context, name string, args []string, cfg config.Config, logger *slog.Logger, stdout io.Writer) error {
	return fmt.Errorf("unknown command %q (try: serve, export, import FILE)", name)
}

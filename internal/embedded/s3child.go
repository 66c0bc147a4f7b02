package embedded

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/versity/versitygw/backend/meta"
	"github.com/versity/versitygw/backend/posix"
	"github.com/versity/versitygw/embedgw"
	"github.com/versity/versitygw/s3api"
)

// RunS3ChildIfRequested turns this process into the embedded S3 server when
// it was started as one by StartS3, and exits when that server
// stops. Call it first thing in main and in every TestMain that starts the
// embedded servers, because under go test the executable is the test binary.
func RunS3ChildIfRequested() {
	if os.Getenv(s3ChildEnv) != "1" {
		return
	}
	if err := runS3Child(); err != nil {
		fmt.Fprintln(os.Stderr, "twincms s3 child:", err)
		os.Exit(1)
	}
	os.Exit(0)
}

func runS3Child() error {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// The parent closes our stdin to stop us, and so does its death.
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		cancel()
	}()
	be, err := posix.New(os.Getenv(s3ChildRoot), meta.XattrMeta{}, posix.PosixOpts{
		CopyObjectThreshold: 5 << 30,
		NewDirPerm:          0o700,
		NewFilePerm:         0o600,
	})
	if err != nil {
		return err
	}
	addr := os.Getenv(s3ChildAddr)
	err = embedgw.RunVersityGW(ctx, be, &embedgw.Config{
		RootUserAccess: os.Getenv(s3ChildAccess),
		RootUserSecret: os.Getenv(s3ChildSecret),
		Region:         os.Getenv(s3ChildRegion),
		Ports:          []string{addr},
		Quiet:          true,
		// The CLI's defaults; the library has none.
		MaxConnections:    250000,
		MaxRequests:       100000,
		MultipartMaxParts: 10000,
		KeepAlive:         true,
		S3Options: []s3api.Option{s3api.WithOnListen(func() {
			fmt.Fprintln(os.Stdout, s3ChildReady+addr)
		})},
	})
	if err != nil && ctx.Err() == nil {
		return err
	}
	return nil
}

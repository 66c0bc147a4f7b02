// Command contractcheck checks the API contract's coverage across test
// packages: every test package leaves a record of the documented statuses
// and those its tests exercised in TWINCMS_TEST_CONTRACT_DIR (see
// internal/apitest); after go test ./... this merges them and fails when a
// documented status was exercised by no package (outside the allow-list).
//
//	TWINCMS_TEST_CONTRACT_DIR=$d go test ./... && go run ./internal/contractcheck $d
package main

import (
	"fmt"
	"os"

	"github.com/jesenice/twincms/internal/apitest"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: contractcheck DIR")
		os.Exit(2)
	}
	summary, err := apitest.MergedCoverage(os.Args[1])
	if summary != "" {
		fmt.Println(summary)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

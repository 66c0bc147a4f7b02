package apitest

import (
	"os"
	"strconv"
	"strings"
)

// Helpers for the scale benchmarks (BenchmarkScale, BenchmarkBulkIngest).

// ProcessRSS is this process's resident memory in MiB (VmRSS; 0 where
// /proc is not there): with the embedded database in process, what an
// operator sees the server take.
func ProcessRSS() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			return kb / 1024
		}
	}
	return 0
}

// EnvInt reads a positive number from the environment, def otherwise.
func EnvInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

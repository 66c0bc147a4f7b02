package apitest

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/getkin/kin-openapi/openapi3"
)

// contractDirEnv names a directory where every test package leaves its
// contract record, so that coverage can be checked over the packages
// together (tests of one endpoint group live beside its handlers, the
// whole-process ones in cmd/twincms): .ci/run sets it, runs go test ./...,
// then runs TestContractCoverageAcrossPackages over the records.
const contractDirEnv = "TWINCMS_TEST_CONTRACT_DIR"

// contractRecord is what one test process saw: the documented statuses per
// "METHOD /path" and the ones it exercised.
type contractRecord struct {
	Documented map[string][]int        `json:"documented"`
	Seen       map[string]map[int]bool `json:"seen"`
}

// exchanged reports whether this process's tests talked to a twincms
// server through Client (the lazy shared one or servers of their own):
// then its record counts towards the contract check.
func exchanged() bool {
	ct := Client.Transport.(*contractTransport)
	ct.mu.Lock()
	defer ct.mu.Unlock()
	return ct.doc != nil && len(ct.seen) > 0
}

// ownRecord is this process's record.
func ownRecord() (contractRecord, error) {
	ct := Client.Transport.(*contractTransport)
	ct.mu.Lock()
	defer ct.mu.Unlock()
	rec := contractRecord{Documented: map[string][]int{}, Seen: map[string]map[int]bool{}}
	if ct.doc == nil {
		return rec, nil
	}
	for _, path := range ct.doc.Paths.InMatchingOrder() {
		for method, o := range ct.doc.Paths.Value(path).Operations() {
			key := method + " " + path
			for code := range o.Responses.Map() {
				if status, err := strconv.Atoi(code); err == nil {
					rec.Documented[key] = append(rec.Documented[key], status)
				}
			}
		}
	}
	for k, v := range ct.seen {
		rec.Seen[k] = map[int]bool{}
		for st := range v {
			rec.Seen[k][st] = true
		}
	}
	return rec, nil
}

// routesOnly is rec reduced to operations: an operation counts as
// exercised when it answered any status.
func (rec contractRecord) routesOnly() contractRecord {
	out := contractRecord{Documented: map[string][]int{}, Seen: map[string]map[int]bool{}}
	for key := range rec.Documented {
		out.Documented[key] = []int{0}
		if len(rec.Seen[key]) > 0 {
			out.Seen[key] = map[int]bool{0: true}
		}
	}
	return out
}

// saveRecord writes this process's record into dir under a unique name.
func saveRecord(dir string) error {
	rec, err := ownRecord()
	if err != nil || len(rec.Documented) == 0 {
		return err
	}
	f, err := os.CreateTemp(dir, "contract-*.json")
	if err != nil {
		return fmt.Errorf("contract record: %w", err)
	}
	defer f.Close()
	return json.NewEncoder(f).Encode(rec)
}

// MergedCoverage merges the records left in dir and reports the coverage
// over all of them, as AfterSuite does for one package.
func MergedCoverage(dir string) (string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "contract-*.json"))
	if err != nil || len(files) == 0 {
		return "", errors.Join(err, fmt.Errorf("contract: no records in %s", dir))
	}
	all := contractRecord{Documented: map[string][]int{}, Seen: map[string]map[int]bool{}}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			return "", err
		}
		var rec contractRecord
		if err := json.Unmarshal(b, &rec); err != nil {
			return "", fmt.Errorf("contract record %s: %w", name, err)
		}
		for k, v := range rec.Documented {
			all.Documented[k] = v // every server serves the same document
		}
		for k, v := range rec.Seen {
			if all.Seen[k] == nil {
				all.Seen[k] = map[int]bool{}
			}
			for st := range v {
				all.Seen[k][st] = true
			}
		}
	}
	return all.coverage()
}

// Document is the OpenAPI document the validator loaded from the first
// twincms server a test talked to (nil before that).
func Document() *openapi3.T {
	ct := Client.Transport.(*contractTransport)
	ct.mu.Lock()
	defer ct.mu.Unlock()
	return ct.doc
}

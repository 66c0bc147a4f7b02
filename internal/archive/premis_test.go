package archive_test

import (
	"encoding/json"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/jesenice/twincms/internal/testtools"
)

// checkPREMIS: every document of the unpacked bag has its PREMIS 3.0 file
// (metadata/premis/<id>.xml, listed in the tag manifest), valid against
// the official schema (xmllint), with the object's SHA-256, size and
// PRONOM PUID and the events Archivematica records: ingestion, format
// identification and, for the PDFs, text extraction, with their agents.
func checkPREMIS(t *testing.T, bag string) {
	t.Helper()
	var docs []struct {
		ID   string `json:"id"`
		File struct {
			SHA256      string `json:"sha256"`
			Size        int64  `json:"size"`
			ContentType string `json:"content_type"`
		} `json:"file"`
		Format *struct {
			PUID string `json:"puid"`
		} `json:"format"`
		Text *struct {
			Status string `json:"status"`
		} `json:"text"`
	}
	if err := json.Unmarshal(mustRead(t, filepath.Join(bag, "metadata", "documents.json")), &docs); err != nil || len(docs) == 0 {
		t.Fatalf("documents.json: %v", err)
	}
	tagManifest := string(mustRead(t, filepath.Join(bag, "tagmanifest-sha256.txt")))
	var files []string
	for _, d := range docs {
		name := filepath.Join(bag, "metadata", "premis", d.ID+".xml")
		files = append(files, name)
		if !strings.Contains(tagManifest, "  metadata/premis/"+d.ID+".xml\n") {
			t.Errorf("metadata/premis/%s.xml is not in the tag manifest", d.ID)
		}
		x := string(mustRead(t, name))
		for _, want := range []string{`<premis xmlns="http://www.loc.gov/premis/v3"`, `version="3.0"`, `<object xsi:type="file">`,
			"<messageDigestAlgorithm>SHA-256</messageDigestAlgorithm>", "<messageDigest>" + d.File.SHA256 + "</messageDigest>",
			"<size>" + strconv.FormatInt(d.File.Size, 10) + "</size>", "<eventType>ingestion</eventType>", "<agentName>twincms</agentName>"} {
			if !strings.Contains(x, want) {
				t.Errorf("PREMIS of %s lacks %s:\n%s", d.ID, want, x)
			}
		}
		if d.Format == nil || !strings.HasPrefix(d.Format.PUID, "fmt/") {
			t.Errorf("document %s has no PUID in documents.json: %+v", d.ID, d.Format)
		} else {
			for _, want := range []string{"<formatRegistryName>PRONOM</formatRegistryName>", "<formatRegistryKey>" + d.Format.PUID + "</formatRegistryKey>",
				"<eventType>format identification</eventType>", "<agentName>siegfried</agentName>"} {
				if !strings.Contains(x, want) {
					t.Errorf("PREMIS of %s lacks %s", d.ID, want)
				}
			}
		}
		if d.Text != nil && d.Text.Status == "done" && !strings.Contains(x, "<eventType>text extraction</eventType>") {
			t.Errorf("PREMIS of %s lacks its text extraction event", d.ID)
		}
	}
	testtools.Need(t, "libxml2-utils", "xmllint")
	out, err := exec.Command("xmllint", append([]string{"--noout", "--schema", filepath.Join("testdata", "premis", "premis-v3-0.xsd")}, files...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("PREMIS files do not validate against the PREMIS 3.0 schema: %v\n%s", err, out)
	}
	if n := strings.Count(string(out), " validates"); n != len(files) {
		t.Errorf("xmllint validated %d of %d files:\n%s", n, len(files), out)
	}
}

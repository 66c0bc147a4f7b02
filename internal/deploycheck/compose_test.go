// Package deploycheck holds the production files' and the docs' checks:
// the compose file must be valid Compose and keep the promises
// docs/production.md makes about it, and the docs must stay true (see
// docs_test.go).
package deploycheck

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v3"
)

func loadCompose(t *testing.T) map[string]any {
	t.Helper()
	data, err := os.ReadFile("../../docker-compose.yml")
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("docker-compose.yml is not YAML: %v", err)
	}
	// Through JSON, so the validator sees JSON types (YAML gives int).
	j, _ := json.Marshal(doc)
	var out map[string]any
	if err := json.Unmarshal(j, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestComposeFileMatchesTheComposeSpec validates docker-compose.yml
// against the Compose Specification's JSON schema (vendored in
// testdata/compose-spec with its licence and source commit).
func TestComposeFileMatchesTheComposeSpec(t *testing.T) {
	schemaData, err := os.ReadFile("../../testdata/compose-spec/compose-spec.json")
	if err != nil {
		t.Fatal(err)
	}
	schemaDoc, err := jsonschema.UnmarshalJSON(bytes.NewReader(schemaData))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("compose-spec.json", schemaDoc); err != nil {
		t.Fatal(err)
	}
	schema, err := c.Compile("compose-spec.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := schema.Validate(any(loadCompose(t))); err != nil {
		t.Fatalf("docker-compose.yml does not match the compose spec: %v", err)
	}
}

// TestComposeFileKeepsItsPromises: a 3-member replica set with auth, 4
// MinIO nodes behind a load balancer, pinned images, a healthcheck, and a
// MinIO user for twincms that is not the root account.
func TestComposeFileKeepsItsPromises(t *testing.T) {
	services := loadCompose(t)["services"].(map[string]any)
	str := func(v any) string { b, _ := json.Marshal(v); return string(b) }
	var mongos, minios int
	for name, s := range services {
		svc := s.(map[string]any)
		if img, ok := svc["image"].(string); ok && (strings.HasSuffix(img, ":latest") && name != "twincms" || !strings.Contains(img, ":")) {
			t.Errorf("%s: image %q is not pinned", name, img)
		}
		if strings.HasPrefix(name, "mongo") && name != "mongo-init" && name != "mongo-keyfile" {
			mongos++
			if cmd := str(svc["command"]); !strings.Contains(cmd, "--replSet") || !strings.Contains(cmd, "--keyFile") {
				t.Errorf("%s: %s, want a replica set member with a key file (auth)", name, cmd)
			}
		}
		if strings.HasPrefix(name, "minio") && len(name) == 6 {
			minios++
		}
	}
	if mongos != 3 || minios != 4 {
		t.Errorf("%d MongoDB members and %d MinIO nodes, want 3 and 4", mongos, minios)
	}
	tw := services["twincms"].(map[string]any)
	env := tw["environment"].(map[string]any)
	if env["TWINCMS_S3_ENDPOINT"] != "minio-lb:9000" || !strings.HasPrefix(env["TWINCMS_S3_PUBLIC_URL"].(string), "http://localhost:9000") {
		t.Errorf("twincms does not go through the load balancer: %v", env)
	}
	if !strings.Contains(env["TWINCMS_MONGODB_URI"].(string), "replicaSet=rs0") || strings.Contains(env["TWINCMS_MONGODB_URI"].(string), "root") {
		t.Errorf("twincms's MongoDB URI %q: want the replica set and its own user", env["TWINCMS_MONGODB_URI"])
	}
	setup := services["minio-setup"].(map[string]any)["environment"].(map[string]any)
	if env["TWINCMS_S3_ACCESS_KEY"] != setup["TWINCMS_S3_ACCESS_KEY"] || env["TWINCMS_S3_ACCESS_KEY"] == setup["MINIO_ROOT_USER"] {
		t.Errorf("twincms's MinIO user must be the one minio-setup creates, not root")
	}
	if tw["healthcheck"] == nil {
		t.Error("twincms has no healthcheck")
	}
}

// TestProductionDocMatchesTheDeployFiles: docs/production.md names the
// MongoDB image, the MinIO and mc commits and the public S3 URL the files
// use, and every file under deploy/; and CI builds MinIO at the commits
// the image does ("what runs in production is what .ci/run exercised").
func TestProductionDocMatchesTheDeployFiles(t *testing.T) {
	doc := readRepoFile(t, "docs/production.md")
	services := loadCompose(t)["services"].(map[string]any)
	for name, s := range services {
		if img, _ := s.(map[string]any)["image"].(string); strings.HasPrefix(name, "mongo") && img != "" && !strings.Contains(doc, img) {
			t.Errorf("docker-compose.yml runs %s for %s; docs/production.md does not say so", img, name)
		}
	}
	env := services["twincms"].(map[string]any)["environment"].(map[string]any)
	if u, _ := env["TWINCMS_S3_PUBLIC_URL"].(string); !strings.Contains(doc, "TWINCMS_S3_PUBLIC_URL="+u) {
		t.Errorf("docs/production.md does not give the signed links' base TWINCMS_S3_PUBLIC_URL=%s", u)
	}
	pins := regexp.MustCompile(`github\.com/minio/(minio|mc)@(v[0-9A-Za-z.-]+)`).FindAllStringSubmatch(readRepoFile(t, "deploy/minio.Dockerfile"), -1)
	if len(pins) != 2 {
		t.Fatalf("deploy/minio.Dockerfile pins %d of minio and mc, want both", len(pins))
	}
	ci := readRepoFile(t, ".ci/run")
	for _, p := range pins {
		pin := p[1] + "@" + p[2]
		if !strings.Contains(doc, pin) {
			t.Errorf("deploy/minio.Dockerfile builds %s; docs/production.md does not say so", pin)
		}
		if !strings.Contains(ci, pin) {
			t.Errorf("deploy/minio.Dockerfile builds %s, which .ci/run does not test", pin)
		}
	}
	files, err := filepath.Glob(filepath.Join(repo, "deploy", "*"))
	if err != nil || len(files) == 0 {
		t.Fatalf("deploy/: %v", err)
	}
	for _, f := range files {
		if name := "deploy/" + filepath.Base(f); !strings.Contains(doc, name) {
			t.Errorf("docs/production.md does not describe %s", name)
		}
	}
}

package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jesenice/twincms/internal/demo"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// The tests in this file need the 4-node MinIO cluster .ci/run starts
// (.ci/minio-cluster.sh); TWINCMS_TEST_MINIO_CLUSTER_DIR names its state
// directory. twincms talks to node 1; nodes 3 and 4 are the ones killed.

func clusterDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("TWINCMS_TEST_MINIO_CLUSTER_DIR")
	if dir == "" || os.Getenv("TWINCMS_TEST_S3_ENDPOINT") == "" {
		t.Skip("needs the MinIO cluster of .ci/run (TWINCMS_TEST_MINIO_CLUSTER_DIR, TWINCMS_TEST_S3_ENDPOINT)")
	}
	return dir
}

// clusterNode runs .ci/minio-cluster.sh stop-node|start-node DIR n.
func clusterNode(t *testing.T, dir, cmd string, n int) {
	t.Helper()
	script, _ := filepath.Abs("../../.ci/minio-cluster.sh")
	out, err := exec.Command(script, cmd, dir, string(rune('0'+n))).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %d: %v\n%s", cmd, n, err, out)
	}
}

// TestMinIOClusterLosesNodesAndRecovers: one node down, reads and writes
// go on; two down (write quorum lost), uploads answer 503 quickly and
// /readyz says not ready; nodes back, twincms recovers without a restart.
func TestMinIOClusterLosesNodesAndRecovers(t *testing.T) {
	dir := clusterDir(t)
	s, err := startTestServer(t.TempDir(), map[string]string{"TWINCMS_DEMO": "false"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.close()
	ed, ar := s.newToken(t, "editor"), s.newToken(t, "archivist")
	n := 0
	upload := func() resp {
		n++
		name := "gruča-" + string(rune('a'+n))
		return s.upload(t, ed, docMeta("scan", name), name+".pdf", "", demo.PlaceholderPDF(name+" "+t.Name()))
	}
	first := expect(t, upload(), 201).Map(t)["id"].(string)
	original := func() resp {
		return s.do(t, req{Method: "GET", Path: "/api/v1/archive/documents/" + first + "/original", Token: ar})
	}
	down := map[int]bool{}
	defer func() {
		for node := range down {
			clusterNode(t, dir, "start-node", node)
		}
	}()

	clusterNode(t, dir, "stop-node", 4)
	down[4] = true
	expect(t, upload(), 201)
	expect(t, original(), 200)

	clusterNode(t, dir, "stop-node", 3)
	down[3] = true
	start := time.Now()
	r := upload()
	toFail := time.Since(start)
	expectProblem(t, r, 503, "unavailable")
	if r.Header.Get("Retry-After") == "" {
		t.Error("503 without Retry-After")
	}
	t.Logf("quorum lost: upload answered 503 in %s", toFail.Round(time.Millisecond))
	if toFail > 15*time.Second {
		t.Errorf("503 took %s, want it within seconds", toFail)
	}
	notReady := time.Now()
	for s.do(t, req{Method: "GET", Path: "/readyz"}).Status != 503 {
		if time.Since(notReady) > 30*time.Second {
			t.Error("/readyz still says ready 30 s after write quorum was lost")
			break
		}
		time.Sleep(500 * time.Millisecond)
	}
	t.Logf("quorum lost: /readyz said not ready %s after the upload's 503", time.Since(notReady).Round(time.Millisecond))
	if st := original().Status; st != 200 {
		t.Logf("reading with 4 of 8 drives: %d (read quorum is 4 drives: reads may go on)", st)
	}

	clusterNode(t, dir, "start-node", 3)
	clusterNode(t, dir, "start-node", 4)
	delete(down, 3)
	delete(down, 4)
	back := time.Now()
	for {
		if r := upload(); r.Status == 201 {
			break
		} else if time.Since(back) > 3*time.Minute {
			t.Fatalf("no recovery 3 min after the nodes came back: %d %s", r.Status, r.Body)
		}
		time.Sleep(time.Second)
	}
	t.Logf("nodes back: uploads succeed again after %s, without a restart", time.Since(back).Round(time.Millisecond))
	for s.do(t, req{Method: "GET", Path: "/readyz"}).Status != 200 {
		if time.Since(back) > 3*time.Minute {
			t.Fatal("/readyz not ready 3 min after the nodes came back")
		}
		time.Sleep(500 * time.Millisecond)
	}
	expect(t, original(), 200)
}

// TestMinIOCredentialsAreABucketPolicyUser: the suite ran with a user
// whose policy grants only twincms-test-* buckets, not the root account.
func TestMinIOCredentialsAreABucketPolicyUser(t *testing.T) {
	clusterDir(t)
	c, err := minio.New(os.Getenv("TWINCMS_TEST_S3_ENDPOINT"), &minio.Options{
		Creds: credentials.NewStaticV4(os.Getenv("TWINCMS_TEST_S3_ACCESS_KEY"), os.Getenv("TWINCMS_TEST_S3_SECRET_KEY"), "")})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err = c.MakeBucket(ctx, "not-twincms", minio.MakeBucketOptions{})
	if minio.ToErrorResponse(err).Code != "AccessDenied" {
		t.Fatalf("creating a bucket outside the policy: %v, want AccessDenied", err)
	}
	buckets, err := c.ListBuckets(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range buckets {
		if !strings.HasPrefix(b.Name, "twincms-test-") {
			t.Errorf("the user sees bucket %s outside its policy", b.Name)
		}
	}
}

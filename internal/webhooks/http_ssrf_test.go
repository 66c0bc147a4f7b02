package webhooks_test

import (
	"strings"
	"testing"
	"time"

	"github.com/jesenice/twincms/internal/apitest"
)

// The SSRF guard for every IPv6 form of an internal address, through the
// real HTTP API, with private targets not allowed.

// Literal targets are refused when the webhook is saved (422 naming url,
// RFC 9457, our words only): IPv4-compatible, NAT64 (well-known and
// local-use prefixes), 6to4, Teredo, ISATAP, the other IPv6 special ranges,
// the IPv4 ranges CGNAT, benchmarking, reserved, documentation and
// multicast, and hosts that are numbers (IPv4 in forms resolvers accept).
func TestWebhookSSRFIPv6FormsRefusedAtCreate(t *testing.T) {
	s := apitest.Shared(t)
	if s.Cfg.WebhookAllowPrivate {
		t.Fatal("the shared server allows private webhook targets; this test needs the guard on")
	}
	for _, url := range []string{
		// The four.
		"http://[::127.0.0.1]/", "http://[64:ff9b::7f00:1]/", "http://[64:ff9b::a9fe:a9fe]/", "http://[2002:7f00:1::1]/",
		// More embeddings of internal IPv4 addresses.
		"http://[::ffff:0:127.0.0.1]/", "http://[64:ff9b::10.0.0.1]:8080/", "http://[64:ff9b:1::a00:1]/",
		"http://[2002:a9fe:a9fe::1]/latest/meta-data", "http://[2002:c0a8:101::]/", "http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/",
		"http://[2001::7f00:1]/", "http://[2606:4700::5efe:7f00:1]/",
		// IPv6 special ranges.
		"http://[::]/", "http://[fc00::1]/", "http://[fd00::1]/", "http://[fec0::1]/", "http://[fe80::1%25eth0]/",
		"http://[ff02::1]/", "http://[100::1]/", "http://[2001:db8::1]/", "http://[3fff::1]/",
		// IPv4 ranges.
		"http://100.64.0.1/", "http://100.127.255.254/", "http://198.18.0.1/", "http://198.19.1.1/", "http://240.0.0.1/",
		"http://255.255.255.255/", "http://0.1.2.3/", "http://192.0.0.8/", "http://192.0.2.1/", "http://198.51.100.1/",
		"http://203.0.113.1/", "http://224.0.0.251/",
		// Numbers as hosts.
		"http://2130706433/", "http://0x7f000001/", "http://127.1/", "http://0177.0.0.1/", "http://127.0.0.1./",
	} {
		r := s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/webhooks", Token: admin,
			Body: map[string]any{"url": url, "events": []string{"partnership.published"}}})
		if r.Status == 201 {
			s.Do(t, apitest.Req{Method: "DELETE", Path: "/api/v1/webhooks/" + r.Map(t)["id"].(string), Token: admin})
			t.Errorf("%s: accepted", url)
			continue
		}
		p := apitest.ExpectProblem(t, r, 422, "validation-failed")
		errs, _ := p["errors"].([]any)
		if len(errs) != 1 || errs[0].(map[string]any)["field"] != "url" {
			t.Errorf("%s: problem %v does not name the url field", url, p)
		}
		for _, bad := range []string{"netip", "ParseAddr", "dial", "syscall", "%!"} {
			if strings.Contains(string(r.Body), bad) {
				t.Errorf("%s: internal text %q in %s", url, bad, r.Body)
			}
		}
	}
	// Public addresses in the forms that reach them still pass.
	for _, url := range []string{"https://[64:ff9b::808:808]/hook", "https://[::ffff:93.184.216.34]/hook", "https://[2606:4700::1111]/hook", "https://93.184.216.34/hook"} {
		m := apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/webhooks", Token: admin,
			Body: map[string]any{"url": url, "events": []string{"partnership.published"}, "active": false}}), 201).Map(t)
		apitest.Expect(t, s.Do(t, apitest.Req{Method: "DELETE", Path: "/api/v1/webhooks/" + m["id"].(string), Token: admin}), 204)
	}
}

// At dial time the address connected to is checked, whatever the stored
// URL says: webhooks saved while private targets were allowed, pointing at
// the test receiver through IPv6 embeddings of 127.0.0.1 (and at
// localhost, a name), are refused once the setting is off: each delivery
// fails on its first attempt as refused (no retry), and the receiver is
// never reached.
func TestWebhookSSRFRefusedAtDial(t *testing.T) {
	dir := t.TempDir()
	rcv := apitest.NewHookReceiver(t, func(int) int { return 200 })
	port := rcv.URL[strings.LastIndex(rcv.URL, ":")+1:]
	urls := []string{"http://[::127.0.0.1]:" + port + "/", "http://[64:ff9b::7f00:1]:" + port + "/",
		"http://[64:ff9b::a9fe:a9fe]:" + port + "/", "http://[2002:7f00:1::1]:" + port + "/",
		"http://[2001:0:7f00:1::80ff:fffe]:" + port + "/", "http://localhost:" + port + "/"}

	open, err := apitest.Start(dir, apitest.WebhookEnv(map[string]string{"TWINCMS_WEBHOOK_WORKERS": "0"}))
	if err != nil {
		t.Fatal(err)
	}
	defer open.Close() // a no-op after the Close below
	ids := map[string]string{}
	for _, u := range urls {
		ids[u], _ = open.CreateWebhook(t, u, "partnership.published")
	}
	open.Close()

	guarded, err := apitest.Start(dir, apitest.WebhookEnv(map[string]string{"TWINCMS_WEBHOOK_ALLOW_PRIVATE": "false"}))
	if err != nil {
		t.Fatal(err)
	}
	defer guarded.Close()
	guarded.PublishNew(t, admin, "dial-guard-partner")
	for _, u := range urls {
		d := waitDelivery(t, guarded, ids[u], "failed", 30*time.Second)
		h := d["history"].([]any)
		first := h[0].(map[string]any)
		if d["attempts"].(float64) != 1 || len(h) != 1 || first["status_code"].(float64) != 0 || !strings.Contains(first["error"].(string), "refused") {
			t.Errorf("%s: delivery %v", u, d)
		}
	}
	if n := len(rcv.Messages()); n != 0 {
		t.Fatalf("the receiver on 127.0.0.1 got %d requests", n)
	}
	metrics := string(apitest.Expect(t, guarded.Do(t, apitest.Req{Method: "GET", Path: "/metrics"}), 200).Body)
	if !strings.Contains(metrics, `twincms_webhook_deliveries_total{outcome="refused"} 6`) {
		t.Fatalf("metrics: six refused deliveries not counted")
	}
	// A refused webhook can still be switched off (its URL is not re-checked).
	apitest.Expect(t, guarded.Do(t, apitest.Req{Method: "PATCH", Path: "/api/v1/webhooks/" + ids[urls[0]], Token: admin,
		Body: map[string]any{"active": false}}), 200)
}

package webhooks

import (
	"net"
	"strings"
	"testing"

	"github.com/jesenice/twincms/models"
)

// The signer reproduces the Standard Webhooks reference libraries' test
// vector (secret, message id, timestamp, payload → signature).
func TestSignMatchesTheSpecVector(t *testing.T) {
	got, err := sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, []byte(`{"test": 2432232314}`))
	if err != nil || got != "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=" {
		t.Fatalf("signature %q (%v)", got, err)
	}
	if _, err := sign("whsec_not base64!", "m", 1, nil); err == nil {
		t.Fatal("a damaged secret signed")
	}
	if s := newSecret(); !strings.HasPrefix(s, "whsec_") || len(s) < 40 {
		t.Fatalf("secret %q…", s[:8])
	}
}

func TestPrivateAddresses(t *testing.T) {
	for addr, private := range map[string]bool{
		"127.0.0.1": true, "127.8.9.10": true, "::1": true, "10.0.0.1": true, "172.16.5.4": true, "192.168.1.1": true,
		"169.254.169.254": true, "fe80::1": true, "fc00::1": true, "0.0.0.0": true, "::": true, "224.0.0.1": true,
		"ff02::1": true, "100.64.0.1": true, "0.1.2.3": true, "::ffff:127.0.0.1": true,
		"93.184.216.34": false, "2606:4700::1111": false, "172.32.0.1": false, "100.128.0.1": false,
	} {
		if got := models.PrivateIP(net.ParseIP(addr)); got != private {
			t.Errorf("%s: private %v, want %v", addr, got, private)
		}
	}
}

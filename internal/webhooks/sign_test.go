package webhooks

import (
	"strings"
	"testing"
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

package accounts

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"time"
)

// flowTTL is how long a browser may take at the provider between the
// start of a single sign-on and its callback.
const flowTTL = 10 * time.Minute

// flow is what a single sign-on keeps between its start and its
// callback: the state (against forged callbacks), the nonce (against
// replayed ID tokens) and the PKCE verifier (against stolen codes). It
// travels in a short-lived HttpOnly cookie sealed with AES-GCM, so any
// instance behind a load balancer can finish a flow another started, and
// the browser can neither read nor change it.
type flow struct {
	State    string `json:"s"`
	Nonce    string `json:"n"`
	Verifier string `json:"v"`
	Expires  int64  `json:"e"`
}

var errFlow = errors.New("the sign-in flow is unknown, changed or expired")

func sealFlow(key []byte, f flow) (string, error) {
	aead, err := newAEAD(key)
	if err != nil {
		return "", err
	}
	plain, err := json.Marshal(f)
	if err != nil {
		return "", err
	}
	nonce := make([]byte, aead.NonceSize())
	_, _ = rand.Read(nonce)
	return base64.RawURLEncoding.EncodeToString(aead.Seal(nonce, nonce, plain, []byte("twincms sso flow"))), nil
}

// openFlow reads a sealed flow and checks its state and age.
func openFlow(key []byte, sealed, state string, now time.Time) (flow, error) {
	aead, err := newAEAD(key)
	if err != nil {
		return flow{}, err
	}
	raw, err := base64.RawURLEncoding.DecodeString(sealed)
	if err != nil || len(raw) < aead.NonceSize() || len(sealed) > 1024 {
		return flow{}, errFlow
	}
	plain, err := aead.Open(nil, raw[:aead.NonceSize()], raw[aead.NonceSize():], []byte("twincms sso flow"))
	if err != nil {
		return flow{}, errFlow
	}
	var f flow
	if json.Unmarshal(plain, &f) != nil || f.State == "" || state == "" ||
		subtle.ConstantTimeCompare([]byte(f.State), []byte(state)) != 1 || now.Unix() > f.Expires {
		return flow{}, errFlow
	}
	return f, nil
}

func newAEAD(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

package oai

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"time"
)

// token is the state of a list between pages. It travels to the harvester
// and back, so it is signed (HMAC-SHA256 under Config.Key): a changed
// token is refused as badResumptionToken, and a forged one could only ask
// for public records anyway.
type token struct {
	Verb   string `json:"v"`
	Prefix string `json:"p"`
	Set    string `json:"s,omitempty"`
	From   int64  `json:"f,omitempty"`
	Until  int64  `json:"u,omitempty"`
	// AfterDate and AfterID are the last record sent, in (datestamp, id)
	// order: the next page starts after it.
	AfterDate int64  `json:"ad"`
	AfterID   string `json:"ai"`
	Cursor    int    `json:"c"`
	Expires   int64  `json:"e"`
}

// maxTokenLen bounds what is decoded of a token.
const maxTokenLen = 2048

var errBadToken = errors.New("bad resumption token")

func (r *Repository) sign(payload []byte) []byte {
	m := hmac.New(sha256.New, r.cfg.Key)
	m.Write([]byte("twincms oai resumption token v1\x00"))
	m.Write(payload)
	return m.Sum(nil)[:16]
}

func (r *Repository) encodeToken(t token) string {
	payload, _ := json.Marshal(t)
	return base64.RawURLEncoding.EncodeToString(payload) + "." + base64.RawURLEncoding.EncodeToString(r.sign(payload))
}

// decodeToken checks a token's signature and expiry.
func (r *Repository) decodeToken(s string, now time.Time) (token, error) {
	var t token
	p, sig, ok := strings.Cut(s, ".")
	if !ok || len(s) > maxTokenLen {
		return t, errBadToken
	}
	payload, err1 := base64.RawURLEncoding.DecodeString(p)
	mac, err2 := base64.RawURLEncoding.DecodeString(sig)
	if err1 != nil || err2 != nil || !hmac.Equal(mac, r.sign(payload)) {
		return t, errBadToken
	}
	if err := json.Unmarshal(payload, &t); err != nil || now.Unix() > t.Expires {
		return t, errBadToken
	}
	return t, nil
}

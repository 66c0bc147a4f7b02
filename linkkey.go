package twincms

import (
	"crypto/hmac"
	"crypto/sha256"
)

// publicLinkKey is the key that signs public file links, derived from the
// object store's secret key: every instance serving the same store has
// that secret, so a link handed out by one is honoured by all, and no new
// secret has to be kept anywhere. Rotating the S3 secret invalidates the
// links handed out (the page hands out fresh ones).
func (s *CMS) publicLinkKey() ([]byte, error) {
	secret := s.cfg.S3SecretKey
	if s.cfg.EmbeddedS3() {
		_, embedded, err := embeddedS3Keys(s.cfg.DataDir)
		if err != nil {
			return nil, err
		}
		secret = embedded
	}
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte("twincms public file links v1"))
	return m.Sum(nil), nil
}

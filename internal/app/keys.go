package app

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// embeddedS3Keys returns the embedded S3's credentials, made at first start
// and kept (0600) in the data dir so signed links survive restarts.
func embeddedS3Keys(dataDir string) (string, string, error) {
	path := filepath.Join(dataDir, "s3-credentials.json")
	var keys struct{ Access, Secret string }
	if b, err := os.ReadFile(path); err == nil {
		if err := json.Unmarshal(b, &keys); err != nil || keys.Access == "" || keys.Secret == "" {
			return "", "", fmt.Errorf("embedded s3: %s is damaged; remove it to make new keys", path)
		}
		return keys.Access, keys.Secret, nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return "", "", fmt.Errorf("embedded s3: %w", err)
	}
	keys.Access, keys.Secret = "twincms"+randomHex(6), randomHex(24)
	b, _ := json.Marshal(keys)
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return "", "", fmt.Errorf("embedded s3: %w", err)
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		return "", "", fmt.Errorf("embedded s3: %w", err)
	}
	return keys.Access, keys.Secret, nil
}

// publicLinkKey is the key that signs public file links, derived from the
// object store's secret key: every instance serving the same store has
// that secret, so a link handed out by one is honoured by all, and no new
// secret has to be kept anywhere. Rotating the S3 secret invalidates the
// links handed out (the page hands out fresh ones).
func (a *App) publicLinkKey() ([]byte, error) {
	return a.derivedKey("twincms public file links v1")
}

// derivedKey is a 32-byte key for purpose, derived from the object
// store's secret key (see publicLinkKey).
func (a *App) derivedKey(purpose string) ([]byte, error) {
	secret := a.Cfg.S3SecretKey
	if a.Cfg.EmbeddedS3() {
		_, embedded, err := embeddedS3Keys(a.Cfg.DataDir)
		if err != nil {
			return nil, err
		}
		secret = embedded
	}
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(purpose))
	return m.Sum(nil), nil
}

// holder names this process in the leases it takes (fixity audits,
// webhook deliveries, schedule runs): host, pid and a random part, so two
// processes never share a name.
func holder() string {
	host, _ := os.Hostname()
	return fmt.Sprintf("%s/%d/%s", host, os.Getpid(), randomHex(4))
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

package config

import (
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestDefaultsRunEmbedded(t *testing.T) {
	c, err := Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:8080" || c.S3Addr != "127.0.0.1:8333" || !c.EmbeddedDB() || !c.EmbeddedS3() || !c.Demo ||
		!filepath.IsAbs(c.DataDir) || c.LinkTTL != time.Hour || c.S3Bucket != "twincms" {
		t.Fatalf("defaults: %+v", c)
	}
	prod, err := Load(env(map[string]string{"TWINCMS_MONGODB_URI": "mongodb://db:27017", "TWINCMS_S3_ENDPOINT": "minio:9000",
		"TWINCMS_S3_ACCESS_KEY": "a", "TWINCMS_S3_SECRET_KEY": "b"}))
	if err != nil || prod.Demo || prod.EmbeddedDB() || prod.EmbeddedS3() {
		t.Fatalf("production: %+v %v", prod, err)
	}
}

func TestInvalidValuesNameTheVariable(t *testing.T) {
	cases := map[string]string{
		"TWINCMS_ADDR":                   "localhost",
		"TWINCMS_S3_ADDR":                "127.0.0.1:99999",
		"TWINCMS_MONGODB_URI":            "postgres://x",
		"TWINCMS_S3_ENDPOINT":            "http://minio:9000",
		"TWINCMS_S3_PUBLIC_URL":          "ftp://files",
		"TWINCMS_S3_BUCKET":              "Bad_Bucket",
		"TWINCMS_S3_SECURE":              "maybe",
		"TWINCMS_BOOTSTRAP_TOKEN":        "short",
		"TWINCMS_DEMO":                   "yes please",
		"TWINCMS_MAX_UPLOAD_BYTES":       "-5",
		"TWINCMS_LINK_TTL":               "forever",
		"TWINCMS_MAX_COMPRESSION_RATIO":  "1",
		"TWINCMS_TRUSTED_PROXIES":        "10.0.0.0/8,proxy.local",
		"TWINCMS_METRICS":                "sometimes",
		"TWINCMS_METRICS_ADDR":           "9100",
		"TWINCMS_METRICS_TOKEN":          "short",
		"TWINCMS_RICHTEXT_IMAGE_ORIGINS": "javascript:alert(1)",
		"TWINCMS_FIXITY_INTERVAL":        "1ms",
		"TWINCMS_LOCALES":                "sl,english",
		"TWINCMS_LOCALE_FALLBACK":        "fr",
		"TWINCMS_LOG_LEVEL":              "loud",
		"TWINCMS_OIDC_ISSUER":            "http://sso.jesenice.si",
		"TWINCMS_OIDC_ROLE_MAP":          "twincms-admins=root",
		"TWINCMS_OIDC_AUTO_CREATE":       "sometimes",
	}
	for name, value := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := Load(env(map[string]string{name: value}))
			if err == nil || !strings.Contains(err.Error(), name) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("Load(%s=%q) = %v; want one line naming the variable", name, value, err)
			}
		})
	}
	for _, c := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"TWINCMS_OIDC_ISSUER": "https://sso.jesenice.si"}, "TWINCMS_OIDC_CLIENT_ID"},
		{map[string]string{"TWINCMS_OIDC_ISSUER": "https://sso.jesenice.si", "TWINCMS_OIDC_CLIENT_ID": "twincms", "TWINCMS_OIDC_AUTO_CREATE": "true"}, "TWINCMS_OIDC_ROLE_MAP"},
	} {
		if _, err := Load(env(c.env)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Load(%v) = %v, want an error naming %s", c.env, err, c.want)
		}
	}
	c, err := Load(env(map[string]string{"TWINCMS_OIDC_ISSUER": "http://127.0.0.1:9998", "TWINCMS_OIDC_CLIENT_ID": "twincms",
		"TWINCMS_OIDC_SCOPES": "openid, profile email groups", "TWINCMS_OIDC_ROLE_MAP": "a=admin, b = editor", "TWINCMS_OIDC_AUTO_CREATE": "true"}))
	if err != nil || !c.OIDC.Enabled() || strings.Join(c.OIDC.Scopes, " ") != "profile email groups" || len(c.OIDC.RoleMap) != 2 ||
		c.OIDC.RoleMap[1] != (RoleMapping{Value: "b", Role: "editor"}) || c.OIDC.RoleClaim != "groups" {
		t.Errorf("OIDC config %+v, %v", c.OIDC, err)
	}
	if _, err := Load(env(map[string]string{"TWINCMS_S3_ENDPOINT": "minio:9000"})); err == nil || !strings.Contains(err.Error(), "TWINCMS_S3_ACCESS_KEY") {
		t.Fatalf("an external S3 without keys: %v", err)
	}
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"1024": 1024, "500MiB": 500 << 20, "2GB": 2e9, "1 KiB": 1024} {
		if got, err := ParseSize(in); err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d %v, want %d", in, got, err, want)
		}
	}
}

func TestSecretsAreMaskedInLogs(t *testing.T) {
	c, _ := Load(env(map[string]string{"TWINCMS_BOOTSTRAP_TOKEN": "super-secret-token-123", "TWINCMS_MONGODB_URI": "mongodb://user:pw@db/x",
		"TWINCMS_S3_ENDPOINT": "minio:9000", "TWINCMS_S3_ACCESS_KEY": "AKIAXXX", "TWINCMS_S3_SECRET_KEY": "verysecret"}))
	s := c.LogValue().String()
	for _, secret := range []string{"super-secret-token-123", "pw@", "verysecret", "AKIAXXX"} {
		if strings.Contains(s, secret) {
			t.Errorf("log value shows %q: %s", secret, s)
		}
	}
}

// The hostile-input limits have safe defaults; proxies parse as prefixes.
func TestHostileInputDefaultsAndProxies(t *testing.T) {
	c, err := Load(env(map[string]string{"TWINCMS_TRUSTED_PROXIES": "10.0.0.0/8, 192.0.2.7,::1",
		"TWINCMS_RICHTEXT_IMAGE_ORIGINS": "https://www.Jesenice.si/"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.MaxExpandedBytes != 16<<30 || c.MaxCompressionRatio != 100 || c.MaxQueuedIngestBytes != 8<<30 ||
		c.AuthFailuresPerMinute != 10 || c.Metrics != "token" || c.MetricsAddr != "" {
		t.Fatalf("defaults: %+v", c)
	}
	if len(c.TrustedProxies) != 3 || c.TrustedProxies[1].String() != "192.0.2.7/32" || c.TrustedProxies[2].String() != "::1/128" {
		t.Fatalf("proxies: %v", c.TrustedProxies)
	}
	if len(c.RichTextImageOrigins) != 1 || c.RichTextImageOrigins[0] != "https://www.jesenice.si" {
		t.Fatalf("image origins: %v", c.RichTextImageOrigins)
	}
}

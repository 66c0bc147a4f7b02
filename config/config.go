// Package config loads twincms's settings from the environment. Every
// variable has a default that runs the embedded setup; an invalid value
// stops the start with one line naming the variable.
//
// It is public because a host builds the Config it passes to twincms.Open
// (usually with Load(os.Getenv)).
package config

import (
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Config is the whole runtime configuration.
type Config struct {
	Addr    string
	DataDir string // absolute

	MongoURI      string // empty: embedded FerretDB
	MongoDatabase string

	S3Addr      string // embedded S3 listen address
	S3PublicURL string // base URL for presigned links; empty: the S3 endpoint
	S3Endpoint  string // empty: embedded versitygw
	S3AccessKey string
	S3SecretKey string
	S3Bucket    string
	S3Region    string
	S3Secure    bool
	// S3StallTimeout: how long the object store may make no progress
	// before a request gives up on it with 503.
	S3StallTimeout time.Duration

	BootstrapToken string
	Demo           bool
	// DocumentIndex serves document reads from an in-memory index
	// (TWINCMS_DOCUMENT_INDEX; default on with the embedded database, whose
	// queries scan, off with MongoDB, whose indexes answer them).
	DocumentIndex bool
	// Organization names the archive's owner in BagIt exports.
	Organization string

	MaxUploadBytes int64
	// MaxIngestBytes bounds a zipped bag sent to POST /archive/ingests
	// (each file in it is still bounded by MaxUploadBytes).
	MaxIngestBytes  int64
	MaxJSONBytes    int64
	LinkTTL         time.Duration
	FixityInterval  time.Duration
	ShutdownTimeout time.Duration
	// ScheduleLateAfter: a schedule that runs later than this after its
	// time (the service was down) is recorded as late.
	ScheduleLateAfter time.Duration

	Locales  []string
	Fallback []string

	LogLevel slog.Level

	// WebhookAllowPrivate lets webhooks reach loopback, private and
	// link-local addresses (tests, closed networks).
	WebhookAllowPrivate bool
	// WebhookBackoff is the wait before each retry of a delivery.
	WebhookBackoff []time.Duration
	// WebhookTimeout bounds one delivery attempt.
	WebhookTimeout time.Duration
	// WebhookWorkers is how many deliveries one instance sends at once;
	// 0: this instance only queues them (another one delivers).
	WebhookWorkers int
	// AuditRetention prunes audit entries older than this; 0 keeps them.
	AuditRetention time.Duration
}

// Embedded reports whether the database is the embedded FerretDB.
func (c Config) EmbeddedDB() bool { return c.MongoURI == "" }

// EmbeddedS3 reports whether the object store is the embedded versitygw.
func (c Config) EmbeddedS3() bool { return c.S3Endpoint == "" }

// LogValue masks secrets when the config is logged.
func (c Config) LogValue() slog.Value {
	mask := func(s string) string {
		if s == "" {
			return ""
		}
		return "***"
	}
	mongo := c.MongoURI
	if u, err := url.Parse(mongo); err == nil && u.User != nil {
		u.User = url.User(u.User.Username())
		mongo = u.String()
	}
	return slog.GroupValue(
		slog.String("addr", c.Addr), slog.String("data_dir", c.DataDir),
		slog.String("mongodb_uri", mongo), slog.String("s3_endpoint", c.S3Endpoint),
		slog.String("s3_addr", c.S3Addr), slog.String("s3_public_url", c.S3PublicURL),
		slog.String("s3_bucket", c.S3Bucket), slog.String("s3_access_key", mask(c.S3AccessKey)),
		slog.String("s3_secret_key", mask(c.S3SecretKey)), slog.String("bootstrap_token", mask(c.BootstrapToken)),
		slog.Bool("demo", c.Demo), slog.Int64("max_upload_bytes", c.MaxUploadBytes),
		slog.Int64("max_ingest_bytes", c.MaxIngestBytes),
		slog.Duration("link_ttl", c.LinkTTL), slog.Duration("fixity_interval", c.FixityInterval),
		slog.Any("locales", c.Locales), slog.Any("fallback", c.Fallback),
	)
}

// Load reads the configuration through getenv (os.Getenv in production, a
// map in tests).
func Load(getenv func(string) string) (Config, error) {
	l := loader{getenv: getenv}
	c := Config{
		Addr:            l.addr("TWINCMS_ADDR", "127.0.0.1:8080"),
		DataDir:         l.dir("TWINCMS_DATA_DIR", "./data"),
		MongoURI:        l.mongoURI("TWINCMS_MONGODB_URI"),
		MongoDatabase:   l.name("TWINCMS_MONGODB_DATABASE", "twincms"),
		S3Addr:          l.addr("TWINCMS_S3_ADDR", "127.0.0.1:8333"),
		S3PublicURL:     l.baseURL("TWINCMS_S3_PUBLIC_URL"),
		S3Endpoint:      l.endpoint("TWINCMS_S3_ENDPOINT"),
		S3AccessKey:     l.str("TWINCMS_S3_ACCESS_KEY", ""),
		S3SecretKey:     l.str("TWINCMS_S3_SECRET_KEY", ""),
		S3Bucket:        l.bucket("TWINCMS_S3_BUCKET", "twincms"),
		S3Region:        l.name("TWINCMS_S3_REGION", "us-east-1"),
		S3Secure:        l.boolean("TWINCMS_S3_SECURE", false),
		S3StallTimeout:  l.duration("TWINCMS_S3_STALL_TIMEOUT", 3*time.Second, 500*time.Millisecond, 5*time.Minute),
		BootstrapToken:  l.token("TWINCMS_BOOTSTRAP_TOKEN"),
		Organization:    l.str("TWINCMS_ORGANIZATION", "Občina Jesenice"),
		MaxUploadBytes:  l.size("TWINCMS_MAX_UPLOAD_BYTES", 1<<30),
		MaxIngestBytes:  l.size("TWINCMS_MAX_INGEST_BYTES", 4<<30),
		MaxJSONBytes:    l.size("TWINCMS_MAX_JSON_BYTES", 1<<20),
		LinkTTL:         l.duration("TWINCMS_LINK_TTL", time.Hour, time.Minute, 7*24*time.Hour),
		FixityInterval:  l.duration("TWINCMS_FIXITY_INTERVAL", 24*time.Hour, time.Second, 365*24*time.Hour),
		ShutdownTimeout: l.duration("TWINCMS_SHUTDOWN_TIMEOUT", 10*time.Second, 0, 10*time.Minute),
		Locales:         l.locales("TWINCMS_LOCALES", "sl,en,de,it,sr"),
		Fallback:        l.locales("TWINCMS_LOCALE_FALLBACK", "en,sl"),
		LogLevel:        l.level("TWINCMS_LOG_LEVEL"),

		WebhookAllowPrivate: l.boolean("TWINCMS_WEBHOOK_ALLOW_PRIVATE", false),
		WebhookBackoff:      l.durations("TWINCMS_WEBHOOK_BACKOFF", "5s,30s,2m,10m,1h,6h"),
		WebhookTimeout:      l.duration("TWINCMS_WEBHOOK_TIMEOUT", 10*time.Second, 100*time.Millisecond, 5*time.Minute),
		WebhookWorkers:      l.count("TWINCMS_WEBHOOK_WORKERS", 4, 0, 64),
		AuditRetention:      l.duration("TWINCMS_AUDIT_RETENTION", 0, 0, 100*365*24*time.Hour),

		ScheduleLateAfter: l.duration("TWINCMS_SCHEDULE_LATE_AFTER", 30*time.Second, time.Second, 24*time.Hour),
	}
	c.Demo = l.boolean("TWINCMS_DEMO", c.EmbeddedDB() && c.EmbeddedS3())
	c.DocumentIndex = l.boolean("TWINCMS_DOCUMENT_INDEX", c.EmbeddedDB())
	if l.err == nil && !c.EmbeddedS3() && (c.S3AccessKey == "" || c.S3SecretKey == "") {
		l.fail("TWINCMS_S3_ACCESS_KEY", "is required (with TWINCMS_S3_SECRET_KEY) when TWINCMS_S3_ENDPOINT is set")
	}
	for _, f := range c.Fallback {
		if l.err == nil && !contains(c.Locales, f) {
			l.fail("TWINCMS_LOCALE_FALLBACK", fmt.Sprintf("names %q, which is not in TWINCMS_LOCALES", f))
		}
	}
	return c, l.err
}

// loader keeps the first error so Load reads as a list of settings.
type loader struct {
	getenv func(string) string
	err    error
}

func (l *loader) fail(name, why string) {
	if l.err == nil {
		l.err = fmt.Errorf("config: %s %s", name, why)
	}
}

func (l *loader) str(name, def string) string {
	if v := strings.TrimSpace(l.getenv(name)); v != "" {
		return v
	}
	return def
}

func (l *loader) addr(name, def string) string {
	v := l.str(name, def)
	host, port, err := net.SplitHostPort(v)
	if err != nil {
		l.fail(name, fmt.Sprintf("must be host:port, got %q", v))
		return v
	}
	if p, err := strconv.Atoi(port); err != nil || p < 0 || p > 65535 {
		l.fail(name, fmt.Sprintf("has an invalid port in %q", v))
	}
	_ = host
	return v
}

func (l *loader) dir(name, def string) string {
	v := l.str(name, def)
	abs, err := filepath.Abs(v)
	if err != nil {
		l.fail(name, fmt.Sprintf("cannot be made absolute: %v", err))
	}
	return abs
}

func (l *loader) mongoURI(name string) string {
	v := l.str(name, "")
	if v != "" && !strings.HasPrefix(v, "mongodb://") && !strings.HasPrefix(v, "mongodb+srv://") {
		l.fail(name, "must start with mongodb:// or mongodb+srv://")
	}
	return v
}

func (l *loader) baseURL(name string) string {
	v := strings.TrimRight(l.str(name, ""), "/")
	if v == "" {
		return ""
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") {
		l.fail(name, fmt.Sprintf("must be an http(s) base URL without a path, got %q", v))
	}
	return v
}

func (l *loader) endpoint(name string) string {
	v := l.str(name, "")
	if v == "" {
		return ""
	}
	if strings.Contains(v, "://") {
		l.fail(name, fmt.Sprintf("must be host:port without a scheme (use TWINCMS_S3_SECURE), got %q", v))
		return v
	}
	if _, _, err := net.SplitHostPort(v); err != nil {
		l.fail(name, fmt.Sprintf("must be host:port, got %q", v))
	}
	return v
}

func (l *loader) name(name, def string) string {
	v := l.str(name, def)
	for _, r := range v {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			l.fail(name, fmt.Sprintf("may hold only letters, digits, - and _, got %q", v))
			break
		}
	}
	return v
}

func (l *loader) bucket(name, def string) string {
	v := l.str(name, def)
	if len(v) < 3 || len(v) > 63 || strings.Trim(v, "abcdefghijklmnopqrstuvwxyz0123456789-") != "" || v[0] == '-' || v[len(v)-1] == '-' {
		l.fail(name, fmt.Sprintf("must be an S3 bucket name (3-63 of a-z, 0-9, -), got %q", v))
	}
	return v
}

func (l *loader) token(name string) string {
	v := l.str(name, "")
	if v != "" && len(v) < 16 {
		l.fail(name, "must be at least 16 characters")
	}
	return v
}

func (l *loader) boolean(name string, def bool) bool {
	v := l.str(name, "")
	if v == "" {
		return def
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		l.fail(name, fmt.Sprintf("must be true or false, got %q", v))
	}
	return b
}

func (l *loader) size(name string, def int64) int64 {
	v := l.str(name, "")
	if v == "" {
		return def
	}
	n, err := ParseSize(v)
	if err != nil || n <= 0 {
		l.fail(name, fmt.Sprintf("must be a positive size such as 500MiB or 1073741824, got %q", v))
	}
	return n
}

func (l *loader) duration(name string, def, minimum, maximum time.Duration) time.Duration {
	v := l.str(name, "")
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < minimum || d > maximum {
		l.fail(name, fmt.Sprintf("must be a duration between %v and %v such as 1h, got %q", minimum, maximum, v))
	}
	return d
}

// durations reads a comma-separated list of durations (a retry schedule).
func (l *loader) durations(name, def string) []time.Duration {
	var out []time.Duration
	for _, part := range strings.Split(l.str(name, def), ",") {
		d, err := time.ParseDuration(strings.TrimSpace(part))
		if err != nil || d < 10*time.Millisecond || d > 7*24*time.Hour {
			l.fail(name, fmt.Sprintf("must be a comma-separated list of durations from 10ms to 168h such as 5s,30s,2m, got %q", part))
			return nil
		}
		out = append(out, d)
	}
	if len(out) > 20 {
		l.fail(name, "must list at most 20 retries")
	}
	return out
}

// count reads an integer within [lo, hi].
func (l *loader) count(name string, def, lo, hi int) int {
	v := l.str(name, "")
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		l.fail(name, fmt.Sprintf("must be an integer from %d to %d, got %q", lo, hi, v))
	}
	return n
}

func (l *loader) locales(name, def string) []string {
	var out []string
	for _, code := range strings.Split(l.str(name, def), ",") {
		code = strings.ToLower(strings.TrimSpace(code))
		if len(code) < 2 || len(code) > 3 || strings.Trim(code, "abcdefghijklmnopqrstuvwxyz") != "" {
			l.fail(name, fmt.Sprintf("must be a comma-separated list of language codes, got %q", code))
			return out
		}
		if !contains(out, code) {
			out = append(out, code)
		}
	}
	return out
}

func (l *loader) level(name string) slog.Level {
	var lv slog.Level
	if v := l.str(name, "info"); lv.UnmarshalText([]byte(v)) != nil {
		l.fail(name, fmt.Sprintf("must be debug, info, warn or error, got %q", v))
	}
	return lv
}

// ParseSize reads a byte count with an optional KB/MB/GB or KiB/MiB/GiB unit.
func ParseSize(s string) (int64, error) {
	s = strings.TrimSpace(s)
	units := []struct {
		suffix string
		mult   int64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"KB", 1000}, {"MB", 1000 * 1000}, {"GB", 1000 * 1000 * 1000}, {"B", 1}}
	for _, u := range units {
		if num, ok := strings.CutSuffix(s, u.suffix); ok {
			n, err := strconv.ParseInt(strings.TrimSpace(num), 10, 64)
			if err != nil {
				return 0, err
			}
			return n * u.mult, nil
		}
	}
	return strconv.ParseInt(s, 10, 64)
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

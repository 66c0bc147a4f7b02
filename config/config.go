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
	"net/netip"
	"net/url"
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
	// SearchIndex is where the full-text index lives (TWINCMS_SEARCH_INDEX):
	// "disk" under DATA_DIR/search (kept across restarts, caught up at
	// start), "memory" (rebuilt at every start) or "off" (q searches the
	// metadata only, no public search).
	SearchIndex string
	// OCRLanguages are Tesseract's languages for documents without a
	// language of their own (TWINCMS_OCR_LANGUAGES).
	OCRLanguages []string
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

	// MaxExpandedBytes bounds the bytes a zipped bag may expand to (all
	// entries together), counted while reading, not taken from headers.
	MaxExpandedBytes int64
	// MaxCompressionRatio bounds an entry's expanded size over its
	// compressed size (a zip bomb expands thousands of times).
	MaxCompressionRatio int
	// MaxQueuedIngestBytes bounds the uploaded bags kept in the temp dir
	// while their jobs wait; past it a new job is 503 with Retry-After.
	MaxQueuedIngestBytes int64

	// AuthFailuresPerMinute is how many refused authentications one client
	// address may make in a minute (a burst of as many) before it gets 429.
	AuthFailuresPerMinute int
	// AuthFailuresGlobalPerMinute is the same for all clients together.
	AuthFailuresGlobalPerMinute int
	// TrustedProxies are the proxies whose X-Forwarded-For / Forwarded
	// headers name the client; without them the socket's address does.
	TrustedProxies []netip.Prefix

	// Metrics says who may read /metrics: "token" (an admin token or
	// MetricsToken), "public" or "off".
	Metrics string
	// MetricsAddr, when set, serves /metrics (only) on its own listener and
	// not on Addr: reachable from the monitoring network alone.
	MetricsAddr string
	// MetricsToken is a bearer token that may read /metrics (a scraper's),
	// besides admin tokens.
	MetricsToken string

	// BackupTarget is where backups go: an absolute directory or
	// s3://host:port/bucket[/prefix] ("" none).
	BackupTarget      string
	BackupS3AccessKey string
	BackupS3SecretKey string
	BackupS3Secure    bool
	// BackupRateLimit bounds the bytes a backup reads a second (0: no
	// bound), so a backup leaves the disk to the requests being served.
	BackupRateLimit int64
	// BackupNice is the scheduling priority (nice, 0..19) of the threads
	// copying a backup's objects (0: the process's). Off by default: on a
	// machine loaded by other processes a lowered thread the kernel sets
	// aside keeps its Go scheduler (P), and the requests lose it (see
	// benchmarks.md).
	BackupNice int
	// BackupBusyCPU is the percentage of one core a backup's copying may
	// use while the service is busy answering requests (100: it never
	// yields; see internal/backup's pacer).
	BackupBusyCPU int
	// BackupToken is the admin token `twincms backup` sends to the twincms
	// serving its data dir (the command only).
	BackupToken string
	// BackupSchedule is when backups run ("" never; see backup.ParseSchedule)
	// and BackupKeepDaily / BackupKeepWeekly what the schedule keeps.
	BackupSchedule   string
	BackupKeepDaily  int
	BackupKeepWeekly int
	// PublicURL is where people reach twincms (with a mount prefix, if
	// any): invitation links point there, and an https URL makes the
	// session cookie Secure. Empty: the URL each request came to.
	PublicURL string
	// SessionIdleTimeout ends a session unused this long; SessionMaxAge
	// ends any session this long after sign-in.
	SessionIdleTimeout time.Duration
	SessionMaxAge      time.Duration
	// SMTP, when SMTPHost is set, mails invitation links.
	SMTP SMTP
	// OIDC is single sign-on (off unless its issuer is set).
	OIDC OIDC

	// RichTextImageOrigins are the external origins rich text may load
	// images from; images served by twincms itself are always allowed.
	RichTextImageOrigins []string

	// OAIRepositoryID is the domain name in OAI-PMH identifiers
	// (oai:<id>:partnership/<id>); it must stay the same for the
	// repository's life, since harvesters key records by identifier.
	OAIRepositoryID string
	// OAIAdminEmail is the contact Identify names.
	OAIAdminEmail string
	// OAIPageSize is how many records one OAI-PMH list response holds.
	OAIPageSize int
}

// SMTP is the mail server invitations are sent through.
type SMTP struct {
	Host     string
	Port     int
	Username string
	Password string
	From     string
	// TLS is "starttls" (default), "tls" (implicit, port 465) or "none"
	// (a relay on a trusted network).
	TLS string
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
		slog.String("metrics", c.Metrics), slog.String("metrics_addr", c.MetricsAddr),
		slog.String("metrics_token", mask(c.MetricsToken)),
		slog.String("backup_target", c.BackupTarget), slog.String("backup_s3_secret_key", mask(c.BackupS3SecretKey)),
		slog.String("backup_token", mask(c.BackupToken)),
		slog.String("public_url", c.PublicURL), slog.String("smtp_host", c.SMTP.Host),
		slog.String("smtp_password", mask(c.SMTP.Password)),
		slog.String("oidc_issuer", c.OIDC.Issuer), slog.String("oidc_client_secret", mask(c.OIDC.ClientSecret)), slog.Any("trusted_proxies", c.TrustedProxies),
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

		MaxExpandedBytes:     l.size("TWINCMS_MAX_EXPANDED_BYTES", 16<<30),
		MaxCompressionRatio:  l.count("TWINCMS_MAX_COMPRESSION_RATIO", 100, 2, 100000),
		MaxQueuedIngestBytes: l.size("TWINCMS_MAX_QUEUED_INGEST_BYTES", 8<<30),

		AuthFailuresPerMinute:       l.count("TWINCMS_AUTH_FAILURES_PER_MINUTE", 10, 1, 100000),
		AuthFailuresGlobalPerMinute: l.count("TWINCMS_AUTH_FAILURES_GLOBAL_PER_MINUTE", 600, 1, 10000000),
		TrustedProxies:              l.prefixes("TWINCMS_TRUSTED_PROXIES"),

		Metrics:      l.oneOf("TWINCMS_METRICS", "token", "token", "public", "off"),
		MetricsAddr:  l.optAddr("TWINCMS_METRICS_ADDR"),
		MetricsToken: l.token("TWINCMS_METRICS_TOKEN"),

		RichTextImageOrigins: l.origins("TWINCMS_RICHTEXT_IMAGE_ORIGINS"),

		OAIRepositoryID: l.domain("TWINCMS_OAI_REPOSITORY_ID", "jesenice.si"),
		OAIAdminEmail:   l.email("TWINCMS_OAI_ADMIN_EMAIL", "obcina.jesenice@jesenice.si"),
		OAIPageSize:     l.count("TWINCMS_OAI_PAGE_SIZE", 100, 1, 1000),

		BackupTarget:      l.str("TWINCMS_BACKUP_TARGET", ""),
		BackupS3AccessKey: l.str("TWINCMS_BACKUP_S3_ACCESS_KEY", ""),
		BackupS3SecretKey: l.str("TWINCMS_BACKUP_S3_SECRET_KEY", ""),
		BackupS3Secure:    l.boolean("TWINCMS_BACKUP_S3_SECURE", false),
		BackupRateLimit:   l.size("TWINCMS_BACKUP_RATE_LIMIT", 0),
		BackupNice:        l.count("TWINCMS_BACKUP_NICE", 0, 0, 19),
		BackupBusyCPU:     l.count("TWINCMS_BACKUP_BUSY_CPU", 10, 1, 100),
		BackupToken:       l.str("TWINCMS_BACKUP_TOKEN", ""),
		BackupSchedule:    l.str("TWINCMS_BACKUP_SCHEDULE", ""),
		BackupKeepDaily:   l.count("TWINCMS_BACKUP_KEEP_DAILY", 7, 1, 1000),
		BackupKeepWeekly:  l.count("TWINCMS_BACKUP_KEEP_WEEKLY", 4, 0, 1000),
		SearchIndex:       l.oneOf("TWINCMS_SEARCH_INDEX", "disk", "disk", "memory", "off"),
		OCRLanguages:      l.ocrLanguages("TWINCMS_OCR_LANGUAGES", "slv+deu+ita+srp+srp_latn+hrv+eng"),
	}
	c.loadSignIn(&l)
	c.loadOIDC(&l)
	if l.err == nil && c.SMTP.Host != "" && c.SMTP.From == "" {
		l.fail("TWINCMS_SMTP_FROM", "is required when TWINCMS_SMTP_HOST is set")
	}
	if l.err == nil && c.SessionMaxAge < c.SessionIdleTimeout {
		l.fail("TWINCMS_SESSION_MAX_AGE", "must not be shorter than TWINCMS_SESSION_IDLE_TIMEOUT")
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

// loadSignIn reads the sign-in settings (people's sessions, invitations).
func (c *Config) loadSignIn(l *loader) {
	c.PublicURL = l.publicURL("TWINCMS_PUBLIC_URL")
	c.SessionIdleTimeout = l.duration("TWINCMS_SESSION_IDLE_TIMEOUT", 2*time.Hour, time.Minute, 30*24*time.Hour)
	c.SessionMaxAge = l.duration("TWINCMS_SESSION_MAX_AGE", 12*time.Hour, time.Minute, 90*24*time.Hour)
	c.SMTP = SMTP{
		Host: l.str("TWINCMS_SMTP_HOST", ""), Port: l.count("TWINCMS_SMTP_PORT", 587, 1, 65535),
		Username: l.str("TWINCMS_SMTP_USERNAME", ""), Password: l.str("TWINCMS_SMTP_PASSWORD", ""),
		From: l.str("TWINCMS_SMTP_FROM", ""), TLS: l.oneOf("TWINCMS_SMTP_TLS", "starttls", "starttls", "tls", "none"),
	}
}

// loadOIDC reads the single sign-on settings.
func (c *Config) loadOIDC(l *loader) {
	o := OIDC{
		Issuer:       l.issuer("TWINCMS_OIDC_ISSUER"),
		ClientID:     l.str("TWINCMS_OIDC_CLIENT_ID", ""),
		ClientSecret: l.str("TWINCMS_OIDC_CLIENT_SECRET", ""),
		Scopes:       l.scopes("TWINCMS_OIDC_SCOPES", "profile email"),
		RoleClaim:    l.str("TWINCMS_OIDC_ROLE_CLAIM", "groups"),
		RoleMap:      l.roleMap("TWINCMS_OIDC_ROLE_MAP"),
		AutoCreate:   l.boolean("TWINCMS_OIDC_AUTO_CREATE", false),
	}
	if o.Issuer != "" && o.ClientID == "" {
		l.fail("TWINCMS_OIDC_CLIENT_ID", "is required when TWINCMS_OIDC_ISSUER is set")
	}
	if o.AutoCreate && len(o.RoleMap) == 0 {
		l.fail("TWINCMS_OIDC_ROLE_MAP", "is required when TWINCMS_OIDC_AUTO_CREATE is true (a new account needs a role)")
	}
	c.OIDC = o
}

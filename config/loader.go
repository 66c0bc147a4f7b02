package config

import (
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

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

// optAddr reads an optional host:port ("" when unset).
func (l *loader) optAddr(name string) string {
	if l.str(name, "") == "" {
		return ""
	}
	return l.addr(name, "")
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

// publicURL is an http(s) URL that may have a path (a mount prefix).
func (l *loader) publicURL(name string) string {
	v := strings.TrimRight(l.str(name, ""), "/")
	if v == "" {
		return ""
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		l.fail(name, fmt.Sprintf("must be an http(s) URL without query or credentials, got %q", v))
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

// prefixes reads a comma-separated list of IP addresses or CIDR prefixes
// (a single address is its /32 or /128).
func (l *loader) prefixes(name string) []netip.Prefix {
	var out []netip.Prefix
	for _, part := range strings.Split(l.str(name, ""), ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		p, err := netip.ParsePrefix(part)
		if err != nil {
			a, aerr := netip.ParseAddr(part)
			if aerr != nil {
				l.fail(name, fmt.Sprintf("must be a comma-separated list of IP addresses or CIDR prefixes, got %q", part))
				return nil
			}
			p = netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen())
		}
		out = append(out, p.Masked())
	}
	return out
}

// origins reads a comma-separated list of http(s) origins (scheme://host[:port]).
func (l *loader) origins(name string) []string {
	var out []string
	for _, part := range strings.Split(l.str(name, ""), ",") {
		part = strings.TrimRight(strings.TrimSpace(part), "/")
		if part == "" {
			continue
		}
		u, err := url.Parse(part)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Path != "" || u.RawQuery != "" || u.User != nil {
			l.fail(name, fmt.Sprintf("must be a comma-separated list of origins such as https://www.jesenice.si, got %q", part))
			return nil
		}
		out = append(out, strings.ToLower(u.Scheme+"://"+u.Host))
	}
	return out
}

// oneOf reads one of the allowed words.
func (l *loader) oneOf(name, def string, allowed ...string) string {
	v := strings.ToLower(l.str(name, def))
	if !contains(allowed, v) {
		l.fail(name, fmt.Sprintf("must be one of %s, got %q", strings.Join(allowed, ", "), v))
	}
	return v
}

// ocrLanguages reads a "+"-separated list of Tesseract language names
// (slv+deu+srp_latn).
func (l *loader) ocrLanguages(name, def string) []string {
	var out []string
	for _, code := range strings.Split(l.str(name, def), "+") {
		code = strings.TrimSpace(code)
		if len(code) < 3 || len(code) > 16 || strings.Trim(code, "abcdefghijklmnopqrstuvwxyz_") != "" {
			l.fail(name, fmt.Sprintf("must be Tesseract language names joined by + such as slv+deu+srp_latn, got %q", code))
			return out
		}
		if !contains(out, code) {
			out = append(out, code)
		}
	}
	return out
}

package config

import (
	"fmt"
	"regexp"
)

// domainName is a DNS name with at least two labels, as the OAI
// identifier scheme wants for its repository identifier.
var domainName = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$`)

func (l *loader) domain(name, def string) string {
	v := l.str(name, def)
	if len(v) > 253 || !domainName.MatchString(v) {
		l.fail(name, fmt.Sprintf("must be a domain name such as jesenice.si, got %q", v))
	}
	return v
}

// emailAddress is the OAI-PMH schema's emailType, without spaces.
var emailAddress = regexp.MustCompile(`^[^\s@<>"]+@([^\s@<>"]+\.)+[^\s@<>".]+$`)

func (l *loader) email(name, def string) string {
	v := l.str(name, def)
	if len(v) > 254 || !emailAddress.MatchString(v) {
		l.fail(name, fmt.Sprintf("must be an e-mail address, got %q", v))
	}
	return v
}

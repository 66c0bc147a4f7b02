package accounts

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"mime"
	"net"
	"net/smtp"
	"strconv"
	"strings"
	"time"

	"github.com/jesenice/twincms/config"
)

// SMTPMailer mails invitation links through the configured server.
type SMTPMailer struct {
	Cfg config.SMTP
	// Site names the sender in the mail ("twincms — Občina Jesenice").
	Site string
	// TLSConfig is for tests (a server's own certificate); nil: the
	// system's roots and the host's name.
	TLSConfig *tls.Config
}

// mailTimeout bounds one mail: a hung server must not hold the request.
const mailTimeout = 10 * time.Second

// SendInvitation sends the link to the person.
func (m *SMTPMailer) SendInvitation(ctx context.Context, to, name, link string) error {
	if strings.ContainsAny(to+name, "\r\n") {
		return errors.New("mail: header injection refused")
	}
	ctx, cancel := context.WithTimeout(ctx, mailTimeout)
	defer cancel()
	subject := mime.QEncoding.Encode("utf-8", "Vabilo v "+m.Site+" / Invitation to "+m.Site)
	body := "Pozdravljeni, " + name + ",\r\n\r\nza vas je bil ustvarjen račun v " + m.Site + ".\r\n" +
		"Geslo nastavite na tej povezavi (velja 7 dni):\r\n\r\n" + link + "\r\n\r\n" +
		"An account in " + m.Site + " was made for you. Set your password at the link above (valid for 7 days).\r\n"
	msg := "From: " + m.Cfg.From + "\r\nTo: " + mime.QEncoding.Encode("utf-8", name) + " <" + to + ">\r\n" +
		"Subject: " + subject + "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n" +
		"Content-Transfer-Encoding: 8bit\r\nDate: " + time.Now().Format(time.RFC1123Z) + "\r\n\r\n" + body
	return m.send(ctx, to, []byte(msg))
}

func (m *SMTPMailer) send(ctx context.Context, to string, msg []byte) error {
	addr := net.JoinHostPort(m.Cfg.Host, strconv.Itoa(m.Cfg.Port))
	tlsCfg := m.TLSConfig
	if tlsCfg == nil {
		tlsCfg = &tls.Config{ServerName: m.Cfg.Host, MinVersion: tls.VersionTLS12}
	}
	d := net.Dialer{}
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("mail: %w", err)
	}
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	if m.Cfg.TLS == "tls" {
		conn = tls.Client(conn, tlsCfg)
	}
	c, err := smtp.NewClient(conn, m.Cfg.Host)
	if err != nil {
		conn.Close()
		return fmt.Errorf("mail: %w", err)
	}
	defer c.Close()
	if m.Cfg.TLS == "starttls" {
		if err := c.StartTLS(tlsCfg); err != nil {
			return fmt.Errorf("mail: STARTTLS: %w", err)
		}
	}
	if m.Cfg.Username != "" {
		if err := c.Auth(smtp.PlainAuth("", m.Cfg.Username, m.Cfg.Password, m.Cfg.Host)); err != nil {
			return fmt.Errorf("mail: auth: %w", err)
		}
	}
	if err := c.Mail(m.Cfg.From); err != nil {
		return fmt.Errorf("mail: %w", err)
	}
	if err := c.Rcpt(to); err != nil {
		return fmt.Errorf("mail: %w", err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("mail: %w", err)
	}
	if _, err := w.Write(msg); err != nil {
		return fmt.Errorf("mail: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("mail: %w", err)
	}
	return c.Quit()
}

package accounts_test

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"mime"
	"net"
	"net/mail"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/jesenice/twincms/internal/apitest"
)

// received is one message a mail server accepted: its envelope and data.
type received struct {
	from string
	to   []string
	data []byte
}

// mailServer is a real SMTP server (github.com/emersion/go-smtp) on a
// loopback port that asks for PLAIN auth and hands each message to box.
type mailServer struct {
	srv  *smtp.Server
	port int
	box  chan received
}

const smtpUser, smtpPassword = "cms@jesenice.si", "geslo-za-posto"

func startMailServer(t *testing.T) *mailServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	m := &mailServer{port: ln.Addr().(*net.TCPAddr).Port, box: make(chan received, 4)}
	m.srv = smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &mailSession{box: m.box}, nil }))
	m.srv.Domain, m.srv.AllowInsecureAuth = "localhost", true
	m.srv.ReadTimeout, m.srv.WriteTimeout = 10*time.Second, 10*time.Second
	go func() { _ = m.srv.Serve(ln) }()
	t.Cleanup(func() { _ = m.srv.Close() })
	return m
}

type mailSession struct {
	box  chan received
	auth bool
	cur  received
}

func (s *mailSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *mailSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, password string) error {
		if user != smtpUser || password != smtpPassword {
			return errors.New("bad credentials")
		}
		s.auth = true
		return nil
	}), nil
}

func (s *mailSession) Mail(from string, _ *smtp.MailOptions) error {
	if !s.auth {
		return smtp.ErrAuthRequired
	}
	s.cur = received{from: from}
	return nil
}

func (s *mailSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.cur.to = append(s.cur.to, to)
	return nil
}

func (s *mailSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.cur.data = b
	s.box <- s.cur
	return nil
}

func (s *mailSession) Reset()        { s.cur = received{} }
func (s *mailSession) Logout() error { return nil }

// lockedBuffer collects twincms's log lines from many goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestInvitationIsMailedAndSurvivesAMailServerThatIsDown: with SMTP set,
// creating a user mails the one-time link (Slovenian first) through a real
// SMTP server with auth; the link from the mail sets the password and the
// person signs in. With the mail server down the invitation still succeeds
// (mailed false, the link in the response, a warning without the secret).
func TestInvitationIsMailedAndSurvivesAMailServerThatIsDown(t *testing.T) {
	ms := startMailServer(t)
	var logs lockedBuffer
	s, err := apitest.Start(t.TempDir(), map[string]string{"TWINCMS_DEMO": "false",
		"TWINCMS_SMTP_HOST": "127.0.0.1", "TWINCMS_SMTP_PORT": strconv.Itoa(ms.port), "TWINCMS_SMTP_TLS": "none",
		"TWINCMS_SMTP_USERNAME": smtpUser, "TWINCMS_SMTP_PASSWORD": smtpPassword, "TWINCMS_SMTP_FROM": "cms@jesenice.si"},
		apitest.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)

	created := apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/users", Token: apitest.AdminToken,
		Body: map[string]string{"email": "mojca.kranjc@jesenice.si", "name": "Mojca Kranjc", "role": "editor"}}), 201).Map(t)
	if created["mailed"] != true {
		t.Fatalf("mailed = %v, want true", created["mailed"])
	}
	var got received
	select {
	case got = <-ms.box:
	case <-time.After(15 * time.Second):
		t.Fatal("no mail arrived")
	}
	if got.from != "cms@jesenice.si" || len(got.to) != 1 || got.to[0] != "mojca.kranjc@jesenice.si" {
		t.Fatalf("envelope from %q to %v", got.from, got.to)
	}
	msg, err := mail.ReadMessage(bytes.NewReader(got.data))
	if err != nil {
		t.Fatal(err)
	}
	to, err := mail.ParseAddress(msg.Header.Get("To"))
	if err != nil || to.Address != "mojca.kranjc@jesenice.si" || to.Name != "Mojca Kranjc" {
		t.Fatalf("To %q (%v)", msg.Header.Get("To"), err)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil || !strings.HasPrefix(subject, "Vabilo v twincms") {
		t.Fatalf("subject %q (%v)", subject, err)
	}
	body, _ := io.ReadAll(msg.Body)
	link := created["invitation_link"].(string)
	for _, want := range []string{"Pozdravljeni, Mojca Kranjc", "Geslo nastavite na tej povezavi (velja 7 dni)", link} {
		if !strings.Contains(string(body), want) {
			t.Fatalf("mail body lacks %q:\n%s", want, body)
		}
	}
	// The person follows the link from the mail: its token sets the password.
	i := bytes.Index(body, []byte("#invitation="))
	secret := strings.Fields(string(body[i+len("#invitation="):]))[0]
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/auth/invitation",
		Body: map[string]string{"token": secret, "password": "Triglav s Karavank 2024"}}), 200)
	signIn(t, s, "mojca.kranjc@jesenice.si", "Triglav s Karavank 2024", "")

	// The mail server goes down: the invitation is not lost.
	if err := ms.srv.Close(); err != nil {
		t.Fatal(err)
	}
	down := apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/users", Token: apitest.AdminToken,
		Body: map[string]string{"email": "janez.novak@jesenice.si", "name": "Janez Novak", "role": "archivist"}}), 201).Map(t)
	link = down["invitation_link"].(string)
	_, secret, ok := strings.Cut(link, "#invitation=")
	if down["mailed"] != false || !ok || secret == "" {
		t.Fatalf("with the mail server down: mailed %v, link %q", down["mailed"], link)
	}
	if l := logs.String(); !strings.Contains(l, "invitation mail not sent") || strings.Contains(l, secret) {
		t.Fatalf("want a warning without the secret, logs:\n%s", l)
	}
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/auth/invitation",
		Body: map[string]string{"token": secret, "password": "Arhiv na Stari Savi 1538"}}), 200)
	signIn(t, s, "janez.novak@jesenice.si", "Arhiv na Stari Savi 1538", "")
}

package apitest

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/zitadel/oidc/v3/example/server/exampleop"
	"github.com/zitadel/oidc/v3/example/server/storage"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
	"golang.org/x/text/language"
)

// OpenIDProvider is a real OpenID provider for tests, which nobody here
// wrote: ZITADEL's (github.com/zitadel/oidc/v3/pkg/op) with its example
// login page and in-memory storage, serving discovery, the authorization
// endpoint with PKCE, the token endpoint, JWKS and userinfo. People carry
// a "groups" claim (in the ID token and at userinfo) for role mappings.
// Tamper, when set, rewrites the ID token of every token response before
// twincms sees it (a man in the middle, or a provider gone wrong).
type OpenIDProvider struct {
	Issuer       string
	ClientID     string
	ClientSecret string

	store   *opStorage
	users   *opUsers
	clients map[string]*storage.Client
	srv     *http.Server

	mu     sync.Mutex
	tamper func(idToken string) string
}

// opUsers is the provider's people, with their groups.
type opUsers struct {
	mu     sync.Mutex
	users  map[string]*storage.User
	groups map[string][]string
}

func (u *opUsers) GetUserByID(id string) *storage.User {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.users[id]
}

func (u *opUsers) GetUserByUsername(name string) *storage.User {
	u.mu.Lock()
	defer u.mu.Unlock()
	for _, x := range u.users {
		if x.Username == name {
			return x
		}
	}
	return nil
}

func (u *opUsers) ExampleClientID() string { return storage.ServiceUserID }

// opStorage adds the groups claim to the example storage's claims.
type opStorage struct {
	*storage.Storage
	users *opUsers
}

func (s *opStorage) groupsOf(subject string) []string {
	s.users.mu.Lock()
	defer s.users.mu.Unlock()
	return s.users.groups[subject]
}

func (s *opStorage) SetUserinfoFromRequest(ctx context.Context, info *oidc.UserInfo, token op.IDTokenRequest, scopes []string) error {
	if err := s.Storage.SetUserinfoFromRequest(ctx, info, token, scopes); err != nil {
		return err
	}
	info.AppendClaims("groups", s.groupsOf(token.GetSubject()))
	return nil
}

func (s *opStorage) SetUserinfoFromToken(ctx context.Context, info *oidc.UserInfo, tokenID, subject, origin string) error {
	if err := s.Storage.SetUserinfoFromToken(ctx, info, tokenID, subject, origin); err != nil {
		return err
	}
	info.AppendClaims("groups", s.groupsOf(info.Subject))
	return nil
}

// StartOpenIDProvider starts a provider on a free port of host
// (127.0.0.1, or localhost for a browser to see another site), stopped
// when the test ends. Register twincms's callback before signing in.
func StartOpenIDProvider(t testing.TB, host string) *OpenIDProvider {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	p := &OpenIDProvider{Issuer: "http://" + host + ":" + port, ClientID: "twincms", ClientSecret: "twincms-client-secret",
		users: &opUsers{users: map[string]*storage.User{}, groups: map[string][]string{}}, clients: map[string]*storage.Client{}}
	p.store = &opStorage{Storage: storage.NewStorageWithClients(p.users, p.clients), users: p.users}
	router := exampleop.SetupServer(p.Issuer, p.store, nil, false)
	p.srv = &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		tamper := p.tamper
		p.mu.Unlock()
		if tamper == nil || r.URL.Path != "/oauth/token" {
			router.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		router.ServeHTTP(rec, r)
		var body map[string]any
		if json.Unmarshal(rec.Body.Bytes(), &body) == nil {
			if tok, ok := body["id_token"].(string); ok {
				body["id_token"] = tamper(tok)
			}
		}
		out, _ := json.Marshal(body)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(rec.Code)
		_, _ = w.Write(out)
	}), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = p.srv.Serve(ln) }()
	t.Cleanup(func() { _ = p.srv.Close() })
	return p
}

// Register makes twincms a client of the provider (client_secret_basic,
// code flow) with its callback URL.
func (p *OpenIDProvider) Register(redirectURI string) {
	p.clients[p.ClientID] = storage.WebClient(p.ClientID, p.ClientSecret, redirectURI)
}

// AddUser adds a person who signs in at the provider with username and
// password; their ID is the subject.
func (p *OpenIDProvider) AddUser(id, username, password, first, last, email string, groups ...string) {
	p.users.mu.Lock()
	defer p.users.mu.Unlock()
	p.users.users[id] = &storage.User{ID: id, Username: username, Password: password, FirstName: first, LastName: last,
		Email: email, EmailVerified: true, PreferredLanguage: language.Slovenian}
	p.users.groups[id] = groups
}

// SetGroups changes a person's groups (their role at the next sign-in).
func (p *OpenIDProvider) SetGroups(id string, groups ...string) {
	p.users.mu.Lock()
	defer p.users.mu.Unlock()
	p.users.groups[id] = groups
}

// Tamper sets (nil: clears) the rewrite of ID tokens.
func (p *OpenIDProvider) Tamper(f func(idToken string) string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.tamper = f
}

// EditClaims changes an ID token's claims and keeps its signature (which
// then no longer matches).
func EditClaims(t testing.TB, token string, edit func(map[string]any)) string {
	t.Helper()
	parts := strings.Split(token, ".")
	claims := decodeClaims(t, parts[1])
	edit(claims)
	b, _ := json.Marshal(claims)
	parts[1] = base64.RawURLEncoding.EncodeToString(b)
	return strings.Join(parts, ".")
}

// Resign changes an ID token's claims and signs it again with the
// provider's own key: only the claim checks can refuse it.
func (p *OpenIDProvider) Resign(t testing.TB, token string, edit func(map[string]any)) string {
	t.Helper()
	key, err := p.store.SigningKey(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return signClaims(t, token, edit, key.Key(), key.ID())
}

// SignWithOtherKey signs an ID token's claims with a key the provider
// never published (under the provider's key id).
func (p *OpenIDProvider) SignWithOtherKey(t testing.TB, token string) string {
	t.Helper()
	key, err := p.store.SigningKey(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	other, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return signClaims(t, token, func(map[string]any) {}, other, key.ID())
}

func signClaims(t testing.TB, token string, edit func(map[string]any), key any, kid string) string {
	t.Helper()
	claims := decodeClaims(t, strings.Split(token, ".")[1])
	edit(claims)
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: key, KeyID: kid}},
		(&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(claims)
	jws, err := signer.Sign(b)
	if err != nil {
		t.Fatal(err)
	}
	out, err := jws.CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func decodeClaims(t testing.TB, part string) map[string]any {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(part)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// Authorize walks a browser's way through a single sign-on up to the
// provider's redirect back: GET start on twincms (flow cookie in jar),
// the provider's login form filled in, and returns the callback URL the
// provider sent the browser to, not yet visited.
func (p *OpenIDProvider) Authorize(t testing.TB, client *http.Client, startURL, username, password string) *url.URL {
	t.Helper()
	c := *client
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if strings.HasSuffix(req.URL.Path, "/api/v1/auth/oidc/callback") {
			return http.ErrUseLastResponse
		}
		return nil
	}
	res, err := c.Get(startURL)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	id := res.Request.URL.Query().Get("authRequestID")
	if res.StatusCode != 200 || id == "" {
		t.Fatalf("start: %d at %s, not the provider's login page", res.StatusCode, res.Request.URL)
	}
	res, err = c.PostForm(p.Issuer+"/login/username", url.Values{"username": {username}, "password": {password}, "id": {id}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusFound {
		t.Fatalf("the provider's login answered %d at %s", res.StatusCode, res.Request.URL)
	}
	loc, err := res.Location()
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

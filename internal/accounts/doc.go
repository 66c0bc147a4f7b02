// Package accounts is people's sign-in: users and their invitations,
// argon2id passwords checked against a shipped list of common ones, TOTP
// second factors with recovery codes, server-side sessions with idle and
// absolute timeouts, the limits on failed sign-ins, and single sign-on with
// OpenID Connect. Machines keep using API tokens (internal/tokens).
// Every account change and every sign-in, failure and sign-out is told to
// the change hook (the audit log), with the person's name and never a
// secret.
package accounts

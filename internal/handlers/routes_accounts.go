package handlers

// accountRoutes are people's accounts: admins manage users; everyone
// signs in, out, and keeps their own password, second factor and
// sessions. Cookie-authenticated unsafe requests need X-CSRF-Token.
func (a *API) accountRoutes() {
	user := "/api/v1/users/:id"
	a.handle("POST", "/api/v1/users", op{Summary: "Invite a person: the user (status invited) and a one-time invitation link, valid 7 days, where they set a password (mailed too when SMTP is configured)", Tag: "users", Roles: admins, Request: "UserInput", Response: "UserCreated", Status: 201, Also: []int{409}}, a.createUser)
	a.handle("GET", "/api/v1/users", op{Summary: "Every user (never a password hash or secret)", Tag: "users", Roles: admins, Response: "UserList"}, a.listUsers)
	a.handle("GET", user, op{Summary: "One user", Tag: "users", Roles: admins, Response: "User"}, a.getUser)
	a.handle("PATCH", user, op{Summary: "Change email, name, role or status (active, disabled); disabling or a new role ends every session of theirs at once. The last active admin stays", Tag: "users", Roles: admins, Request: "UserEdit", Response: "User", Also: []int{409}}, a.patchUser)
	a.handle("DELETE", user, op{Summary: "Delete a user and end their sessions (their name stays in the records they made)", Tag: "users", Roles: admins, Status: 204, Also: []int{409}}, a.deleteUser)
	a.handle("POST", user+"/invitation", op{Summary: "A new invitation link (a password reset); the earlier link stops working", Tag: "users", Roles: admins, Response: "UserCreated", Status: 201, Also: []int{409}}, a.reinviteUser)
	a.handle("DELETE", user+"/totp", op{Summary: "Remove the person's second factor (a lost device); they enrol again", Tag: "users", Roles: admins, Status: 204}, a.resetUserTOTP)
	a.handle("GET", "/api/v1/auth/policy", op{Summary: "The roles that must use a second factor", Tag: "users", Roles: admins, Response: "SignInPolicy"}, a.getPolicy)
	a.handle("PUT", "/api/v1/auth/policy", op{Summary: "Set the roles that must use a second factor: their people may only enrol until they have one", Tag: "users", Roles: admins, Request: "SignInPolicy", Response: "SignInPolicy"}, a.putPolicy)

	a.handle("POST", "/api/v1/auth/login", op{Summary: "Sign in with email and password (+ totp: an authenticator code or a recovery code when enrolled): 200 with the session cookie (HttpOnly, SameSite=Strict, Secure over HTTPS) and the CSRF token for X-CSRF-Token. 401 second-factor-required asks for the code; failed sign-ins are limited per account and per client (429 with Retry-After, seconds to a minute)", Tag: "auth", Request: "LoginInput", Response: "SignedIn", Also: []int{401, 403, 429, 503}}, a.login)
	a.handle("GET", "/api/v1/auth/methods", op{Summary: "How people may sign in here: password, and single sign-on (OpenID Connect) when configured, with where it starts; signed_in tells whether the request's session cookie names a live session", Tag: "auth", Response: "SignInMethods", Also: []int{503}}, a.signInMethods)
	a.handle("GET", "/api/v1/auth/oidc/start", op{Summary: "Single sign-on: redirects (302) to the OpenID provider (authorization code with PKCE S256, state and nonce kept in a sealed 10-minute HttpOnly cookie). 404 when not configured; 503 when the provider cannot be reached (a browser is sent to /admin/#sso-error=unavailable instead)", Tag: "auth", Status: 302, Also: []int{404, 503}}, a.oidcStart)
	a.handle("GET", "/api/v1/auth/oidc/callback", op{Summary: "Single sign-on: the provider's redirect back. The state must match the flow cookie, the code is exchanged with the PKCE verifier, the ID token's signature, issuer, audience, expiry and nonce are checked; the person is found (or made, TWINCMS_OIDC_AUTO_CREATE) and given the role of TWINCMS_OIDC_ROLE_MAP. 302 to /admin/ with the session cookie; refused: 403 problem, or for a browser (Accept: text/html) 302 to /admin/#sso-error={state,denied,token,no-account,no-role,disabled,unavailable}", Tag: "auth", Status: 302, Query: []string{"state", "code", "error", "error_description"}, Also: []int{403, 404, 503}}, a.oidcCallback)
	a.handle("POST", "/api/v1/auth/logout", op{Summary: "Sign out: this session ends and its cookie is cleared", Tag: "auth", Roles: everyone, Status: 204}, a.logout)
	a.handle("POST", "/api/v1/auth/invitation", op{Summary: "Accept an invitation: set the password (12+ characters, not a common one); then sign in. 403 when the link is not valid or has expired", Tag: "auth", Request: "InvitationAccept", Response: "User", Also: []int{403, 503}}, a.acceptInvitation)
	a.handle("PUT", "/api/v1/me/password", op{Summary: "Change your password (the current one is asked); your other sessions end", Tag: "auth", Roles: everyone, Request: "PasswordChange", Status: 204, Also: []int{409}}, a.changePassword)
	a.handle("GET", "/api/v1/me/sessions", op{Summary: "Your sessions: where and when, the current one marked", Tag: "auth", Roles: everyone, Response: "SessionList", Also: []int{403}}, a.listSessions)
	a.handle("DELETE", "/api/v1/me/sessions", op{Summary: "Sign out everywhere: every session of yours ends, this one too", Tag: "auth", Roles: everyone, Status: 204}, a.logoutEverywhere)
	a.handle("DELETE", "/api/v1/me/sessions/:id", op{Summary: "End one of your sessions (a lost laptop)", Tag: "auth", Roles: everyone, Status: 204}, a.endSession)
	a.handle("POST", "/api/v1/me/totp", op{Summary: "Start enrolling a second factor (TOTP, RFC 6238): the secret, its otpauth URL and a QR code; on until confirmed by a code", Tag: "auth", Roles: everyone, Response: "TOTPEnrolment", Status: 201}, a.startTOTP)
	a.handle("POST", "/api/v1/me/totp/confirm", op{Summary: "Confirm the enrolment with a code: the second factor is on, and ten recovery codes are shown once", Tag: "auth", Roles: everyone, Request: "TOTPCode", Response: "RecoveryCodes", Also: []int{409}}, a.confirmTOTP)
	a.handle("POST", "/api/v1/me/totp/disable", op{Summary: "Turn your second factor off (your password is asked)", Tag: "auth", Roles: everyone, Request: "PasswordConfirm", Status: 204}, a.disableTOTP)
}

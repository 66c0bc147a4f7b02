// Signing in: email and password (+ the authenticator's code when the
// account has one), single sign-on when the server offers it, and an API
// token behind its own button; setting the password of an invitation.
import { api, base, setToken, setCSRF, ApiError } from "./api.js";
import { t } from "./i18n.js";
import { h, field } from "./dom.js";

/** methods is what GET /auth/methods said (null before it answered). */
let methods = null;

/** loadMethods asks how one may sign in here, and whether the browser is signed in already. */
export async function loadMethods() {
  try { methods = await api("/api/v1/auth/methods", { anonymous: true }); } catch (e) { methods = { password: true, oidc: false, signed_in: false }; }
  return methods;
}

/** ssoMessage explains a refused single sign-on (#sso-error=CODE). */
export function ssoMessage(code) {
  const known = ["state", "denied", "token", "no-account", "no-role", "disabled", "unavailable"];
  return t("sso_" + (known.includes(code) ? code : "token"));
}

function errorText(e) {
  if (!(e instanceof ApiError)) return t("unavailable");
  if (e.status === 429) return t("tooMany", { s: e.retryAfter || 30 });
  if (e.status === 503) return t("unavailable");
  if (e.status === 401 && /second-factor/.test(e.problem.type || "")) return null;
  if (e.status === 401) return t("badLogin");
  return e.problem.detail || t("forbidden");
}

/**
 * signInScreen draws the sign-in; done(me) is called with GET /me once a
 * password, code or token was accepted.
 */
export function signInScreen(view, message, done, prefill = {}) {
  const err = h("p", { class: "error", id: "signin-error", role: "alert", text: message || "" });
  const email = h("input", { type: "email", name: "email", autocomplete: "username", required: true, spellcheck: "false", value: prefill.email || "" });
  const password = h("input", { type: "password", name: "password", autocomplete: "current-password", required: true });
  const totp = h("input", { type: "text", name: "totp", autocomplete: "one-time-code", inputmode: "numeric", spellcheck: "false" });
  const totpField = field(t("totpCode"), totp, t("totpHint"));
  totpField.hidden = true;
  const pwForm = h("form", { id: "signin-password", class: "signin-form" },
    field(t("email"), email), field(t("password"), password), totpField,
    h("button", { type: "submit", class: "primary", text: t("signIn") }));
  pwForm.addEventListener("submit", async ev => {
    ev.preventDefault();
    err.textContent = "";
    const body = { email: email.value.trim(), password: password.value };
    if (!totpField.hidden && totp.value.trim()) body.totp = totp.value.trim();
    try {
      const r = await api("/api/v1/auth/login", { method: "POST", body, anonymous: true });
      setToken(null);
      setCSRF(r.csrf_token);
      await done(await api("/api/v1/me"));
    } catch (e) {
      const text = errorText(e);
      if (text === null) { // the account has a second factor: ask for its code
        const again = !totpField.hidden && body.totp;
        totpField.hidden = false;
        err.textContent = again ? t("badCode") : t("totpAsk");
        totp.value = "";
        totp.focus();
        return;
      }
      err.textContent = text;
      password.focus();
    }
  });

  const token = h("input", { type: "password", name: "token", autocomplete: "off", required: true, spellcheck: "false" });
  const tokenForm = h("form", { id: "signin-token", class: "signin-form", hidden: true },
    field(t("token"), token),
    h("button", { type: "submit", class: "primary", text: t("signInToken") }));
  tokenForm.addEventListener("submit", async ev => {
    ev.preventDefault();
    try {
      const me = await api("/api/v1/me", { token: token.value.trim() });
      setToken(token.value.trim());
      setCSRF(null);
      await done(me);
    } catch (e) {
      err.textContent = e instanceof ApiError && (e.status === 401 || e.status === 403) ? t("badToken") : errorText(e) || t("badToken");
      token.focus();
    }
  });
  const toggle = h("button", { type: "button", class: "link", id: "signin-token-toggle", "aria-expanded": "false", "aria-controls": "signin-token", text: t("tokenSignIn") });
  toggle.addEventListener("click", () => {
    const open = tokenForm.hidden;
    tokenForm.hidden = !open;
    toggle.setAttribute("aria-expanded", String(open));
    if (open) token.focus();
  });

  const parts = [h("h1", { text: t("signIn") }), err, pwForm];
  if (methods && methods.oidc) {
    parts.push(h("p", { class: "or", text: t("or") }),
      h("p", {}, h("a", { class: "button primary", id: "signin-sso", href: base + "/api/v1/auth/oidc/start", text: t("ssoButton") })));
  }
  parts.push(h("div", { class: "token-signin" }, toggle, tokenForm));
  view.replaceChildren(h("div", { class: "signin", id: "signin" }, parts));
  (prefill.email ? password : email).focus();
}

/** invitationScreen lets an invited person set their password; then they sign in. */
export function invitationScreen(view, secret, signIn) {
  const err = h("p", { class: "error", id: "invitation-error", role: "alert" });
  const pw = h("input", { type: "password", name: "new_password", autocomplete: "new-password", required: true, minlength: "12" });
  const again = h("input", { type: "password", name: "repeat_password", autocomplete: "new-password", required: true });
  const form = h("form", { class: "signin", id: "invitation" },
    h("h1", { text: t("setPassword") }),
    field(t("newPassword"), pw, t("passwordHint")), field(t("repeatPassword"), again), err,
    h("button", { type: "submit", class: "primary", text: t("savePassword") }));
  form.addEventListener("submit", async ev => {
    ev.preventDefault();
    if (pw.value !== again.value) { err.textContent = t("passwordsDiffer"); again.focus(); return; }
    try {
      const u = await api("/api/v1/auth/invitation", { method: "POST", body: { token: secret, password: pw.value }, anonymous: true });
      history.replaceState(null, "", location.pathname);
      signIn(t("passwordSet"), { email: u.email });
    } catch (e) {
      if (e instanceof ApiError && e.status === 403) err.textContent = t("invitationInvalid");
      else if (e instanceof ApiError && e.status === 422) err.textContent = t("passwordRefused", { why: (e.problem.errors || []).map(x => x.detail || x.message || x.code).join("; ") || e.problem.detail || "" });
      else err.textContent = errorText(e) || t("invitationInvalid");
      pw.focus();
    }
  });
  view.replaceChildren(form);
  pw.focus();
}

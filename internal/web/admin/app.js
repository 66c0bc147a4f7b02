// The admin UI's shell: sign-in, the role's menu, the interface language
// and a hash router (#/partnerships/ID ...) that draws one screen at a time.
import { api, setToken, getToken, setCSRF, ApiError } from "./api.js";
import { signInScreen as drawSignIn, invitationScreen, loadMethods, ssoMessage } from "./signin.js";
import { t, setLang, getLang } from "./i18n.js";
import { h, field, announce, formatSize } from "./dom.js";
import * as screens from "./screens.js";
import { showFieldErrors } from "./fielderrors.js";
import { m } from "./messages.js";
import { leaveAllowed, markClean } from "./safety.js";
import { mw, usesText } from "./media_words.js";

export const session = { me: null, vocab: null };

const menus = {
  editor: ["dashboard", "partnerships", "documents", "media", "blocks", "pages"],
  archivist: ["dashboard", "archive"],
  admin: ["dashboard", "partnerships", "documents", "media", "blocks", "pages", "archive", "tokens", "users"],
};
const navLabels = { dashboard: "dashboard", partnerships: "partnerships", documents: "documents", media: "media", blocks: "blocks", pages: "pages", archive: "archiveNav", tokens: "tokens", users: "users" };

/** problemText is a plain-words message for an API error, in the glossary's terms. */
export function problemText(e) {
  if (!(e instanceof ApiError)) return t("error", { detail: String(e && e.message || e) });
  switch (e.status) {
    case 401: return t("badToken");
    case 403: return t("forbidden");
    case 404: return t("notFound");
    case 412: return t("conflict");
    case 413: {
      const m = /limit of (\d+)/.exec(e.problem.detail || "");
      return t("size413", { size: m ? formatSize(Number(m[1])) : "—" });
    }
    case 415: return t("type415");
    case 409:
      if (e.problem.used_by && e.problem.used_by.length) return mw("inUsePublished", { uses: usesText(e.problem.used_by) });
      // The server's detail is English: its code is said in the interface language.
      if (!(e.problem.errors && e.problem.errors.length)) {
        const key = "conflict_" + (e.problem.code || "conflict"), said = m(key);
        return said === key ? m("conflict_conflict") : said;
      }
      break;
    case 503: return t("unavailable");
  }
  if (e.problem.errors && e.problem.errors.length) {
    return t("invalid") + " " + e.problem.errors.map(p => p.field + ": " + m("code_" + (p.code || "invalid"))).join("; ");
  }
  return t("error", { detail: e.problem.detail || e.problem.title || e.status });
}

/** formInUse is the form the person is working in: the focused control's, else the screen's first. */
function formInUse() {
  const active = document.activeElement && document.activeElement.closest && document.activeElement.closest("#view form");
  return active || document.querySelector("#view form.record") || document.querySelector("#view form");
}

/** fail shows an error (field errors beside their fields); a 401 ends the session. */
export function fail(e) {
  if (e instanceof ApiError && showFieldErrors(formInUse(), e.problem)) {
    announce("");
    return;
  }
  announce(problemText(e), "error");
  if (e instanceof ApiError && e.status === 401 && session.me) signOut(t(session.me.type === "user" ? "sessionEnded" : "badToken"));
}

function chrome() {
  document.title = t("app");
  document.getElementById("skip").textContent = t("skip");
  document.getElementById("ui-lang-label").textContent = t("language");
  document.getElementById("ui-lang").value = getLang();
  document.getElementById("signout").textContent = t("signOut");
  const nav = document.getElementById("nav");
  nav.setAttribute("aria-label", t("mainNav"));
  const who = document.getElementById("who");
  if (!session.me) {
    nav.hidden = true; who.hidden = true; document.getElementById("signout").hidden = true;
    return;
  }
  const current = (location.hash.split("?")[0].split("/")[1] || "dashboard");
  nav.replaceChildren(h("ul", {}, menus[session.me.role].map(k =>
    h("li", {}, h("a", { href: "#/" + k, text: t(navLabels[k]), "aria-current": k === current ? "page" : null })))));
  nav.hidden = false;
  // On a phone the menu is one row that scrolls sideways: the current
  // screen's link is brought into it.
  const ul = nav.firstElementChild, cur = ul.querySelector("[aria-current]");
  if (cur && ul.scrollWidth > ul.clientWidth) ul.scrollLeft = cur.offsetLeft - ul.offsetLeft - (ul.clientWidth - cur.offsetWidth) / 2;
  const label = session.me.name + " · " + t("role_" + session.me.role);
  if (session.me.type === "user") who.replaceChildren(h("a", { href: "#/profile", id: "profile-link", title: t("profile"), "aria-current": current === "profile" ? "page" : null, text: label }));
  else who.textContent = label;
  who.dataset.role = session.me.role;
  who.hidden = false;
  document.getElementById("signout").hidden = false;
}

/** signedIn starts the work of the person or token me names. */
async function signedIn(me) {
  session.me = me;
  setCSRF(me.type === "user" ? me.csrf_token : null);
  // Set without a hashchange: one drawing of the first screen, not two racing.
  if (!location.hash || location.hash === "#/") history.replaceState(null, "", "#/dashboard");
  await route();
  document.getElementById("view").focus();
}

function signInScreen(message, prefill) {
  drawSignIn(document.getElementById("view"), message, signedIn, prefill);
  chrome();
}

/** signedOutBy shows the sign-in after the server ended the session (sign out everywhere). */
export function signedOutBy(message) {
  session.me = null;
  setCSRF(null);
  history.replaceState(null, "", location.pathname);
  signInScreen(message);
}

/** signOut forgets the token, or ends the person's session on the server. */
async function signOut(message) {
  const me = session.me;
  session.me = null;
  setToken(null);
  if (me && me.type === "user" && !message) {
    try { await api("/api/v1/auth/logout", { method: "POST" }); } catch (e) { /* the session is gone already */ }
  }
  setCSRF(null);
  // A screen still loading belongs to the session just ended: when it
  // finishes (or fails on the revoked token) it must not draw over the
  // sign-in screen (see route).
  routeGen++;
  signInScreen(message || (me && me.type === "user" ? t("signedOut") : ""));
}

let routeGen = 0, routeDone = 0;

/** route draws the screen the hash names, if the role may see it. */
export async function route() {
  if (!session.me) return signInScreen();
  const [, name = "dashboard", ...rest] = location.hash.split("?")[0].split("/");
  const allowed = menus[session.me.role];
  let screen = screens[name] && (allowed.includes(name) || name === "profile" || name === "preview" && allowed.includes("partnerships")) ? name : "dashboard";
  // A role that must use a second factor sees only the profile until it has one.
  if (session.me.must_enrol_totp) screen = "profile";
  chrome();
  announce("");
  markClean();
  const view = document.getElementById("view");
  view.replaceChildren(h("p", { text: t("loading") }));
  const gen = ++routeGen;
  try {
    if (!session.vocab) session.vocab = await api("/api/v1/vocabularies");
    await screens[screen](view, rest.map(decodeURIComponent), session);
  } catch (e) {
    if (gen === routeGen) { view.replaceChildren(); fail(e); }
  }
  // A slow screen left behind by a quicker later one: it drew over the
  // later one's screen, which is drawn again (or is still on its way).
  // One left behind by signing out is dropped; had it drawn over the
  // sign-in screen, that is drawn again (else what is typed there stays).
  if (gen !== routeGen) {
    if (session.me ? routeDone > gen : !document.getElementById("signin")) route();
    return;
  }
  routeDone = gen;
  document.body.dataset.screen = screen;
  // Tests and assistive tools can tell when a screen is drawn.
  document.body.dataset.route = location.hash;
}

async function start() {
  setLang(getLang());
  document.getElementById("ui-lang").addEventListener("change", async ev => {
    // Redrawing in the other language would drop what was typed: ask first.
    if (!(await leaveAllowed())) { ev.target.value = getLang(); return; }
    setLang(ev.target.value); route();
  });
  document.getElementById("signout").addEventListener("click", async () => {
    if (!(await leaveAllowed())) return;
    location.hash = ""; signOut();
  });
  window.addEventListener("hashchange", async ev => {
    // The address has already changed: put it back when the editor stays.
    if (!(await leaveAllowed())) { history.replaceState(null, "", ev.oldURL); return; }
    route().then(() => document.getElementById("view").focus());
  });
  const methods = await loadMethods();
  const hash = location.hash;
  if (hash.startsWith("#invitation=")) {
    history.replaceState(null, "", location.pathname);
    invitationScreen(document.getElementById("view"), decodeURIComponent(hash.slice("#invitation=".length)), signInScreen);
    chrome();
    document.body.dataset.ready = "true";
    return;
  }
  let message = "";
  if (hash.startsWith("#sso-error=")) {
    message = ssoMessage(decodeURIComponent(hash.slice("#sso-error=".length)));
    history.replaceState(null, "", location.pathname);
  }
  if (getToken()) {
    try { session.me = await api("/api/v1/me"); } catch (e) { setToken(null); }
  } else if (methods.signed_in) {
    try { session.me = await api("/api/v1/me"); setCSRF(session.me.csrf_token); } catch (e) { session.me = null; }
  }
  if (!session.me) signInScreen(message);
  else {
    if (!location.hash || location.hash === "#/") history.replaceState(null, "", "#/dashboard");
    await route();
  }
  document.body.dataset.ready = "true";
}

start();

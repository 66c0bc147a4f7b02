// The signed-in person's own page: password, second factor (enrolled
// with a QR code, recovery codes shown once), sessions (end one, sign out
// everywhere).
import { api } from "./api.js";
import { t } from "./i18n.js";
import { h, field, announce, formatTime } from "./dom.js";
import { fail, signedOutBy } from "./app.js";

export async function profile(view, _, s) {
  const me = s.me;
  const parts = [h("h1", { text: t("profile") })];
  if (me.type !== "user") {
    view.replaceChildren(...parts, h("p", { text: t("tokenNoProfile", { name: me.name }) }));
    return;
  }
  parts.push(h("p", { id: "profile-who", text: me.name + " · " + me.email + " · " + t("role_" + me.role) }));
  if (me.must_enrol_totp) parts.push(h("p", { class: "warning", id: "must-enrol", role: "alert", text: t("mustEnrol") }));

  if (!me.sso) parts.push(passwordPanel());
  parts.push(await totpPanel(me));
  parts.push(await sessionsPanel(signedOutBy));
  view.replaceChildren(...parts);
}

function passwordPanel() {
  const cur = h("input", { type: "password", name: "current_password", autocomplete: "current-password", required: true });
  const next = h("input", { type: "password", name: "new_password", autocomplete: "new-password", required: true, minlength: "12" });
  const again = h("input", { type: "password", name: "repeat_password", autocomplete: "new-password", required: true });
  const err = h("p", { class: "error", id: "password-error", role: "alert" });
  const form = h("form", { id: "password-form" }, field(t("currentPassword"), cur), field(t("newPassword"), next, t("passwordHint")),
    field(t("repeatPassword"), again), err, h("button", { type: "submit", class: "primary", text: t("changePassword") }));
  form.addEventListener("submit", async ev => {
    ev.preventDefault();
    err.textContent = "";
    if (next.value !== again.value) { err.textContent = t("passwordsDiffer"); again.focus(); return; }
    try {
      await api("/api/v1/me/password", { method: "PUT", body: { current_password: cur.value, new_password: next.value } });
      form.reset();
      announce(t("passwordChanged"));
    } catch (e) {
      const bad = e.problem && (e.problem.errors || []).find(x => x.field === "current_password");
      if (bad) { err.textContent = t("currentWrong"); cur.focus(); return; }
      const why = e.problem && (e.problem.errors || []).map(x => x.detail || x.problem).filter(Boolean).join("; ");
      if (why) { err.textContent = t("passwordRefused", { why }); next.focus(); return; }
      fail(e);
    }
  });
  return h("section", { class: "panel", "aria-labelledby": "password-h" }, h("h2", { id: "password-h", text: t("changePassword") }), form);
}

async function totpPanel(me) {
  const box = h("div", { id: "totp-box" });
  const panel = h("section", { class: "panel", "aria-labelledby": "totp-h" }, h("h2", { id: "totp-h", text: t("secondFactor") }), box);
  const drawOff = () => {
    box.replaceChildren(h("p", { id: "totp-state", text: t("totpOffText") }),
      h("button", { type: "button", id: "totp-start", class: "primary", text: t("totpEnable"), onclick: start }));
  };
  const drawOn = () => {
    const pw = h("input", { type: "password", name: "password", autocomplete: "current-password", required: true });
    const form = h("form", { id: "totp-disable", class: "inline" }, field(t("password"), pw), h("button", { type: "submit", text: t("totpDisable") }));
    form.addEventListener("submit", async ev => {
      ev.preventDefault();
      try { await api("/api/v1/me/totp/disable", { method: "POST", body: { password: pw.value } }); me.totp_enabled = false; announce(t("totpDisabled")); drawOff(); } catch (e) { fail(e); }
    });
    box.replaceChildren(h("p", { id: "totp-state", text: t("totpOnText") }), me.sso ? null : form);
  };
  const start = async () => {
    try {
      const e = await api("/api/v1/me/totp", { method: "POST" });
      const code = h("input", { type: "text", name: "code", autocomplete: "one-time-code", inputmode: "numeric", required: true, maxlength: "6", spellcheck: "false" });
      const form = h("form", { id: "totp-confirm", class: "inline" }, field(t("totpCode"), code), h("button", { type: "submit", class: "primary", text: t("totpConfirm") }));
      form.addEventListener("submit", async ev => {
        ev.preventDefault();
        try {
          const r = await api("/api/v1/me/totp/confirm", { method: "POST", body: { code: code.value.trim() } });
          me.totp_enabled = true; me.must_enrol_totp = false;
          announce(t("totpOnNow"));
          const list = h("ol", { id: "recovery-codes", class: "codes" }, r.recovery_codes.map(c => h("li", {}, h("code", { text: c }))));
          const copy = h("button", { type: "button", id: "copy-codes", text: t("copy"), onclick: async () => {
            try { await navigator.clipboard.writeText(r.recovery_codes.join("\n")); copy.textContent = t("copied"); } catch (err) { getSelection().selectAllChildren(list); }
          } });
          const must = document.getElementById("must-enrol");
          if (must) must.remove();
          box.replaceChildren(h("p", { id: "totp-state", role: "status", text: t("totpOnNow") }),
            h("p", { class: "warning", text: t("recoveryOnce") }), list, copy,
            h("p", {}, h("button", { type: "button", id: "codes-done", text: t("codesSaved"), onclick: () => { drawOn(); document.getElementById("totp-state").focus(); } })));
          copy.focus();
        } catch (err) {
          announce(t("badCode"), "error");
          code.value = ""; code.focus();
        }
      });
      box.replaceChildren(h("p", { text: t("totpScan") }),
        h("img", { id: "totp-qr", src: e.qr_png, width: "200", height: "200", alt: t("totpQRAlt") }),
        h("p", {}, t("totpManual") + " ", h("code", { id: "totp-secret", text: e.secret })),
        form);
      code.focus();
    } catch (e) { fail(e); }
  };
  if (me.totp_enabled) drawOn(); else drawOff();
  const st = box.querySelector("#totp-state");
  if (st) st.tabIndex = -1;
  return panel;
}

async function sessionsPanel(signedOut) {
  const list = h("div", { id: "session-list" });
  const draw = async () => {
    const items = (await api("/api/v1/me/sessions")).items;
    list.replaceChildren(h("table", { class: "list" }, h("caption", { text: t("sessionsList") }),
      h("thead", {}, h("tr", {}, [t("device"), t("signInMethod"), t("signedInAt"), t("lastSeen"), t("actions")].map(c => h("th", { scope: "col", text: c })))),
      h("tbody", {}, items.map(x => h("tr", { "data-id": x.id, "data-current": x.current ? "true" : null },
        h("th", { scope: "row" }, (x.user_agent || "—").slice(0, 80), h("br"), h("span", { class: "hint", text: x.client })),
        h("td", { text: x.method === "sso" ? t("viaSSO") : t("password") }),
        h("td", { text: formatTime(x.created_at) }), h("td", { text: formatTime(x.last_seen) }),
        h("td", {}, x.current ? h("span", { class: "badge", "data-status": "active", text: t("thisSession") })
          : h("button", { type: "button", "data-end-session": x.id, text: t("endSession"), "aria-label": t("endSession") + ": " + (x.user_agent || x.client).slice(0, 40), onclick: async () => {
            try { await api("/api/v1/me/sessions/" + encodeURIComponent(x.id), { method: "DELETE" }); announce(t("sessionEndedOne")); await draw(); } catch (e) { fail(e); }
          } })))))));
  };
  await draw();
  const everywhere = h("button", { type: "button", id: "signout-everywhere", class: "danger", text: t("signOutEverywhere"), "data-confirm": t("confirmSignOutEverywhere"), onclick: async () => {
    try { await api("/api/v1/me/sessions", { method: "DELETE" }); signedOut(t("signedOutEverywhere")); } catch (e) { fail(e); }
  } });
  return h("section", { class: "panel", "aria-labelledby": "sessions-h" }, h("h2", { id: "sessions-h", text: t("sessions") }), list, h("div", { class: "actions" }, everywhere));
}

// People's accounts, for admins: invite (the one-time link is shown
// once), change a role, disable or enable, a new invitation (a password
// reset), delete with a confirmation; which roles must use a second factor.
import { api } from "./api.js";
import { t } from "./i18n.js";
import { h, field, select, announce, formatTime } from "./dom.js";
import { fail } from "./app.js";

const roles = ["editor", "archivist", "admin"];

/** linkBox shows an invitation's one-time link with a copy button. */
function linkBox(box, inv, name) {
  const out = h("input", { type: "text", readonly: true, id: "invitation-link", value: inv.invitation_link, "aria-describedby": "invitation-note" });
  const copy = h("button", { type: "button", id: "copy-invitation", text: t("copy"), onclick: async () => {
    try { await navigator.clipboard.writeText(inv.invitation_link); copy.textContent = t("copied"); } catch (e) { out.select(); }
  } });
  box.replaceChildren(h("h3", { text: t("invitationFor", { name }) }),
    h("p", { class: "warning", id: "invitation-note", text: t("invitationOnce", { at: formatTime(inv.invitation_expires) }) + (inv.mailed ? " " + t("invitationMailed") : "") }),
    h("div", { class: "inline copy-row" }, field(t("invitationLink"), out), copy));
  copy.focus();
}

export async function users(view, _, s) {
  const email = h("input", { type: "email", name: "email", required: true, "data-pointer": "/email", autocomplete: "off", spellcheck: "false" });
  const name = h("input", { type: "text", name: "name", required: true, maxlength: "100", "data-pointer": "/name", autocomplete: "off" });
  const role = select(roles.map(r => [r, t("role_" + r)]), "editor", { name: "role", "data-pointer": "/role" });
  const linkArea = h("div", { id: "invitation", "aria-live": "polite" });
  const form = h("form", { class: "inline", id: "invite-form" }, field(t("email"), email), field(t("name"), name), field(t("roleLabel"), role),
    h("button", { type: "submit", class: "primary", text: t("invite") }));
  form.addEventListener("submit", async ev => {
    ev.preventDefault();
    try {
      const r = await api("/api/v1/users", { method: "POST", body: { email: email.value.trim(), name: name.value.trim(), role: role.value } });
      linkBox(linkArea, r, r.user.name);
      form.reset();
      await drawList();
    } catch (e) { fail(e); }
  });

  const list = h("div", { id: "user-list" });
  const patch = async (u, body, done) => {
    try {
      await api("/api/v1/users/" + encodeURIComponent(u.id), { method: "PATCH", body, patch: true });
      announce(done);
      await drawList();
    } catch (e) { fail(e); await drawList(); }
  };
  const drawList = async () => {
    const items = (await api("/api/v1/users")).items;
    list.replaceChildren(h("table", { class: "list users" }, h("caption", { text: t("usersList", { n: items.length }) }),
      h("thead", {}, h("tr", {}, [t("name"), t("email"), t("roleLabel"), t("statusCol"), t("lastSignIn"), t("actions")].map(c => h("th", { scope: "col", text: c })))),
      h("tbody", {}, items.map(u => {
        const self = s.me.type === "user" && s.me.id === u.id;
        const roleSel = select(roles.map(r => [r, t("role_" + r)]), u.role, { "aria-label": t("roleOf", { name: u.name }), "data-user-role": u.id, disabled: self });
        roleSel.addEventListener("change", () => patch(u, { role: roleSel.value }, t("roleChanged", { name: u.name, role: t("role_" + roleSel.value) })));
        const flags = [u.sso ? t("viaSSO") : "", u.totp_enabled ? t("totpOn") : ""].filter(Boolean).join(" · ");
        const actions = h("div", { class: "row-actions" });
        if (!self) {
          if (u.status === "disabled") actions.append(h("button", { type: "button", "data-enable": u.id, text: t("enable"), "aria-label": t("enable") + ": " + u.name, onclick: () => patch(u, { status: "active" }, t("enabled", { name: u.name })) }));
          else actions.append(h("button", { type: "button", "data-disable": u.id, text: t("disable"), "aria-label": t("disable") + ": " + u.name,
            "data-confirm": t("confirmDisable", { name: u.name }), onclick: () => patch(u, { status: "disabled" }, t("disabled", { name: u.name })) }));
        }
        if (u.status !== "disabled" && !u.sso) actions.append(h("button", { type: "button", "data-reinvite": u.id, text: t("reinvite"), "aria-label": t("reinvite") + ": " + u.name, onclick: async () => {
          try { linkBox(linkArea, await api("/api/v1/users/" + encodeURIComponent(u.id) + "/invitation", { method: "POST" }), u.name); await drawList(); } catch (e) { fail(e); }
        } }));
        if (u.totp_enabled && !self) actions.append(h("button", { type: "button", "data-reset-totp": u.id, text: t("resetTOTP"), "aria-label": t("resetTOTP") + ": " + u.name,
          "data-confirm": t("confirmResetTOTP", { name: u.name }), onclick: async () => {
            try { await api("/api/v1/users/" + encodeURIComponent(u.id) + "/totp", { method: "DELETE" }); announce(t("totpReset", { name: u.name })); await drawList(); } catch (e) { fail(e); }
          } }));
        if (!self) actions.append(h("button", { type: "button", class: "danger", "data-delete": u.id, text: t("deleteUser"), "aria-label": t("deleteUser") + ": " + u.name,
          "data-confirm": t("confirmDeleteUser", { name: u.name }), onclick: async () => {
            try { await api("/api/v1/users/" + encodeURIComponent(u.id), { method: "DELETE" }); announce(t("userDeleted", { name: u.name })); await drawList(); } catch (e) { fail(e); }
          } }));
        return h("tr", { "data-id": u.id }, h("th", { scope: "row", text: u.name }), h("td", { text: u.email }), h("td", {}, roleSel),
          h("td", {}, h("span", { class: "badge", "data-status": u.status, text: t("user_" + u.status) }), flags ? h("br") : null, flags),
          h("td", { text: u.last_sign_in ? formatTime(u.last_sign_in) : "—" }), h("td", {}, actions));
      }))));
  };
  await drawList();

  // The roles that must use a second factor.
  const policy = await api("/api/v1/auth/policy");
  const boxes = roles.map(r => h("label", {}, h("input", { type: "checkbox", name: "totp_role", value: r, checked: policy.totp_required_roles.includes(r) }), " " + t("role_" + r)));
  const policyForm = h("form", { id: "policy-form" }, h("fieldset", {}, h("legend", { text: t("totpRequiredFor") }), h("div", { class: "areas" }, boxes)),
    h("button", { type: "submit", text: t("save") }));
  policyForm.addEventListener("submit", async ev => {
    ev.preventDefault();
    try {
      await api("/api/v1/auth/policy", { method: "PUT", body: { totp_required_roles: [...policyForm.querySelectorAll("input:checked")].map(i => i.value) } });
      announce(t("saved"));
    } catch (e) { fail(e); }
  });

  view.replaceChildren(h("h1", { text: t("users") }),
    h("section", { class: "panel", "aria-labelledby": "invite-h" }, h("h2", { id: "invite-h", text: t("inviteUser") }), form, linkArea),
    list,
    h("section", { class: "panel", "aria-labelledby": "policy-h" }, h("h2", { id: "policy-h", text: t("signInPolicy") }), policyForm));
}

// Every screen by its route name (#/name/arg...). The bigger ones live in
// their own modules.
import { api } from "./api.js";
import { t, getLang } from "./i18n.js";
import { h, field, select, announce, formatSize, formatTime } from "./dom.js";
import { partnershipList, partnershipEdit } from "./partnerships.js";
import { documentList, documentDetail } from "./documents.js";
import { archiveSearch, archiveDetail, auditPanel } from "./archive.js";
import { blockList, blockEdit, pageList, pageEdit } from "./blocks.js";
import { preview as previewScreen } from "./preview.js";
import { mediaLibrary } from "./media.js";
import { fail, session } from "./app.js";
import { actorName, statusBadge, statusText } from "./workflow.js";
export { users } from "./users.js";
export { profile } from "./profile.js";

export async function partnerships(view, [id], s) { return id ? partnershipEdit(view, id.split("?")[0], s) : partnershipList(view, s); }
export async function documents(view, [id], s) { return id ? documentDetail(view, id.split("?")[0], s) : documentList(view, s); }
export async function archive(view, [id]) { return id ? archiveDetail(view, id.split("?")[0]) : archiveSearch(view); }
export async function blocks(view, [id], s) { return id ? blockEdit(view, id, s) : blockList(view); }
export async function pages(view, [id], s) { return id ? pageEdit(view, id, s) : pageList(view); }
export async function preview(view, [id], s) { return previewScreen(view, id, s); }
export async function media(view, _, s) { return mediaLibrary(view, s); }

export async function dashboard(view, _, s) {
  const role = s.me.role, editor = role !== "archivist", archivist = role !== "editor";
  const parts = [h("h1", { text: t("dashboard") })];
  if (editor) {
    // Waiting: new drafts and published records with unpublished changes.
    const [p, b, g, recent] = await Promise.all(["partnerships", "blocks", "pages"].map(k => api("/api/v1/" + k + "?unpublished_changes=true&per_page=20"))
      .concat(api("/api/v1/partnerships?sort=-updated_at&per_page=5")));
    const drafts = [...p.items.map(x => ["partnerships", x, (x.partner.name.sl || x.slug)]), ...b.items.map(x => ["blocks", x, x.key]), ...g.items.map(x => ["pages", x, x.slug])];
    parts.push(h("section", { class: "panel", "aria-labelledby": "drafts-h", id: "drafts" }, h("h2", { id: "drafts-h", text: t("draftsWaiting") + " (" + (p.total + b.total + g.total) + ")" }),
      drafts.length ? h("ul", {}, drafts.map(([k, x, name]) => h("li", {}, h("a", { href: "#/" + k + "/" + x.id, text: name }), " · " + t(k) + " · ", statusBadge(x)))) : h("p", { text: t("noResults") })));
    // Who made each last change, by name (the history's newest entry).
    const who = await Promise.all(recent.items.map(x => api("/api/v1/partnerships/" + x.id + "/versions")
      .then(v => v.items.length ? actorName(v.items[0].actor, v.items[0].by) : "", () => "")));
    parts.push(h("section", { class: "panel", "aria-labelledby": "recent-h", id: "recent" }, h("h2", { id: "recent-h", text: t("recentChanges") }),
      h("ul", {}, recent.items.map((x, i) => h("li", {}, h("a", { href: "#/partnerships/" + x.id, text: x.partner.name.sl || x.slug }),
        " · " + statusText(x) + " · " + formatTime(x.updated_at) + (who[i] ? " · " + who[i] : ""))))));
  }
  if (archivist) parts.push(await auditPanel());
  if (role === "admin") parts.push(await backupPanel());
  const st = await api("/api/v1/storage");
  parts.push(h("section", { class: "panel", "aria-labelledby": "storage-h", id: "storage" }, h("h2", { id: "storage-h", text: t("storageUsed") }),
    h("p", { text: formatSize(st.bytes) + " · " + t("docsCount", { n: st.documents, w: st.withdrawn }) })));
  view.replaceChildren(...parts);
}

// backupPanel: the running backup's progress, the last outcome and the
// backups kept; "Back up now" starts one (admins).
async function backupPanel() {
  const text = h("p", { id: "backup-state", "aria-live": "polite" });
  const draw = async () => {
    const st = await api("/api/v1/backups");
    const p = st.running && st.running.progress;
    text.textContent = !st.target ? t("backupNoTarget")
      : p ? t("backupRunning", { done: formatSize(p.bytes_done), total: formatSize(p.bytes_total), files: p.files_done, of: p.files_total, eta: Math.round(p.eta_seconds) })
      : st.last ? t(st.last.status === "succeeded" ? "backupLastOk" : "backupLastFailed", { at: formatTime(st.last.finished_at), size: formatSize(st.last.progress.bytes_total), err: st.last.error || "" })
      : t("backupNone");
    if (st.target) text.append(h("br"), t("backupKept", { n: st.kept.length, target: st.target }));
    return st;
  };
  const first = await draw();
  // Without a target there is nothing to back up into: the button says so by being off.
  const button = h("button", { type: "button", id: "run-backup", text: t("backupNow"), disabled: !first.target, "aria-describedby": "backup-state", onclick: async () => {
    try {
      await api("/api/v1/backups", { method: "POST" });
      for (let st = await draw(); st.running; st = await draw()) await new Promise(r => setTimeout(r, 1000));
      announce(text.textContent);
    } catch (e) { fail(e); }
  } });
  return h("section", { "aria-labelledby": "backup-h", class: "panel", id: "backups" }, h("h2", { id: "backup-h", text: t("backups") }), text, button);
}

export async function tokens(view) {
  const name = h("input", { id: "token-name", required: true, maxlength: "100" });
  const role = select(["editor", "archivist", "admin"].map(r => [r, t("role_" + r)]), "editor", { id: "token-role" });
  const secretBox = h("div", { id: "secret", "aria-live": "polite" });
  const form = h("form", { class: "inline", id: "token-form" }, field(t("tokenName"), name), field(t("roleLabel"), role), h("button", { type: "submit", class: "primary", text: t("create") }));
  form.addEventListener("submit", async ev => {
    ev.preventDefault();
    try {
      const tok = await api("/api/v1/tokens", { method: "POST", body: { name: name.value, role: role.value } });
      const out = h("output", { id: "secret-value", text: tok.token });
      const copy = h("button", { type: "button", id: "copy-secret", text: t("copy"), onclick: async () => {
        try { await navigator.clipboard.writeText(tok.token); copy.textContent = t("copied"); } catch (e) { getSelection().selectAllChildren(out); }
      } });
      secretBox.replaceChildren(h("p", { class: "warning", text: t("secretOnce") }), out, " ", copy);
      secretBox.dataset.id = tok.id;
      name.value = ""; // the next token gets its own name
      await drawList();
      copy.focus();
    } catch (e) { fail(e); }
  });
  const table = h("div", { id: "token-list" });
  const drawList = async () => {
    const items = (await api("/api/v1/tokens")).items;
    table.replaceChildren(h("table", { class: "list" }, h("caption", { text: t("tokensList") }),
      h("thead", {}, h("tr", {}, [t("tokenName"), t("roleLabel"), t("prefix"), t("created"), t("actions")].map(c => h("th", { scope: "col", text: c })))),
      h("tbody", {}, items.map(x => h("tr", { "data-id": x.id }, h("th", { scope: "row", text: x.name }), h("td", { text: t("role_" + x.role) }),
        h("td", {}, h("code", { text: x.prefix + "…" })), h("td", { text: formatTime(x.created_at) }),
        h("td", {}, h("button", { type: "button", "data-revoke": x.id, "data-own": session.me && session.me.type === "token" && session.me.id === x.id ? "true" : null, "aria-label": t("revokeToken") + ": " + x.name, text: t("revokeToken"), onclick: async () => {
          try {
            await api("/api/v1/tokens/" + x.id, { method: "DELETE" });
            // A revoked token's secret is worthless: it leaves the screen.
            if (secretBox.dataset.id === x.id) { secretBox.replaceChildren(); delete secretBox.dataset.id; }
            announce(t("revoked")); await drawList();
          } catch (e) { fail(e); }
        } })))))));
  };
  await drawList();
  view.replaceChildren(h("h1", { text: t("tokens") }), h("section", { "aria-labelledby": "new-token-h", class: "panel" }, h("h2", { id: "new-token-h", text: t("newToken") }), form, secretBox), table);
}

// The editor shared by partnerships, blocks and pages: locale tabs with
// missing-translation markers, save with If-Match (a 412 keeps what was
// typed and offers Reload / Compare), the publish actions, and the version
// history with diffs and restore.
import { api, mergePatch, editable, ApiError } from "./api.js";
import { t } from "./i18n.js";
import { h, announce } from "./dom.js";
import { diff } from "./diff.js";
import { diffTable } from "./diffview.js";
import { workflow, statusText } from "./workflow.js";
import { w } from "./workflow_words.js";
import { fail, route, session } from "./app.js";
import { m } from "./messages.js";

/** fallbackFor names the locale the public page would show instead of locale for a localized value. */
export function fallbackFor(value, locale, vocab) {
  if (value && value[locale]) return null;
  for (const l of [...(vocab.fallback || ["en", "sl"]), vocab.locales[0]]) if (l !== locale && value && value[l]) return l;
  return "—";
}

/** localeTabs draws one tab per content locale; panel(locale) builds its fields, missing(locale) its fallback or null. */
export function localeTabs(locales, panel, missing) {
  const tabs = h("div", { role: "tablist", class: "tabs", "aria-label": t("locTabs") });
  const panels = h("div", { class: "tabpanels" });
  let buttons = [];
  const select = (i, focus) => {
    buttons.forEach((b, j) => { b.setAttribute("aria-selected", String(i === j)); b.tabIndex = i === j ? 0 : -1; });
    [...panels.children].forEach((p, j) => { p.hidden = i !== j; });
    if (focus) buttons[i].focus();
  };
  const refresh = () => locales.forEach((l, i) => {
    const fb = missing(l);
    buttons[i].querySelector(".marker").hidden = !fb;
    const note = panels.children[i].querySelector(".missing");
    note.hidden = !fb;
    // "—": no language has the text yet, so there is nothing to fall back to.
    note.textContent = !fb ? "" : fb === "—" ? m("missingEverywhere") : t("missing", { locale: fb });
  });
  buttons = locales.map((l, i) => h("button", {
    type: "button", role: "tab", id: "tab-" + l, "aria-controls": "panel-" + l, "data-locale": l,
    onclick: () => select(i), onkeydown: e => {
      if (e.key === "ArrowRight") select((i + 1) % locales.length, true);
      if (e.key === "ArrowLeft") select((i + locales.length - 1) % locales.length, true);
    },
  }, l.toUpperCase(), h("span", { class: "marker", "aria-label": " — " + t("missing", { locale: "" }).replace(/[:{].*$/, ""), text: " ●", hidden: true })));
  tabs.append(...buttons);
  locales.forEach(l => panels.append(h("div", { role: "tabpanel", id: "panel-" + l, "aria-labelledby": "tab-" + l, tabindex: "0", "data-locale": l, lang: l },
    h("p", { class: "missing", hidden: true }), panel(l))));
  panels.addEventListener("input", refresh);
  select(0);
  refresh();
  return { el: h("div", { class: "locales" }, tabs, panels), refresh };
}

/**
 * editRecord runs the editor for one record of kind ("partnerships",
 * "blocks", "pages"). form(draft, refresh) returns the fields bound to
 * draft; after(rec) may show extra facts after a save.
 */
export async function editRecord(view, kind, id, { blank, title, form, after }) {
  const baseURL = "/api/v1/" + kind;
  const locales = (session.vocab && session.vocab.locales) || [];
  let rec = id === "new" ? null : await api(baseURL + "/" + encodeURIComponent(id));
  let base = rec ? editable(rec) : structuredClone(blank);
  let version = rec ? rec.version : 0;
  const draft = structuredClone(base);
  const status = h("p", { class: "badge", id: "record-status" });
  const conflict = h("section", { class: "conflict", id: "conflict", hidden: true, "aria-labelledby": "conflict-h" });
  const actions = h("div", { class: "actions" });
  const panels = h("div", { id: "workflow" });
  const facts = h("div", { id: "after-save" });
  const heading = h("h1", { text: title(draft) });

  const showStatus = () => {
    status.textContent = rec ? statusText(rec) : t("status_draft");
    status.dataset.status = rec ? rec.status : "new";
    status.dataset.draft = rec && rec.has_unpublished_changes ? "true" : "false";
  };

  async function save() {
    try {
      if (!rec) {
        rec = await api(baseURL, { method: "POST", body: draft });
        history.replaceState(null, "", "#/" + kind + "/" + rec.id);
      } else {
        const patch = mergePatch(base, draft);
        rec = await api(baseURL + "/" + rec.id, { method: "PATCH", body: patch, patch: true, version });
      }
      base = editable(rec); version = rec.version;
      conflict.hidden = true;
      announce(t("saved"));
      done();
    } catch (e) {
      if (e instanceof ApiError && e.status === 412) return showConflict();
      fail(e);
    }
  }

  async function showConflict() {
    announce(t("conflict"), "error");
    const server = await api(baseURL + "/" + rec.id);
    const theirs = diff(base, editable(server));
    const out = h("div", { class: "compare", id: "compare-out" });
    conflict.replaceChildren(
      h("h2", { id: "conflict-h", text: t("conflict") }),
      diffTable(theirs, t("serverVersion"), t("version", { n: version }), t("version", { n: server.version }), locales),
      h("div", { class: "actions" },
        h("button", { type: "button", id: "reload", text: t("reload"), onclick: () => { location.reload(); } }),
        h("button", { type: "button", id: "compare", text: t("compare"), onclick: () => {
          // Rebase: the next save sends only this editor's own changes
          // against the server's version.
          out.replaceChildren(diffTable(diff(editable(server), draft), t("compare"), t("serverVersion"), t("yours"), locales));
          rec = server; version = server.version; showStatus();
        } })),
      out);
    conflict.hidden = false;
    conflict.querySelector("button").focus();
  }

  async function act(action, message) {
    try {
      rec = await api(baseURL + "/" + rec.id + "/" + action, { method: "POST", version });
      base = editable(rec); version = rec.version;
      announce(message || t("status_" + rec.status));
      // A discarded draft changes the content under the form: draw it again.
      if (action === "discard-draft") return route();
      done();
    } catch (e) {
      if (e instanceof ApiError && e.status === 412) return showConflict();
      fail(e);
    }
  }

  function drawActions() {
    actions.replaceChildren(h("button", { type: "submit", class: "primary", id: "save", text: t("save") }));
    if (!rec) return;
    if (rec.status !== "published") actions.append(h("button", { type: "button", id: "publish", text: t("publish"), onclick: () => act("publish") }));
    if (rec.status === "published" && rec.has_unpublished_changes) actions.append(
      h("button", { type: "button", id: "publish-changes", text: w("publishChanges"), onclick: () => act("publish", w("changesPublished")) }),
      h("button", { type: "button", id: "discard-draft", text: w("discardDraft"), onclick: () => act("discard-draft", w("draftDiscarded")) }));
    if (rec.status === "published") actions.append(h("button", { type: "button", id: "unpublish", text: t("unpublish"), onclick: () => act("unpublish") }));
    if (rec.status !== "archived") actions.append(h("button", { type: "button", id: "archive", text: t("archive"), onclick: () => act("archive") }));
    if (kind === "partnerships") actions.append(h("a", { class: "button", href: "#/preview/" + rec.id, text: t("preview") }));
  }

  function done() {
    heading.textContent = title(draft);
    showStatus(); drawActions(); flow.draw().catch(fail);
    if (after) facts.replaceChildren(after(rec));
  }

  const formEl = h("form", { class: "record", id: "record-form", novalidate: true }, form(draft), actions);
  formEl.addEventListener("submit", ev => { ev.preventDefault(); save(); });
  view.replaceChildren(h("p", {}, h("a", { href: "#/" + kind, text: "← " + t("back") })), heading, status, conflict, formEl, facts, panels);
  const flow = workflow(panels, { kind, baseURL, locales, rec: () => rec, version: () => version, replaced: () => route(), conflict: showConflict });
  showStatus(); drawActions(); flow.draw().catch(fail);
  if (rec && after) facts.replaceChildren(after(rec));
}


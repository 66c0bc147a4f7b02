// The media library: every document as a card in a grid — its thumbnail
// (a PDF's first page, a scaled image, a crest's rendition: GET
// /documents/{id}/thumbnail with the editor's token), a type icon while
// there is none —, search and filters (kind, year, partnership, status)
// kept in the address so that going back returns to them, upload by
// drag and drop (a progress bar and a clear failure per file), alt text
// and description per content locale, where each file is used ("Uporablja:
// Valjevo"), and delete (withdraw) refused with a message while in use.
import { api, ApiError, mergePatch } from "./api.js";
import { t, getLang } from "./i18n.js";
import { h, field, select, announce, formatSize } from "./dom.js";
import { uploadFile } from "./upload.js";
import { fetchBlob } from "./documents.js";
import { localeTabs } from "./content.js";
import { fail, problemText } from "./app.js";
import { w } from "./workflow_words.js";
import { mw } from "./media_words.js";
import { partnershipNames, docYear } from "./pickers.js";

const kinds = ["charter", "agreement", "publication", "overview", "crest", "scan"];
const loc = (v, l) => (v && (v[l] || v.sl || Object.values(v)[0])) || "";
const titleOf = d => loc(d.title, getLang()) || d.file.original_filename;

/** usage maps each document id to the names of the partnerships that use it (agreement, document list or crest). */
async function usage() {
  const out = new Map();
  for (let page = 1; page <= 50; page++) {
    const res = await api("/api/v1/partnerships?per_page=100&sort=name&page=" + page);
    for (const p of res.items) {
      const name = loc(p.partner.name, getLang()) || p.slug;
      const ids = new Set([p.crest_id, ...(p.agreements || []).map(a => a.document_id), ...(p.documents || []).map(r => r.document_id)].filter(Boolean));
      for (const id of ids) out.set(id, [...(out.get(id) || []), name]);
    }
    if (page * 100 >= res.total) break;
  }
  return out;
}

/** typeIcon names a file's type in a box: PDF, TIFF, … */
export function typeIcon(d) {
  const ext = (d.file.content_type.split("/")[1] || "").replace("jpeg", "jpg").toUpperCase();
  return h("span", { class: "type-icon", "aria-hidden": "true", text: ext || "?" });
}

/** hasThumb: a crest shows its rendition; any other file once its thumbnail is made. */
const hasThumb = d => d.kind === "crest" || (d.thumbnail && d.thumbnail.status === "done");

// Thumbnails load a few at a time, so a long grid does not flood the store.
let loading = 0;
const waiting = [];
/** thumb puts d's thumbnail in box when it has one; the type icon stays otherwise or when it fails. */
export function thumb(d, box) {
  if (!hasThumb(d)) return;
  const run = async () => {
    loading++;
    try {
      const blob = await fetchBlob("/api/v1/documents/" + d.id + "/thumbnail");
      const alt = d.decorative ? "" : loc(d.alt, getLang()) || w("thumbOf", { title: titleOf(d) });
      box.replaceChildren(h("img", { src: URL.createObjectURL(blob), alt, loading: "lazy" }));
    } catch (e) { /* the type icon stays */ } finally {
      loading--;
      if (waiting.length) waiting.shift()();
    }
  };
  if (loading < 4) run(); else waiting.push(run);
}

export async function mediaLibrary(view, session) {
  const locales = session.vocab.locales;
  const params = new URLSearchParams(location.hash.split("?")[1] || "");
  const page = Math.max(1, parseInt(params.get("page") || "1", 10) || 1);
  // Active files unless the status filter says otherwise ("all": both).
  const status = ["withdrawn", "all"].includes(params.get("status")) ? params.get("status") : "";
  const year = /^\d{4}$/.test(params.get("year") || "") ? params.get("year") : "";
  const partnership = /^[0-9a-f]{24}$/.test(params.get("partnership") || "") ? params.get("partnership") : "";
  const qs = new URLSearchParams({ per_page: "60", page: String(page) });
  if (status !== "all") qs.set("status", status || "active");
  for (const k of ["q", "kind"]) if (params.get(k)) qs.set(k, params.get(k));
  if (year) { qs.set("year_from", year); qs.set("year_to", year); }
  if (partnership) qs.set("partnership", partnership);
  const [list, used, names] = await Promise.all([api("/api/v1/documents?" + qs), usage(), partnershipNames()]);

  const q = h("input", { type: "search", name: "q", id: "media-q", value: params.get("q") || "" });
  const fk = select([["", w("allKinds")], ...kinds.map(k => [k, t("kind_" + k)])], params.get("kind") || "", { name: "kind", id: "media-kind" });
  const fy = h("input", { type: "number", name: "year", id: "media-year", min: "1900", max: String(new Date().getFullYear()), inputmode: "numeric", value: year, placeholder: mw("allYears") });
  const fp = select([["", mw("allPartnerships")], ...[...names].sort((a, b) => a[1].localeCompare(b[1], "sl"))], partnership, { name: "partnership", id: "media-partnership" });
  const fs = select([["", mw("statusActive")], ["withdrawn", mw("statusWithdrawn")], ["all", mw("statusAll")]], status, { name: "status", id: "media-status" });
  const filters = h("form", { class: "filters", role: "search", "aria-label": w("media") }, field(w("mediaSearch"), q), field(w("mediaKind"), fk),
    field(mw("mediaYear"), fy), field(mw("mediaPartnership"), fp), field(mw("mediaStatus"), fs), h("button", { type: "submit", text: t("filter") }));
  // Each choice is a new address: back returns to the filters before it.
  const go = () => { const p = new URLSearchParams(); for (const [k, v] of new FormData(filters)) if (v) p.set(k, v); location.hash = "#/media?" + p; };
  filters.addEventListener("submit", ev => { ev.preventDefault(); go(); });
  for (const s of [fk, fp, fs]) s.addEventListener("change", go);

  // Upload: kind for new files, then drop or choose.
  const newKind = select(kinds.map(k => [k, t("kind_" + k)]), "scan", { id: "media-new-kind" });
  const picker = h("input", { type: "file", id: "media-files", multiple: true, accept: ".pdf,.png,.jpg,.jpeg,.tif,.tiff,.webp,application/pdf,image/*" });
  const queue = h("ul", { class: "uploads", id: "media-uploads", "aria-live": "polite" });
  const drop = h("div", { class: "dropzone", id: "media-drop" }, h("p", { text: w("mediaDrop") }), h("div", { class: "inline" }, field(t("kind"), newKind), field(w("chooseFiles"), picker)));
  const start = files => { for (const f of files) uploadOne(f); };
  async function uploadOne(file) {
    const bar = h("progress", { max: "100", value: "0", "aria-label": t("uploading", { p: 0 }) + " " + file.name });
    const state = h("span", { class: "state", text: t("uploading", { p: 0 }) });
    const item = h("li", { "data-file": file.name }, h("span", { class: "name", text: file.name + " (" + formatSize(file.size) + ")" }), bar, state);
    queue.append(item);
    try {
      const doc = await uploadFile(file, { kind: newKind.value, title: { sl: file.name.replace(/\.[^.]+$/, "") }, provenance: {} }, (phase, f) => {
        const p = Math.floor(f * 100);
        if (phase === "hash") { state.textContent = t("hashing") + " " + p + " %"; return; }
        bar.value = p;
        bar.setAttribute("aria-label", t("uploading", { p }) + " " + file.name);
        state.textContent = t("uploading", { p });
      });
      bar.value = 100;
      item.dataset.done = "true";
      state.textContent = t("uploadDone") + ": " + titleOf(doc);
      grid.prepend(card(doc, []));
      total += 1; // the count beside the grid follows it
      const count = document.getElementById("media-count");
      if (count) count.textContent = w("mediaCount", { n: total });
      announce(t("uploadDone") + ": " + file.name);
    } catch (e) {
      // A failure never looks like a success: no full bar, the reason in words.
      item.dataset.done = "false";
      bar.remove();
      state.setAttribute("role", "alert");
      state.className = "state error";
      state.textContent = t("uploadFailed") + ": " + (e instanceof ApiError && e.status === 409 && e.problem.duplicate_of ? t("duplicate", { title: e.problem.duplicate_of }) : problemText(e));
    }
  }
  picker.addEventListener("change", () => { start(picker.files); picker.value = ""; });
  drop.addEventListener("dragover", e => { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", e => { e.preventDefault(); drop.classList.remove("over"); start(e.dataTransfer.files); });

  function card(d, users) {
    const box = h("div", { class: "media-thumb" }, typeIcon(d));
    thumb(d, box);
    const note = h("p", { class: "in-use", role: "alert", hidden: true });
    const meta = h("div", { class: "media-meta", hidden: true });
    const title = titleOf(d);
    const hid = "media-h-" + d.id;
    const el = h("li", { class: "media-card", "data-id": d.id, "data-kind": d.kind },
      box,
      h("h2", { id: hid, text: title }),
      h("p", { class: "hint", text: [t("kind_" + d.kind), docYear(d), d.file.content_type, formatSize(d.file.size), d.status === "withdrawn" ? t("doc_withdrawn") : ""].filter(Boolean).join(" · ") }),
      h("p", { class: "usage", text: users.length ? w("usedBy", { names: users.join(", ") }) : w("unused") }),
      h("div", { class: "actions" },
        h("button", { type: "button", class: "edit-meta", "aria-expanded": "false", "aria-label": w("editMeta", { title }), text: t("edit"), onclick: ev => {
          const open = meta.hidden;
          ev.currentTarget.setAttribute("aria-expanded", String(open));
          if (open) meta.replaceChildren(metaForm(d, () => { meta.hidden = true; }));
          meta.hidden = !open;
        } }),
        d.status === "active" ? h("button", { type: "button", class: "delete-doc", "aria-label": w("deleteDoc") + ": " + title, text: w("deleteDoc"), onclick: async () => {
          if (users.length) {
            // Deleting a file a partnership shows would break its page: refused, said why.
            note.textContent = w("inUse", { title, names: users.join(", ") });
            note.hidden = false;
            announce(note.textContent, "error");
            return;
          }
          try {
            await api("/api/v1/documents/" + d.id, { method: "DELETE", version: d.version });
            el.remove();
            total -= 1;
            const count = document.getElementById("media-count");
            if (count) count.textContent = w("mediaCount", { n: total });
            announce(w("deleted", { title }));
            (grid.querySelector("button") || view.querySelector("h1")).focus();
          } catch (e) { fail(e); }
        } }) : null),
      note, meta);
    // safety.js asks first (data-confirm), and only for a file nobody uses.
    const del = el.querySelector(".delete-doc");
    if (del && !users.length) del.dataset.confirm = w("confirmDeleteDoc", { title });
    return el;
  }

  function metaForm(d, close) {
    const draft = { alt: structuredClone(d.alt || {}), description: structuredClone(d.description || {}), decorative: !!d.decorative };
    const base = structuredClone(draft);
    const panel = l => {
      const alt = h("input", { id: "alt-" + l, value: draft.alt[l] || "", maxlength: "500" });
      alt.addEventListener("input", () => { if (alt.value) draft.alt[l] = alt.value; else delete draft.alt[l]; });
      const desc = h("textarea", { id: "description-" + l, rows: "3", maxlength: "5000", value: draft.description[l] || "" });
      desc.addEventListener("input", () => { if (desc.value) draft.description[l] = desc.value; else delete draft.description[l]; });
      return h("div", {}, field(w("altText"), alt), field(w("description"), desc));
    };
    const tabs = localeTabs(locales, panel, l => draft.decorative || draft.alt[l] || !d.file.content_type.startsWith("image/") ? null : "—");
    const deco = h("input", { type: "checkbox", id: "decorative-" + d.id, checked: draft.decorative, onchange: e => { draft.decorative = e.target.checked; tabs.refresh(); } });
    const form = h("form", { class: "meta-form", novalidate: true },
      h("label", { class: "check" }, deco, " " + w("decorative")), tabs.el,
      h("div", { class: "actions" }, h("button", { type: "submit", class: "primary", text: w("saveMeta") }), h("button", { type: "button", text: w("closeEditor"), onclick: close })));
    form.addEventListener("submit", async ev => {
      ev.preventDefault();
      try {
        const saved = await api("/api/v1/documents/" + d.id, { method: "PATCH", patch: true, version: d.version, body: mergePatch(base, draft) });
        Object.assign(d, saved);
        Object.assign(base, structuredClone({ alt: saved.alt || {}, description: saved.description || {}, decorative: !!saved.decorative }));
        announce(w("metaSaved"));
      } catch (e) { fail(e); }
    });
    return form;
  }

  const grid = h("ul", { class: "media-grid", id: "media-grid" }, list.items.map(d => card(d, used.get(d.id) || [])));
  let total = list.total;
  const pages = Math.max(1, Math.ceil(list.total / 60));
  const pageLink = n => { const p = new URLSearchParams(params); p.set("page", String(n)); return "#/media?" + p; };
  view.replaceChildren(...[h("h1", { text: w("media"), tabindex: "-1" }),
    h("section", { "aria-labelledby": "media-up-h" }, h("h2", { id: "media-up-h", text: t("upload") }), drop, queue),
    filters,
    h("p", { id: "media-count", text: w("mediaCount", { n: list.total }) }),
    list.items.length ? grid : h("p", { text: t("noResults") }),
    pages > 1 ? h("nav", { class: "pager", "aria-label": w("media") },
      page > 1 ? h("a", { href: pageLink(page - 1), rel: "prev", text: "←" }) : null, h("span", { text: page + " / " + pages }),
      page < pages ? h("a", { href: pageLink(page + 1), rel: "next", text: "→" }) : null) : null].filter(Boolean));
}

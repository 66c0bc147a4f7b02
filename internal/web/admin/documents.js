// Documents: upload several files at once (picker or drag and drop) with a
// progress bar each, the list, and one document's description, provenance,
// crest preview, withdraw / restore and attaching to a partnership.
import { api, base, authHeaders, ApiError, mergePatch } from "./api.js";
import { t, getLang } from "./i18n.js";
import { h, field, select, announce, formatSize } from "./dom.js";
import { uploadFile } from "./upload.js";
import { fail, problemText } from "./app.js";
import { download, documentLink, dw } from "./downloads.js";
import { alternativeSection } from "./alternative.js";

const kinds = ["charter", "agreement", "publication", "overview", "crest", "scan"];
const loc = (v, l) => (v && (v[l] || v.sl || Object.values(v)[0])) || "";

/** provenanceFields are the inputs of a provenance object, bound to it. */
function provenanceFields(p) {
  const f = (key, label, type = "text", attrs = {}, hint) => {
    const e = h(type === "textarea" ? "textarea" : "input", { type: type === "textarea" ? null : type, name: key, value: p[key] || "", ...attrs });
    e.addEventListener("input", () => { if (e.value) p[key] = e.value; else delete p[key]; });
    return field(label, e, hint);
  };
  return h("fieldset", { class: "provenance" }, h("legend", { text: t("provenance") }),
    f("source", t("source")), f("archival_ref", t("archivalRef")), f("original_date", t("originalDate"), "text",
      // Often a year alone ("1975"): a text box, since a date picker takes only whole dates.
      { inputmode: "numeric", pattern: "\\d{4}(-\\d{2}(-\\d{2})?)?", maxlength: "10", autocomplete: "off" }, t("originalDateHint")),
    f("custodian", t("custodian")), f("notes", t("notes"), "textarea"));
}

/**
 * fetchBlob GETs an authorized URL (following redirects to signed links)
 * as a Blob: for small images shown on a page (crest previews, thumbnails).
 * Downloads never come through here: see downloads.js.
 */
export async function fetchBlob(path) {
  const res = await fetch(base + path, { headers: authHeaders() });
  if (!res.ok) {
    let p = {}; try { p = await res.json(); } catch (e) { /* not JSON */ }
    throw new ApiError(res.status, p);
  }
  return res.blob();
}

export async function documentList(view, session) {
  const partnerships = (await api("/api/v1/partnerships?per_page=100&sort=name")).items;
  const meta = { kind: "charter", title: {}, provenance: {} };
  const kind = select(kinds.map(k => [k, t("kind_" + k)]), "charter", { id: "up-kind" });
  kind.onchange = () => { meta.kind = kind.value; };
  const titleSl = h("input", { id: "up-title-sl", lang: "sl" }), titleEn = h("input", { id: "up-title-en", lang: "en" });
  const language = h("input", { id: "up-language", maxlength: "5", value: "sl" });
  const attach = select([["", t("none")], ...partnerships.map(p => [p.id, loc(p.partner.name, "sl")])], "", { id: "up-partnership" });
  const role = select(["agreement", "overview", "publication"].map(x => [x, t("docrole_" + x)]), "agreement", { id: "up-role" });
  const picker = h("input", { type: "file", id: "up-files", multiple: true, accept: ".pdf,.png,.jpg,.jpeg,.tif,.tiff,.webp,application/pdf,image/*" });
  const queue = h("ul", { class: "uploads", id: "upload-list", "aria-live": "polite" });
  const drop = h("div", { class: "dropzone", id: "dropzone" }, h("p", { text: t("drop") }), field(t("upload"), picker));

  const start = files => { for (const f of files) uploadOne(f); };
  async function uploadOne(file) {
    const bar = h("progress", { max: "100", value: "0", "aria-label": t("uploading", { p: 0 }) + " " + file.name });
    const state = h("span", { class: "state", text: t("uploading", { p: 0 }) });
    // A crest (any image) is previewed from the local file before it is sent.
    const thumb = file.type.startsWith("image/") && file.type !== "image/tiff"
      ? h("img", { class: "thumb", src: URL.createObjectURL(file), alt: t("crest") + ": " + file.name, width: "64" }) : null;
    const item = h("li", { "data-file": file.name }, thumb, h("span", { class: "name", text: file.name + " (" + formatSize(file.size) + ")" }), bar, state);
    queue.append(item);
    const m = structuredClone(meta);
    const base = file.name.replace(/\.[^.]+$/, "");
    m.title = { sl: titleSl.value || base };
    if (titleEn.value) m.title.en = titleEn.value;
    if (language.value) m.language = language.value;
    if (attach.value) m.partnership_ids = [attach.value];
    try {
      const doc = await uploadFile(file, m, (phase, f) => {
        const p = Math.floor(f * 100);
        if (phase === "hash") { state.textContent = t("hashing") + " " + p + " %"; return; }
        bar.value = p;
        bar.setAttribute("aria-label", t("uploading", { p }) + " " + file.name);
        state.textContent = t("uploading", { p });
      });
      bar.value = 100;
      // Done once attached too: the partnership's next version exists by then.
      if (attach.value) await attachInTurn(attach.value, doc, role.value);
      item.dataset.done = "true";
      state.replaceChildren(t("uploadDone") + " — ", h("a", { href: "#/documents/" + doc.id, text: loc(doc.title, getLang()) }));
      announce(t("uploadDone") + ": " + file.name);
    } catch (e) {
      item.dataset.done = "false";
      if (e instanceof ApiError && e.status === 409 && e.problem.duplicate_of) {
        let title = e.problem.duplicate_of;
        try { title = loc((await api("/api/v1/documents/" + e.problem.duplicate_of)).title, getLang()) || title; } catch (x) { /* keep the id */ }
        state.replaceChildren(h("a", { href: "#/documents/" + e.problem.duplicate_of, class: "duplicate", text: t("duplicate", { title }) }));
      } else {
        state.textContent = t("uploadFailed") + ": " + problemText(e);
      }
      state.setAttribute("role", "alert");
    }
  }
  picker.addEventListener("change", () => { start(picker.files); });
  drop.addEventListener("dragover", e => { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", e => { e.preventDefault(); drop.classList.remove("over"); start(e.dataTransfer.files); });

  const params = new URLSearchParams(location.hash.split("?")[1] || "");
  const qs = new URLSearchParams({ per_page: "100" });
  for (const k of ["q", "kind", "status"]) if (params.get(k)) qs.set(k, params.get(k));
  const list = await api("/api/v1/documents?" + qs);
  const q = h("input", { type: "search", name: "q", value: params.get("q") || "" });
  const fk = select([["", t("all")], ...kinds.map(k => [k, t("kind_" + k)])], params.get("kind") || "", { name: "kind" });
  const fs = select([["", t("all")], ["active", t("doc_active")], ["withdrawn", t("doc_withdrawn")]], params.get("status") || "", { name: "status" });
  const filters = h("form", { class: "filters", role: "search", "aria-label": t("filter") }, field(t("search"), q), field(t("kind"), fk), field(t("status"), fs), h("button", { type: "submit", text: t("filter") }));
  filters.addEventListener("submit", ev => { ev.preventDefault(); const p = new URLSearchParams(); for (const [k, v] of new FormData(filters)) if (v) p.set(k, v); location.hash = "#/documents?" + p; });

  view.replaceChildren(h("h1", { text: t("documents") }),
    h("section", { class: "upload", "aria-labelledby": "upload-h" }, h("h2", { id: "upload-h", text: t("upload") }),
      h("div", { class: "grid" }, field(t("kind"), kind), field(t("title") + " (sl)", titleSl), field(t("title") + " (en)", titleEn), field(t("language_doc"), language),
        field(t("attachTo"), attach), field(t("role"), role)),
      provenanceFields(meta.provenance), drop, queue),
    filters, docTable(list.items, "/documents/"));
}

export function docTable(items, prefix) {
  if (!items.length) return h("p", { text: t("noResults") });
  return h("table", { class: "list", id: "document-list" },
    h("thead", {}, h("tr", {}, [t("title"), t("kind"), t("size"), t("status"), t("archivalRef")].map(c => h("th", { scope: "col", text: c })))),
    h("tbody", {}, items.map(d => h("tr", { "data-id": d.id },
      h("th", { scope: "row" }, h("a", { href: "#" + prefix + d.id, text: loc(d.title, getLang()) || d.file.original_filename })),
      h("td", { text: t("kind_" + d.kind) }), h("td", { text: formatSize(d.file.size) }),
      h("td", {}, h("span", { class: "badge", "data-status": d.status, text: t("doc_" + d.status) })),
      h("td", { text: (d.provenance && d.provenance.archival_ref) || "" })))));
}

// Uploads finish in any order; attaching edits one partnership record, so
// attachments run one after another to avoid racing each other's version.
let attaching = Promise.resolve();
function attachInTurn(pid, doc, role) {
  const next = attaching.then(() => attachTo(pid, doc, role));
  attaching = next.catch(() => {});
  return next;
}

/** attachTo adds doc to a partnership's documents (or as its crest). */
async function attachTo(pid, doc, role) {
  const p = await api("/api/v1/partnerships/" + pid);
  const patch = doc.kind === "crest" ? { crest_id: doc.id } : { documents: [...p.documents.filter(r => r.document_id !== doc.id), { document_id: doc.id, role }] };
  await api("/api/v1/partnerships/" + pid, { method: "PATCH", patch: true, body: patch, version: p.version });
}

export async function documentDetail(view, id, session) {
  let doc = await api("/api/v1/documents/" + encodeURIComponent(id));
  const partnerships = (await api("/api/v1/partnerships?per_page=100&sort=name")).items;
  const base0 = { kind: doc.kind, title: structuredClone(doc.title), language: doc.language, partnership_ids: doc.partnership_ids, provenance: structuredClone(doc.provenance || {}) };
  const draft = structuredClone(base0);
  const kind = select(kinds.map(k => [k, t("kind_" + k)]), draft.kind, { id: "doc-kind" });
  kind.onchange = () => { draft.kind = kind.value; };
  const titles = session.vocab.locales.map(l => {
    const e = h("input", { lang: l, value: draft.title[l] || "", id: "doc-title-" + l });
    e.addEventListener("input", () => { if (e.value) draft.title[l] = e.value; else delete draft.title[l]; });
    return field(t("title") + " (" + l + ")", e);
  });
  const preview = h("div", { class: "crest-preview", id: "crest-preview" });
  if (doc.kind === "crest") {
    fetchBlob("/api/v1/documents/" + doc.id + "/download").then(b => preview.replaceChildren(h("img", { src: URL.createObjectURL(b), alt: t("crest") + ": " + loc(doc.title, getLang()), width: "128" }))).catch(() => {});
  }
  const statusLine = h("p", { class: "badge", id: "doc-status", "data-status": doc.status, text: t("doc_" + doc.status) });
  const toggle = h("button", { type: "button", id: "doc-toggle" });
  const drawToggle = () => {
    statusLine.textContent = t("doc_" + doc.status); statusLine.dataset.status = doc.status;
    toggle.textContent = doc.status === "withdrawn" ? t("restoreDoc") : t("withdraw");
  };
  toggle.onclick = async () => {
    try {
      doc = doc.status === "withdrawn"
        ? await api("/api/v1/documents/" + doc.id + "/restore", { method: "POST", version: doc.version })
        : await api("/api/v1/documents/" + doc.id, { method: "DELETE", version: doc.version });
      drawToggle(); announce(t("doc_" + doc.status));
    } catch (e) { fail(e); }
  };
  drawToggle();
  const form = h("form", { class: "record", id: "doc-form" }, h("div", { class: "grid" }, field(t("kind"), kind), titles), provenanceFields(draft.provenance),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "primary", text: t("save") }), toggle));
  form.addEventListener("submit", async ev => {
    ev.preventDefault();
    try {
      doc = await api("/api/v1/documents/" + doc.id, { method: "PATCH", patch: true, body: mergePatch(base0, draft), version: doc.version });
      Object.assign(base0, structuredClone(draft));
      announce(t("saved"));
    } catch (e) { fail(e); }
  });
  const pick = select(partnerships.map(p => [p.id, loc(p.partner.name, "sl")]), "", { id: "doc-attach" });
  const role = select(["agreement", "overview", "publication"].map(x => [x, t("docrole_" + x)]), "agreement", { id: "doc-attach-role" });
  const f = doc.file;
  const alternative = await alternativeSection(() => doc, d => { doc = d; });
  view.replaceChildren(h("p", {}, h("a", { href: "#/documents", text: "← " + t("back") })),
    h("h1", { text: loc(doc.title, getLang()) || f.original_filename }), statusLine, preview,
    h("dl", { class: "facts" }, [[t("filename"), f.original_filename], [t("size"), formatSize(f.size)], [t("type"), f.content_type], [t("sha"), f.sha256]]
      .map(([k, v]) => [h("dt", { text: k }), h("dd", { text: v })])),
    doc.status === "withdrawn" ? null : h("p", {}, h("button", { type: "button", id: "doc-download", text: dw("downloadFile"), onclick: async () => {
      try { await download(documentLink(doc.id)); } catch (e) { fail(e); }
    } })),
    accessibilitySection(doc),
    alternative,
    form,
    h("section", { "aria-labelledby": "attach-h" }, h("h2", { id: "attach-h", text: t("attachTo") }),
      h("div", { class: "inline" }, field(t("partnership"), pick), field(t("role"), role),
        h("button", { type: "button", id: "doc-attach-btn", text: t("attach"), onclick: async () => {
          try { await attachTo(pick.value, doc, role.value); announce(t("saved")); } catch (e) { fail(e); }
        } }))));
}

/** accessibilitySection shows a PDF's accessibility facts and the plain advice for each missing one. */
function accessibilitySection(doc) {
  if (doc.file.content_type !== "application/pdf") return null;
  const a = doc.accessibility;
  const lang = getLang() === "sl" ? "sl" : "en";
  const body = !a ? [h("p", { id: "a11y-pending", text: t("a11yPending") })] : [
    h("dl", { class: "facts", id: "a11y-facts" }, [[t("a11y_text_layer"), a.text_layer ? t("yes") : t("no")], [t("a11y_tagged"), a.tagged ? t("yes") : t("no")],
      [t("a11y_language"), a.language || t("no")], [t("a11y_pdfua"), a.pdfua || t("no")], [t("a11y_pdfa"), a.pdfa || t("no")]]
      .map(([k, v]) => [h("dt", { text: k }), h("dd", { text: v })])),
    a.advice.length ? h("ul", { class: "advice", id: "a11y-advice" }, ...a.advice.map(x => h("li", { "data-fact": x.fact, text: x[lang] })))
      : h("p", { id: "a11y-ok", text: t("a11yOk") })];
  return h("section", { "aria-labelledby": "a11y-h" }, h("h2", { id: "a11y-h", text: t("a11y") }), ...body);
}

// Archivists: search with every archive filter, a document's file facts,
// provenance and event history, the fixity check, the audit and BagIt.
import { api } from "./api.js";
import { t, getLang } from "./i18n.js";
import { h, field, select, announce, formatSize, formatTime } from "./dom.js";
import { eventDetail } from "./event_words.js";
import { download, originalLink, bagLink, dw } from "./downloads.js";
import { fail } from "./app.js";
import { actorName } from "./workflow.js";
import { w } from "./workflow_words.js";

// The last search's address, so "← Nazaj" from a document returns to its filters.
const LAST = "twincms.archiveSearch";

const kinds = ["charter", "agreement", "publication", "overview", "crest", "scan"];
const loc = (v, l) => (v && (v[l] || v.sl || Object.values(v)[0])) || "";

function auditText(st) {
  if (st.current) return t("auditRunning", { checked: st.current.checked, total: st.current.total });
  if (st.last) return t("lastAudit", { at: formatTime(st.last.finished_at || st.last.started_at), checked: st.last.checked, ok: st.last.ok, failed: st.last.failed });
  return t("noAudit");
}

export async function auditPanel() {
  const text = h("p", { id: "audit-state", "aria-live": "polite" });
  const draw = async () => { text.textContent = auditText(await api("/api/v1/archive/fixity")); };
  await draw();
  return h("section", { "aria-labelledby": "audit-h", class: "panel" }, h("h2", { id: "audit-h", text: t("audit") }), text,
    h("button", { type: "button", id: "run-audit", text: t("runNow"), onclick: async () => {
      try { await api("/api/v1/archive/fixity/run", { method: "POST" }); await draw(); announce(text.textContent); } catch (e) { fail(e); }
    } }));
}

export async function archiveSearch(view) {
  sessionStorage.setItem(LAST, location.hash.startsWith("#/archive") ? location.hash : "#/archive");
  const partnerships = (await api("/api/v1/archive/partnerships")).items;
  const params = new URLSearchParams(location.hash.split("?")[1] || "");
  const pOpts = partnerships.map(p => [p.id, p.name]);
  const inputs = {
    q: h("input", { type: "search", name: "q", value: params.get("q") || "" }),
    partnership: select([["", t("all")], ...pOpts], params.get("partnership") || "", { name: "partnership" }),
    kind: select([["", t("all")], ...kinds.map(k => [k, t("kind_" + k)])], params.get("kind") || "", { name: "kind" }),
    year_from: h("input", { type: "number", name: "year_from", min: "1900", value: params.get("year_from") || "" }),
    year_to: h("input", { type: "number", name: "year_to", min: "1900", value: params.get("year_to") || "" }),
    sha256: h("input", { name: "sha256", value: params.get("sha256") || "", spellcheck: "false" }),
    status: select([["", t("all")], ["active", t("doc_active")], ["withdrawn", t("doc_withdrawn")]], params.get("status") || "", { name: "status" }),
  };
  const labels = { q: t("search"), partnership: t("partnership"), kind: t("kind"), year_from: t("yearFrom"), year_to: t("yearTo"), sha256: t("sha"), status: t("status") };
  const form = h("form", { class: "filters", role: "search", id: "archive-search", "aria-label": t("searchArchive") },
    Object.entries(inputs).map(([k, e]) => field(labels[k], e)), h("button", { type: "submit", text: t("search") }));
  form.addEventListener("submit", ev => {
    ev.preventDefault();
    const p = new URLSearchParams(); for (const [k, v] of new FormData(form)) if (v) p.set(k, v);
    location.hash = "#/archive?" + p;
  });
  const qs = new URLSearchParams({ per_page: "100" });
  for (const k of Object.keys(inputs)) if (params.get(k)) qs.set(k, params.get(k));
  let results;
  try { results = archiveTable((await api("/api/v1/archive/documents?" + qs)).items, partnerships); } catch (e) { fail(e); results = h("p"); }
  const bagPick = select(pOpts, "", { id: "bag-partnership" });
  const bag = h("section", { "aria-labelledby": "bag-h", class: "panel" }, h("h2", { id: "bag-h", text: t("bag") }),
    h("div", { class: "inline" }, field(t("partnership"), bagPick),
      h("button", { type: "button", id: "bag-download", text: t("bag"), onclick: async () => {
        try {
          const p = partnerships.find(x => x.id === bagPick.value);
          const link = await download(bagLink(bagPick.value));
          announce(dw("bagStarted", { name: p ? p.name : bagPick.value, file: link.filename }));
        } catch (e) { fail(e); }
      } })));
  view.replaceChildren(h("h1", { text: t("searchArchive") }), form, h("div", { id: "archive-results" }, results), await auditPanel(), bag);
}

/**
 * archiveTable lists found documents with what tells two charters of one
 * title apart: the kind, the partnership and the original's year.
 */
function archiveTable(items, partnerships) {
  if (!items.length) return h("p", { text: t("noResults") });
  const names = new Map(partnerships.map(p => [p.id, p.name]));
  const year = d => ((/^(\d{4})/.exec((d.provenance && d.provenance.original_date) || "") || [])[1]) || "";
  return h("table", { class: "list", id: "document-list" },
    h("caption", { class: "vh", text: t("searchArchive") + " (" + items.length + ")" }),
    h("thead", {}, h("tr", {}, [t("title"), t("kind"), t("partnership"), t("year"), t("size"), t("status"), t("archivalRef")].map(c => h("th", { scope: "col", text: c })))),
    h("tbody", {}, items.map(d => h("tr", { "data-id": d.id },
      h("th", { scope: "row" }, h("a", { href: "#/archive/" + d.id, text: loc(d.title, getLang()) || d.file.original_filename })),
      h("td", { text: t("kind_" + d.kind) }),
      h("td", { text: (d.partnership_ids || []).map(id => names.get(id)).filter(Boolean).join(", ") }),
      h("td", { text: year(d) }),
      h("td", { text: formatSize(d.file.size) }),
      h("td", {}, h("span", { class: "badge", "data-status": d.status, text: t("doc_" + d.status) })),
      h("td", { text: (d.provenance && d.provenance.archival_ref) || "" })))));
}

export async function archiveDetail(view, id) {
  const { document: d, events } = await api("/api/v1/archive/documents/" + encodeURIComponent(id));
  const evList = h("ol", { class: "events", id: "events" });
  // Events in words ("Celovitost potrjena", not fixity_ok), by a name, not a token id.
  const drawEvents = evs => evList.replaceChildren(...evs.map(e => h("li", { "data-type": e.type },
    h("strong", { text: w("ev_" + e.type) !== "ev_" + e.type ? w("ev_" + e.type) : w("ev_other", { type: e.type }) }), " · " + formatTime(e.at) + " · ", h("span", { class: "actor", text: actorName(e.who, e.actor) }),
    // The event's record (type, size, checksum, format) in the interface language (event_words.js).
    e.detail ? [" · ", ...eventDetail(e)] : "")));
  drawEvents(events);
  const result = h("p", { id: "fixity-result", role: "status" });
  const f = d.file, p = d.provenance || {};
  view.replaceChildren(h("p", {}, h("a", { href: sessionStorage.getItem(LAST) || "#/archive", id: "archive-back", text: "← " + t("back") })),
    h("h1", { text: loc(d.title, getLang()) || f.original_filename }),
    h("p", { class: "badge", "data-status": d.status, text: t("doc_" + d.status) }),
    h("h2", { text: t("file") }),
    h("dl", { class: "facts", id: "file-facts" }, [[t("filename"), f.original_filename], [t("size"), formatSize(f.size) + " (" + f.size + " B)"], [t("type"), f.content_type], [t("sha"), f.sha256], [t("kind"), t("kind_" + d.kind)]]
      .map(([k, v]) => [h("dt", { text: k }), h("dd", { text: v })])),
    h("div", { class: "actions" },
      h("button", { type: "button", id: "check-fixity", text: t("checkFixity"), onclick: async () => {
        try {
          const ev = await api("/api/v1/archive/documents/" + d.id + "/fixity", { method: "POST" });
          result.textContent = ev.type === "fixity_ok" ? t("fixityOk") : t("fixityFailed");
          result.dataset.result = ev.type;
          drawEvents((await api("/api/v1/archive/documents/" + d.id)).events);
        } catch (e) { fail(e); }
      } }),
      h("button", { type: "button", id: "download-original", text: dw("downloadOriginal"), onclick: async () => {
        try { await download(originalLink(d.id)); } catch (e) { fail(e); }
      } })),
    result,
    h("h2", { text: t("provenance") }),
    h("dl", { class: "facts" }, [[t("source"), p.source], [t("archivalRef"), p.archival_ref], [t("originalDate"), p.original_date], [t("custodian"), p.custodian], [t("notes"), p.notes]]
      .map(([k, v]) => [h("dt", { text: k }), h("dd", { text: v || "—" })])),
    h("h2", { text: t("events") }), evList);
}

// Partnerships: the list (filters, Slovenian name order, page order with
// keyboard-operable move buttons) and the editor of every field.
import { api } from "./api.js";
import { t, getLang } from "./i18n.js";
import { h, field, select, announce } from "./dom.js";
import { editRecord, localeTabs, fallbackFor } from "./content.js";
import { fail } from "./app.js";
import { kept } from "./blocks.js";
import { countryPicker, countryName } from "./countries.js";
import { m } from "./messages.js";
import { richEditor } from "./richtext.js";
import { bulkActions, columnHeader, takeResult } from "./lists.js";
import { allItems, docLabel, docOptions, dragHandle, partnershipNames } from "./pickers.js";
import { fieldDrop } from "./fielddrop.js";
import { libraryButton } from "./libpicker.js";
import { mw } from "./media_words.js";
import { statusBadge } from "./workflow.js";

export function label(term, fallback) {
  return term ? (term.labels[getLang()] || term.labels.sl || term.code) : fallback;
}

const loc = (v, l) => (v && (v[l] || v.sl || Object.values(v)[0])) || "";

export async function partnershipList(view, session) {
  const v = session.vocab;
  const params = new URLSearchParams(location.hash.split("?")[1] || "");
  const q = h("input", { type: "search", name: "q", value: params.get("q") || "" });
  const st = select([["", t("all")], ...["draft", "published", "archived"].map(s => [s, t("status_" + s)])], params.get("status") || "", { name: "status" });
  const rel = select([["", t("all")], ...v.relations.map(r => [r.code, label(r)])], params.get("relation") || "", { name: "relation" });
  const country = h("input", { name: "country", maxlength: "2", size: "3", value: params.get("country") || "" });
  // The order is chosen by the column headers; the filters keep it.
  const sort = h("input", { type: "hidden", name: "sort", value: params.get("sort") || "" });
  const form = h("form", { class: "filters", role: "search", "aria-label": t("filter") },
    field(t("search"), q), field(t("statusCol"), st), field(t("relation"), rel), field(t("country"), country), sort,
    h("button", { type: "submit", text: t("filter") }));
  const filterParams = () => {
    const p = new URLSearchParams();
    for (const [k, val] of new FormData(form)) if (val) p.set(k, val);
    if (params.get("per_page")) p.set("per_page", params.get("per_page"));
    return p;
  };
  form.addEventListener("submit", ev => {
    ev.preventDefault();
    location.hash = "#/partnerships?" + filterParams();
  });
  // Search as you type: the list follows the box after a pause, the
  // address keeps the filters (Back from a record returns to them), and
  // the box keeps the focus and what is being typed.
  let typing = 0;
  q.addEventListener("input", () => {
    clearTimeout(typing);
    typing = setTimeout(async () => {
      history.replaceState(null, "", "#/partnerships?" + filterParams());
      const typed = q.value;
      try { await partnershipList(view, session); } catch (e) { fail(e); return; }
      const again = view.querySelector('input[name="q"]');
      if (!again) return;
      again.focus();
      if (q.value !== typed) { again.value = q.value; again.dispatchEvent(new Event("input")); }
      again.setSelectionRange(again.value.length, again.value.length);
    }, 350);
  });
  const page = Math.max(1, parseInt(params.get("page") || "1", 10) || 1);
  const perPage = Math.min(100, Math.max(1, parseInt(params.get("per_page") || "100", 10) || 100));
  const query = new URLSearchParams({ per_page: String(perPage), sort: params.get("sort") || "sort", page: String(page) });
  for (const k of ["q", "status", "relation", "country"]) if (params.get(k)) query.set(k, params.get(k));
  const list = await api("/api/v1/partnerships?" + query);
  const pages = Math.max(1, Math.ceil(list.total / perPage));
  // Moving rows renumbers the whole order: only when all of it is on screen.
  const ordering = pages === 1 && query.get("sort") === "sort" && !["q", "status", "relation", "country"].some(k => params.get(k));
  const pageLink = n => { const p = new URLSearchParams(params); p.set("page", String(n)); return "#/partnerships?" + p; };
  const pager = pages > 1 ? h("nav", { class: "pager", "aria-label": m("pages") },
    page > 1 ? h("a", { href: pageLink(page - 1), rel: "prev", text: "← " + m("prevPage") }) : null,
    h("span", { text: m("pageOf", { page, pages }) }),
    page < pages ? h("a", { href: pageLink(page + 1), rel: "next", text: m("nextPage") + " →" }) : null) : null;
  const rows = list.items;
  const name = p => loc(p.partner.name, "sl") || p.slug;
  const bulk = bulkActions("partnerships", rows, name, async () => {
    await partnershipList(view, session);
    const r = view.querySelector("#bulk-result");
    if (r) r.focus();
  });
  const head = (label, key) => columnHeader(label, key, "#/partnerships", params, "sort");
  // moveTo puts row from at position to and renumbers the page order;
  // focus returns to the control that moved it (a button or the handle).
  const moveTo = async (from, to, focusSel) => {
    const order = rows.slice();
    order.splice(to, 0, ...order.splice(from, 1));
    try {
      for (let j = 0; j < order.length; j++) {
        const want = (j + 1) * 10;
        if (order[j].sort !== want) order[j] = await api("/api/v1/partnerships/" + order[j].id, { method: "PATCH", patch: true, body: { sort: want }, version: order[j].version });
      }
      announce(t("saved"));
      await partnershipList(view, session);
      const again = view.querySelector(`tr[data-key="${rows[from].id}"] ${focusSel}`) || view.querySelector("h1");
      again.focus();
    } catch (e) { fail(e); }
  };
  const move = (i, d) => moveTo(i, i + d, `[data-move="${d < 0 ? "up" : "down"}"]`);
  const tbody = h("tbody");
  const table = rows.length ? h("table", { class: "list", id: "partnership-list" },
    h("caption", { text: t("partnerships") + " (" + list.total + ")" }),
    h("thead", {}, h("tr", {}, bulk.headCell(), head(t("name"), "name"), head(t("statusCol"), "status"), head(t("relation"), "relation"),
      head(t("country"), "country"), head(t("year"), null), head(t("order"), "sort"))),
    (tbody.append(...rows.map((p, i) => h("tr", { "data-slug": p.slug, "data-key": ordering ? p.id : null }, bulk.cell(p),
      h("th", { scope: "row" }, h("a", { href: "#/partnerships/" + p.id, text: loc(p.partner.name, "sl") })),
      h("td", {}, statusBadge(p)),
      h("td", { text: label(v.relations.find(r => r.code === p.relation), p.relation) }),
      h("td", { text: p.partner.country ? countryName(p.partner.country) : "" }),
      h("td", { text: p.agreements.map(a => a.year).join(", ") }),
      ordering ? h("td", { class: "order" },
        dragHandle(tbody, loc(p.partner.name, "sl"), i, (from, to) => (from === to ? partnershipList(view, session) : moveTo(from, to, ".drag"))),
        h("button", { type: "button", "data-move": "up", "data-id": p.id, disabled: i === 0, "aria-label": t("moveUp") + ": " + loc(p.partner.name, "sl"), text: "↑", onclick: () => move(i, -1) }),
        h("button", { type: "button", "data-move": "down", "data-id": p.id, disabled: i === rows.length - 1, "aria-label": t("moveDown") + ": " + loc(p.partner.name, "sl"), text: "↓", onclick: () => move(i, 1) }))
        : h("td", { class: "order", text: String(p.sort ?? "") })))), tbody)) :
    h("p", { text: t("noResults") });
  view.replaceChildren(...[h("h1", { text: t("partnerships"), tabindex: "-1" }),
    h("p", {}, h("a", { class: "button primary", href: "#/partnerships/new", id: "new-partnership", text: t("newPartnership") })), form,
    takeResult("partnerships"), rows.length ? bulk.bar : null, table, pager].filter(Boolean));
}

/** slugify is a name as a slug: no diacritics, lower case, words joined by hyphens. */
export function slugify(name) {
  return name.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "d").toLowerCase()
    .replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 80).replace(/-+$/, "");
}

const blank = {
  slug: "", relation: "twin", partner: { name: {}, official_name: {}, country: "", website: "" },
  agreements: [], areas: [], summary: {}, body: {}, documents: [], sort: 0,
};

/** nextSort is the page order after every stored partnership's: a new one lands last, not above Valjevo. */
async function nextSort() {
  const first = await api("/api/v1/partnerships?per_page=100&sort=sort");
  const last = first.total > first.items.length
    ? await api("/api/v1/partnerships?per_page=100&sort=sort&page=" + Math.ceil(first.total / 100))
    : first;
  return Math.max(0, ...first.items.map(p => p.sort || 0), ...last.items.map(p => p.sort || 0)) + 10;
}

/**
 * bindText is an input bound to obj[key]. A whole-number field
 * (attrs.whole) is a text box with a numeric keyboard, not type=number:
 * Chromium's number box drops letters as they are typed and reports ""
 * for "19x5", so the editor would neither see what was typed nor be told
 * why. Whatever is not a whole number goes to the server as typed and
 * comes back as a wrong_type error beside the field.
 */
function bindText(obj, key, attrs = {}, tag = "input") {
  const { whole, optional, ...rest } = attrs;
  const e = h(tag, whole ? { ...rest, type: "text", inputmode: "numeric", autocomplete: "off", spellcheck: "false", "data-whole": "true", value: obj[key] ?? "" }
    : { ...rest, value: obj[key] ?? "" });
  e.addEventListener("input", () => {
    const v = e.value.trim();
    if (whole) obj[key] = v === "" ? 0 : /^[+-]?\d+$/.test(v) ? Number(v) : e.value;
    else if (e.value === "" && optional) delete obj[key];
    else obj[key] = e.value;
  });
  return e;
}

export async function partnershipEdit(view, id, session) {
  const v = session.vocab;
  const [docs, names] = await Promise.all([allItems("/api/v1/documents"), partnershipNames()]);
  const docTitle = d => docLabel(d, names);
  await editRecord(view, "partnerships", id, {
    blank: id === "new" ? { ...structuredClone(blank), sort: await nextSort() } : blank,
    title: d => loc(d.partner.name, "sl") || t("newPartnership"),
    after: rec => kept(rec, "summary"),
    form: d => {
      d.partner.name ||= {}; d.partner.official_name ||= {}; d.summary ||= {}; d.body ||= {};
      const agreementsBox = h("div", { class: "agreements" });
      const docsBox = h("div", { class: "doclinks" });
      let tabs;
      const drawAgreements = () => {
        agreementsBox.replaceChildren(...d.agreements.map((a, i) => h("fieldset", { class: "agreement" },
          h("legend", { text: t("agreement") + " " + (i + 1) }),
          field(t("agreementKind"), (() => { const s = select(v.agreement_kinds.map(k => [k.code, label(k)]), a.kind, { "data-pointer": "/agreements/" + i + "/kind" }); s.onchange = () => { a.kind = s.value; }; return s; })()),
          field(t("year"), bindText(a, "year", { whole: true, "data-pointer": "/agreements/" + i + "/year" })),
          field(t("date"), bindText(a, "date", { type: "date", optional: true, "data-pointer": "/agreements/" + i + "/date" })),
          (() => {
            const s = select([["", t("none")], ...docOptions(docs.filter(x => x.kind !== "crest"), names)], a.document_id || "", { id: "agreement" + i + "-document", "data-pointer": "/agreements/" + i + "/document_id" });
            s.onchange = () => { if (s.value) a.document_id = s.value; else delete a.document_id; };
            const lib = libraryButton({ id: "agreement" + i + "-library", field: t("document") + " (" + t("agreement") + " " + (i + 1) + ")", title: mw("libAgreementTitle"), docs: () => docs.filter(x => x.kind !== "crest" && x.status !== "withdrawn"), names,
              picked: doc => { s.value = doc.id; s.dispatchEvent(new Event("change", { bubbles: true })); } });
            return h("div", { class: "field-with-library" }, field(t("document"), s), lib);
          })(),
          h("p", { class: "hint", text: m("agreementTexts") }),
          h("button", { type: "button", text: t("removeAgreement"), onclick: () => { d.agreements.splice(i, 1); redraw(); } }))));
      };
      const drawDocs = () => {
        const ol = h("ol", { class: "picked-blocks", id: "doc-order" });
        const moveDoc = (from, to) => {
          if (from !== to) d.documents.splice(to, 0, ...d.documents.splice(from, 1));
          const moved = d.documents[to].document_id;
          drawDocs();
          docsBox.dispatchEvent(new Event("change", { bubbles: true }));
          const again = docsBox.querySelector(`li[data-key="${CSS.escape(moved)}"] .drag`);
          if (again) again.focus();
        };
        docsBox.replaceChildren(h("p", { class: "hint", text: m("docOrderHelp") }), ol);
        ol.append(...d.documents.map((r, i) => {
          const doc = docs.find(x => x.id === r.document_id);
          const role = select(["agreement", "overview", "publication"].map(x => [x, t("docrole_" + x)]), r.role, { "aria-label": t("role") + ": " + (doc ? docTitle(doc) : r.document_id) });
          role.onchange = () => { r.role = role.value; };
          return h("li", { "data-document": r.document_id, "data-key": r.document_id }, dragHandle(ol, doc ? docTitle(doc) : r.document_id, i, moveDoc),
            h("span", { class: "picked-name", text: doc ? docTitle(doc) : r.document_id }), " ", role,
            h("button", { type: "button", disabled: i === 0, "aria-label": t("moveUp") + ": " + (doc ? docTitle(doc) : r.document_id), text: "↑", onclick: () => moveDoc(i, i - 1) }),
            h("button", { type: "button", disabled: i === d.documents.length - 1, "aria-label": t("moveDown") + ": " + (doc ? docTitle(doc) : r.document_id), text: "↓", onclick: () => moveDoc(i, i + 1) }),
            h("button", { type: "button", text: t("detach"), onclick: () => { d.documents.splice(i, 1); drawDocs(); } }));
        }));
        const pick = select([["", t("none")], ...docOptions(docs.filter(x => x.kind !== "crest" && !d.documents.some(r => r.document_id === x.id)), names)], "", { id: "attach-doc" });
        const role = select(["agreement", "overview", "publication"].map(x => [x, t("docrole_" + x)]), "agreement", { id: "attach-role" });
        // From the library: the chosen card is attached at once, in the role chosen here.
        const lib = libraryButton({ id: "attach-library", field: t("documents"), title: mw("libDocTitle"), names,
          docs: () => docs.filter(x => x.kind !== "crest" && x.status !== "withdrawn" && !d.documents.some(r => r.document_id === x.id)),
          picked: doc => {
            d.documents.push({ document_id: doc.id, role: role.value });
            drawDocs();
            docsBox.dispatchEvent(new Event("change", { bubbles: true }));
          } });
        docsBox.append(h("div", { class: "inline" }, field(t("document"), pick), field(t("role"), role),
          h("button", { type: "button", id: "attach", text: t("attach"), onclick: () => { if (pick.value) { d.documents.push({ document_id: pick.value, role: role.value }); drawDocs(); } } }), lib));
      };
      const localePanel = l => {
        const lt = (obj, key, tag, name, pointer) => {
          const e = h(tag, { id: l + "-" + name, value: obj[key] ?? "", rows: tag === "textarea" ? "5" : null, "data-pointer": pointer + "/" + l });
          e.addEventListener("input", () => { if (e.value) obj[key] = e.value; else delete obj[key]; });
          return e;
        };
        return h("div", {},
          field(t("name"), lt(d.partner.name, l, "input", "name", "/partner/name")),
          field(t("officialName"), lt(d.partner.official_name, l, "input", "official", "/partner/official_name")),
          richEditor(d.summary, l, { label: t("summary"), id: l + "-summary", pointer: "/summary/" + l, lang: l }),
          richEditor(d.body, l, { label: t("body"), id: l + "-body", pointer: "/body/" + l, lang: l }),
          d.agreements.map((a, i) => { a.title ||= {}; a.parties ||= {}; return h("fieldset", {}, h("legend", { text: t("agreement") + " " + (i + 1) }), field(t("title"), lt(a.title, l, "input", "agreement" + i + "-title", "/agreements/" + i + "/title")), field(t("parties"), lt(a.parties, l, "input", "agreement" + i + "-parties", "/agreements/" + i + "/parties"))); }));
      };
      const tabsBox = h("div");
      const redraw = () => {
        drawAgreements();
        // A locale lacks the name, or a summary written in another locale; a
        // summary written nowhere yet is nothing to translate.
        tabs = localeTabs(v.locales, localePanel, l => fallbackFor(d.partner.name, l, v) || [fallbackFor(d.summary, l, v)].find(fb => fb !== "—") || null);
        tabsBox.replaceChildren(tabs.el);
      };
      const crest = select([["", t("none")], ...docOptions(docs.filter(x => x.kind === "crest"), names)], d.crest_id || "", { id: "crest", "data-pointer": "/crest_id" });
      // Said before publishing is refused: the chosen crest lacks alt text
      // in a language the partnership is named in (the public page would
      // show an image a screen reader cannot describe).
      const crestNote = () => {
        const doc = docs.find(x => x.id === d.crest_id);
        const hint = document.getElementById("crest-hint");
        if (!hint) return;
        const missing = !doc || doc.decorative ? [] : Object.keys(d.partner.name || {})
          .filter(l => (d.partner.name[l] || "").trim() && !((doc.alt || {})[l] || "").trim());
        hint.textContent = missing.length ? m("crestNoAlt", { locales: missing.map(l => l.toUpperCase()).join(", ") }) : m("crestHelp");
        hint.classList.toggle("warning", missing.length > 0);
      };
      crest.onchange = () => { if (crest.value) d.crest_id = crest.value; else delete d.crest_id; crestNote(); };
      const recordID = () => (id === "new" ? null : id);
      const known = doc => { if (!docs.some(x => x.id === doc.id)) docs.push(doc); };
      // Files dropped on the crest or the documents are uploaded, then picked.
      const crestDrop = fieldDrop({ id: "crest-drop", label: mw("dropCrestFile"), kind: () => "crest", accept: "image/png,image/jpeg,image/webp",
        image: true, partnershipID: recordID, picked: doc => {
          known(doc);
          if (![...crest.options].some(o => o.value === doc.id)) crest.append(h("option", { value: doc.id, text: docTitle(doc) }));
          crest.value = doc.id;
          crest.dispatchEvent(new Event("change", { bubbles: true }));
        } });
      const crestLib = libraryButton({ id: "crest-library", field: t("crest"), title: mw("libCrestTitle"), names,
        docs: () => docs.filter(x => x.kind === "crest" && x.status !== "withdrawn"),
        picked: doc => { crest.value = doc.id; crest.dispatchEvent(new Event("change", { bubbles: true })); } });
      const roleNow = () => (document.getElementById("attach-role") || {}).value || "agreement";
      const docsDrop = fieldDrop({ id: "docs-drop", label: mw("dropDocFiles"), kind: roleNow, accept: ".pdf,.png,.jpg,.jpeg,.tif,.tiff,.webp,application/pdf,image/*",
        partnershipID: recordID, picked: doc => {
          known(doc);
          if (!d.documents.some(r => r.document_id === doc.id)) d.documents.push({ document_id: doc.id, role: roleNow() });
          drawDocs();
          docsBox.dispatchEvent(new Event("change", { bubbles: true }));
        } });
      const rel = select(v.relations.map(r => [r.code, label(r)]), d.relation, { id: "relation", "data-pointer": "/relation" });
      rel.onchange = () => { d.relation = rel.value; };
      const areas = h("fieldset", { class: "areas", "data-pointer": "/areas" }, h("legend", { text: t("areas") }), v.areas.map(a => h("label", {},
        h("input", { type: "checkbox", value: a.code, checked: d.areas.includes(a.code), onchange: e => { d.areas = e.target.checked ? [...d.areas, a.code] : d.areas.filter(x => x !== a.code); } }), " " + label(a))));
      redraw(); drawDocs();
      // A new record's slug follows its Slovenian name until the editor
      // types one ("Šentjakob v Rožu" → sentjakob-v-rozu).
      const slugInput = bindText(d, "slug", { required: true, pattern: "[a-z0-9-]+", id: "slug", "data-pointer": "/slug" });
      let slugTyped = !!d.slug;
      slugInput.addEventListener("input", () => { slugTyped = true; });
      tabsBox.addEventListener("input", ev => {
        if (slugTyped || ev.target.id !== "sl-name" || !location.hash.endsWith("/new")) return;
        slugInput.value = d.slug = slugify(ev.target.value);
        slugInput.dispatchEvent(new Event("change", { bubbles: true })); // takes a slug error away
      });
      tabsBox.addEventListener("input", crestNote);
      setTimeout(crestNote);
      return h("div", { class: "grid" },
        h("section", { "aria-label": t("partnership") },
          field(t("slug"), slugInput, m("slugHelp")),
          field(t("relation"), rel),
          field(t("country"), countryPicker(d.partner, "country", { id: "country", "data-pointer": "/partner/country" }), m("countryHelp")),
          field(t("website"), bindText(d.partner, "website", { type: "url", id: "website", optional: true, "data-pointer": "/partner/website" })),
          field(t("order"), bindText(d, "sort", { whole: true, id: "sort", "data-pointer": "/sort" })),
          field(t("crest"), crest, m("crestHelp")), crestLib, crestDrop, areas),
        h("section", { "aria-label": t("contentLocale"), class: "wide" }, h("h2", { text: t("contentLocale") }), tabsBox),
        h("section", { "aria-label": t("agreements") }, h("h2", { text: t("agreements") }), agreementsBox,
          h("button", { type: "button", id: "add-agreement", text: t("addAgreement"), onclick: () => { d.agreements.push({ kind: v.agreement_kinds[0].code, title: {}, year: new Date().getFullYear() }); redraw(); } })),
        h("section", { "aria-label": t("documents") }, h("h2", { text: t("documents") }), docsBox, docsDrop));
    },
  });
}

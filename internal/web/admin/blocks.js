// Content blocks (rich text with a few formatting buttons, and what the
// server kept after sanitizing) and pages (title, blocks, partnerships).
import { api } from "./api.js";
import { t, getLang } from "./i18n.js";
import { h, field, formatTime } from "./dom.js";
import { m } from "./messages.js";
import { bulkActions, columnHeader, hashParams, takeResult, w } from "./lists.js";
import { editRecord, localeTabs, fallbackFor } from "./content.js";
import { richEditor } from "./richtext.js";
import { allItems, blockPicker } from "./pickers.js";
import { statusBadge } from "./workflow.js";

/**
 * listScreen draws the block or page list: sortable columns (the order in
 * the address), pages of 100, bulk publish / unpublish / archive.
 */
async function listScreen(view, kind, heading, newLabel, keyField) {
  const params = hashParams();
  const sorts = [keyField, "status", "updated_at"];
  const sort = sorts.some(k => params.get("sort") === k || params.get("sort") === "-" + k) ? params.get("sort") : keyField;
  const page = Math.max(1, parseInt(params.get("page") || "1", 10) || 1);
  const list = await api("/api/v1/" + kind + "?" + new URLSearchParams({ per_page: "100", sort, page: String(page) }));
  const items = list.items;
  const name = x => x[keyField];
  const reload = async () => {
    await listScreen(view, kind, heading, newLabel, keyField);
    const r = view.querySelector("#bulk-result");
    if (r) r.focus();
  };
  const bulk = bulkActions(kind, items, name, reload);
  const route = "#/" + kind;
  const pages = Math.max(1, Math.ceil(list.total / 100));
  const pageLink = n => { const p = new URLSearchParams(params); p.set("page", String(n)); return route + "?" + p; };
  const pager = pages > 1 ? h("nav", { class: "pager", "aria-label": m("pages") },
    page > 1 ? h("a", { href: pageLink(page - 1), rel: "prev", text: "← " + m("prevPage") }) : null,
    h("span", { text: m("pageOf", { page, pages }) }),
    page < pages ? h("a", { href: pageLink(page + 1), rel: "next", text: m("nextPage") + " →" }) : null) : null;
  view.replaceChildren(...[h("h1", { text: heading, tabindex: "-1" }),
    h("p", {}, h("a", { class: "button primary", href: route + "/new", id: "new-" + kind, text: newLabel })),
    takeResult(kind),
    items.length ? [bulk.bar, h("table", { class: "list", id: kind + "-list" },
      h("caption", { text: heading + " (" + list.total + ")" }),
      h("thead", {}, h("tr", {}, bulk.headCell(), columnHeader(t(keyField === "key" ? "key" : "slug"), keyField, route, params, keyField),
        columnHeader(w("title"), null), columnHeader(t("statusCol"), "status", route, params, keyField),
        columnHeader(t("version", { n: "" }).trim(), null), columnHeader(w("updated"), "updated_at", route, params, keyField))),
      h("tbody", {}, items.map(x => h("tr", { "data-key": name(x) }, bulk.cell(x),
        h("th", { scope: "row" }, h("a", { href: route + "/" + x.id, text: name(x) })),
        h("td", { text: (x.title && (x.title[getLang()] || x.title.sl || Object.values(x.title)[0])) || "" }),
        h("td", {}, statusBadge(x)),
        h("td", { text: String(x.version) }), h("td", { text: formatTime(x.updated_at) })))))]
      : h("p", { text: t("noResults") }),
    pager].flat().filter(Boolean));
}

export async function blockList(view) {
  await listScreen(view, "blocks", t("blocks"), t("newBlock"), "key");
}

export async function pageList(view) {
  await listScreen(view, "pages", t("pages"), t("newPage"), "slug");
}

/** kept shows the sanitized HTML the server stored for a localized rich-text field, rendered and as source. */
export function kept(rec, key = "body") {
  return h("section", { "aria-labelledby": "kept-h", class: "panel", id: "kept" }, h("h2", { id: "kept-h", text: t("keptByServer") + ": " + t(key) }),
    Object.entries(rec[key] || {}).map(([l, html]) => h("div", { lang: l, "data-locale": l },
      h("h3", { text: l.toUpperCase() }), h("div", { class: "rendered", html }), h("pre", {}, h("code", { text: html })))));
}

export async function blockEdit(view, id, s) {
  await editRecord(view, "blocks", id, {
    blank: { key: "", title: {}, body: {} },
    title: d => d.key || t("newBlock"),
    form: d => {
      d.title ||= {}; d.body ||= {};
      const key = h("input", { id: "block-key", value: d.key, required: true, "data-pointer": "/key" });
      key.addEventListener("input", () => { d.key = key.value; });
      const tabs = localeTabs(s.vocab.locales, l => {
        const title = h("input", { value: d.title[l] || "", "data-pointer": "/title/" + l });
        title.addEventListener("input", () => { if (title.value) d.title[l] = title.value; else delete d.title[l]; });
        return h("div", {}, field(t("title"), title), richEditor(d.body, l, { label: t("body"), id: "body-" + l, pointer: "/body/" + l, lang: l }));
      }, l => fallbackFor(d.body, l, s.vocab));
      return h("div", {}, field(t("key"), key), tabs.el);
    },
    after: rec => kept(rec),
  });
}

export async function pageEdit(view, id, s) {
  const blocks = await allItems("/api/v1/blocks?sort=key");
  await editRecord(view, "pages", id, {
    blank: { slug: "", title: {}, blocks: [], partnerships: true },
    title: d => d.slug || t("newPage"),
    form: d => {
      d.title ||= {};
      const slug = h("input", { id: "page-slug", value: d.slug, required: true, "data-pointer": "/slug" });
      slug.addEventListener("input", () => { d.slug = slug.value; });
      const show = h("input", { type: "checkbox", id: "page-partnerships", checked: d.partnerships });
      show.addEventListener("change", () => { d.partnerships = show.checked; });
      const tabs = localeTabs(s.vocab.locales, l => {
        const title = h("input", { value: d.title[l] || "", "data-pointer": "/title/" + l });
        title.addEventListener("input", () => { if (title.value) d.title[l] = title.value; else delete d.title[l]; });
        return field(t("title"), title);
      }, l => fallbackFor(d.title, l, s.vocab));
      return h("div", {}, field(t("slug"), slug), blockPicker(d, blocks), h("div", { class: "check" }, show, h("label", { for: "page-partnerships", text: t("showPartnerships") })), tabs.el);
    },
  });
}

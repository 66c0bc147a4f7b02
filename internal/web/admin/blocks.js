// Content blocks (rich text with a few formatting buttons, and what the
// server kept after sanitizing) and pages (title, blocks, partnerships).
import { api } from "./api.js";
import { t } from "./i18n.js";
import { h, field } from "./dom.js";
import { editRecord, localeTabs, fallbackFor } from "./content.js";
import { richEditor } from "./richtext.js";

function listScreen(view, kind, heading, newLabel, items, name) {
  view.replaceChildren(h("h1", { text: heading }),
    h("p", {}, h("a", { class: "button primary", href: "#/" + kind + "/new", id: "new-" + kind, text: newLabel })),
    items.length ? h("table", { class: "list", id: kind + "-list" },
      h("thead", {}, h("tr", {}, [t("key"), t("statusCol"), t("version", { n: "" }).trim()].map(c => h("th", { scope: "col", text: c })))),
      h("tbody", {}, items.map(x => h("tr", {}, h("th", { scope: "row" }, h("a", { href: "#/" + kind + "/" + x.id, text: name(x) })),
        h("td", {}, h("span", { class: "badge", "data-status": x.status, text: t("status_" + x.status) })), h("td", { text: String(x.version) })))))
      : h("p", { text: t("noResults") }));
}

export async function blockList(view) {
  listScreen(view, "blocks", t("blocks"), t("newBlock"), (await api("/api/v1/blocks?per_page=100")).items, x => x.key);
}

export async function pageList(view) {
  listScreen(view, "pages", t("pages"), t("newPage"), (await api("/api/v1/pages?per_page=100")).items, x => x.slug);
}

/** kept shows the sanitized HTML the server stored for a localized rich-text field, rendered and as source. */
export function kept(rec, key = "body") {
  return h("section", { "aria-labelledby": "kept-h", class: "panel", id: "kept" }, h("h2", { id: "kept-h", text: t("keptByServer") + " (" + key + ")" }),
    Object.entries(rec[key] || {}).map(([l, html]) => h("div", { lang: l, "data-locale": l },
      h("h3", { text: l.toUpperCase() }), h("div", { class: "rendered", html }), h("pre", {}, h("code", { text: html })))));
}

export async function blockEdit(view, id, s) {
  await editRecord(view, "blocks", id, {
    blank: { key: "", title: {}, body: {} },
    title: d => d.key || t("newBlock"),
    form: d => {
      d.title ||= {}; d.body ||= {};
      const key = h("input", { id: "block-key", value: d.key, required: true });
      key.addEventListener("input", () => { d.key = key.value; });
      const tabs = localeTabs(s.vocab.locales, l => {
        const title = h("input", { value: d.title[l] || "" });
        title.addEventListener("input", () => { if (title.value) d.title[l] = title.value; else delete d.title[l]; });
        return h("div", {}, field(t("title"), title), richEditor(d.body, l, { label: t("body"), id: "body-" + l, pointer: "/body/" + l, lang: l }));
      }, l => fallbackFor(d.body, l, s.vocab));
      return h("div", {}, field(t("key"), key), tabs.el);
    },
    after: rec => kept(rec),
  });
}

export async function pageEdit(view, id, s) {
  await editRecord(view, "pages", id, {
    blank: { slug: "", title: {}, blocks: [], partnerships: true },
    title: d => d.slug || t("newPage"),
    form: d => {
      d.title ||= {};
      const slug = h("input", { id: "page-slug", value: d.slug, required: true });
      slug.addEventListener("input", () => { d.slug = slug.value; });
      const blocks = h("input", { id: "page-blocks", value: (d.blocks || []).join(", ") });
      blocks.addEventListener("input", () => { d.blocks = blocks.value.split(",").map(x => x.trim()).filter(Boolean); });
      const show = h("input", { type: "checkbox", id: "page-partnerships", checked: d.partnerships });
      show.addEventListener("change", () => { d.partnerships = show.checked; });
      const tabs = localeTabs(s.vocab.locales, l => {
        const title = h("input", { value: d.title[l] || "" });
        title.addEventListener("input", () => { if (title.value) d.title[l] = title.value; else delete d.title[l]; });
        return field(t("title"), title);
      }, l => fallbackFor(d.title, l, s.vocab));
      return h("div", {}, field(t("slug"), slug), field(t("blocksOnPage"), blocks), h("div", { class: "check" }, show, h("label", { for: "page-partnerships", text: t("showPartnerships") })), tabs.el);
    },
  });
}

// Predogled: the page as the public site will show it, drafts included,
// per content locale, built in the browser from the editor API's records
// with the same fallback chain the public API applies.
import { api } from "./api.js";
import { t } from "./i18n.js";
import { h } from "./dom.js";
import { fetchBlob } from "./documents.js";

function pick(v, locale, vocab) {
  if (!v) return "";
  for (const l of [locale, ...(vocab.fallback || ["en", "sl"]), vocab.locales[0]]) if (v[l]) return v[l];
  return "";
}

/** preview draws the page; id (optional) marks the partnership being edited. */
export async function preview(view, id, s) {
  const locale = new URLSearchParams(location.hash.split("?")[1] || "").get("locale") || s.vocab.locales[0];
  const pid = (id || "").split("?")[0];
  const [pages, blocks, parts, docs] = await Promise.all([api("/api/v1/pages?per_page=100"), api("/api/v1/blocks?per_page=100"),
    api("/api/v1/partnerships?per_page=100&sort=sort"), api("/api/v1/documents?per_page=100")]);
  const page = pages.items.find(p => p.partnerships) || pages.items[0];
  const vocab = s.vocab;
  const term = (list, code) => { const x = list.find(y => y.code === code); return x ? pick(x.labels, locale, vocab) : code; };
  const shown = parts.items.filter(p => p.status !== "archived");
  const docById = Object.fromEntries(docs.items.map(d => [d.id, d]));
  const switcher = h("nav", { class: "locale-switch", "aria-label": t("contentLocale") }, vocab.locales.map(l =>
    h("a", { href: "#/preview/" + pid + "?locale=" + l, lang: l, text: l.toUpperCase(), "aria-current": l === locale ? "true" : null })));
  const body = h("article", { class: "preview-page", lang: locale, id: "preview" },
    h("h2", { text: page ? pick(page.title, locale, vocab) : "" }),
    ...(page ? page.blocks : []).map(k => blocks.items.find(b => b.key === k)).filter(Boolean).map(b => h("div", { class: "block", html: pick(b.body, locale, vocab) })),
    h("ol", { class: "partners" }, shown.map(p => {
      const crestImg = h("span", { class: "crest" });
      if (p.crest_id) fetchBlob("/api/v1/documents/" + p.crest_id + "/download").then(bl => crestImg.replaceChildren(h("img", { src: URL.createObjectURL(bl), alt: pick((docById[p.crest_id] || {}).title, locale, vocab), width: "64" }))).catch(() => {});
      const a = p.agreements[0];
      return h("li", { class: "partner" + (p.id === pid ? " current" : ""), "data-slug": p.slug, "data-status": p.status }, crestImg,
        h("div", {},
          h("h3", { text: pick(p.partner.name, locale, vocab) }),
          p.status !== "published" ? h("p", { class: "badge", "data-status": p.status, text: t("status_" + p.status) }) : null,
          a ? h("p", { class: "meta", text: pick(a.title, locale, vocab) + " · " + a.year + " · " + term(vocab.relations, p.relation) }) : null,
          h("div", { html: pick(p.summary, locale, vocab) }),
          p.areas.length ? h("ul", { class: "areas" }, p.areas.map(x => h("li", { text: term(vocab.areas, x) }))) : null,
          p.documents.length ? h("ul", { class: "docs" }, p.documents.map(r => docById[r.document_id]).filter(d => d && d.status === "active").map(d => h("li", { text: pick(d.title, locale, vocab) }))) : null));
    })));
  view.replaceChildren(h("h1", { text: t("preview") }), h("p", { class: "note", text: t("previewNote") }), switcher, body);
}

// Renders the twin-towns page from the public API. Rich text comes
// sanitized from the server; everything else is set as text.
"use strict";

const labels = {
  sl: { website: "Uradna spletna stran", loading: "Nalaganje …", failed: "Stran se ni naložila.", documents: "Dokumenti", areas: "Področja sodelovanja",
    linkInvalid: "Povezava za predogled ni veljavna ali je potekla." },
  en: { website: "Official website", loading: "Loading …", failed: "The page could not be loaded.", documents: "Documents", areas: "Areas of cooperation",
    linkInvalid: "The preview link is not valid or has expired." },
  de: { website: "Offizielle Website", loading: "Wird geladen …", failed: "Die Seite konnte nicht geladen werden.", documents: "Dokumente", areas: "Bereiche der Zusammenarbeit",
    linkInvalid: "Der Vorschaulink ist ungültig oder abgelaufen." },
};

// A draft preview (/preview?token=…) shows the draft a preview link
// grants instead of the published page; the page marks it as a draft.
const previewToken = document.body.dataset.preview === "true" ? new URLSearchParams(location.search).get("token") || "" : null;

async function fetchPage(locale) {
  if (previewToken === null) {
    const res = await fetch("/api/v1/public/pages/pobratene-obcine?locale=" + encodeURIComponent(locale));
    if (!res.ok) throw new Error(res.status);
    return res.json();
  }
  const res = await fetch("/api/v1/public/preview?token=" + encodeURIComponent(previewToken) + "&locale=" + encodeURIComponent(locale),
    { cache: "no-store", referrerPolicy: "no-referrer" });
  if (res.status === 403) throw new Error("link");
  if (!res.ok) throw new Error(res.status);
  const v = await res.json();
  document.body.dataset.previewVersion = String(v.version);
  if (v.page) return v.page;
  // A partnership on its own: shown as a page with one partner.
  return { title: v.partnership.name, blocks: [], partnerships: [v.partnership] };
}

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "html") e.innerHTML = v; else if (k === "text") e.textContent = v; else e.setAttribute(k, v);
  }
  for (const c of children) if (c) e.append(c);
  return e;
}

function size(bytes) {
  if (bytes < 1024) return bytes + " B";
  if (bytes < 1024 * 1024) return (bytes / 1024).toFixed(0) + " KB";
  return (bytes / 1024 / 1024).toFixed(1) + " MB";
}

// crestPicture is the crest as a <picture>: the WebP renditions for the
// browsers that take them, the PNG ones otherwise, each set by width so a
// 96-px slot on a 2x screen loads the 256-px file and on a 1x one the 64.
function crestPicture(p) {
  const r = p.crest && p.crest.renditions;
  const png = r && (r["256"] || r["64"]);
  if (!png) return el("span");
  const set = type => Object.values(r).filter(i => i.content_type === type).map(i => i.url + " " + i.width + "w").join(", ");
  const webp = set("image/webp");
  // The crest's text alternative from the API (an empty alt when it is decorative).
  return el("picture", {},
    webp ? el("source", { type: "image/webp", srcset: webp, sizes: "96px" }) : null,
    el("img", { src: png.url, srcset: set("image/png"), sizes: "96px", alt: p.crest.decorative ? "" : p.crest.alt, width: "96", "data-crest": p.slug }));
}

function partner(p, l) {
  const agreement = p.agreements[0];
  const docs = el("ul", { class: "docs", "aria-label": l.documents });
  const kind = d => "(" + d.content_type.replace("application/", "").replace(/^text\/plain.*/, "TXT").toUpperCase() + (d.size ? ", " + size(d.size) : "") + ")";
  for (const d of p.documents) {
    // An accessible alternative ("Besedilna različica") is offered beside the original.
    const alt = d.alternative ? el("span", { class: "alternative" }, " · ",
      el("a", { href: d.alternative.url, "data-alternative": d.alternative.id, "aria-label": d.alternative.label + ": " + d.title, text: d.alternative.label }), " ",
      el("span", { class: "size", text: kind(d.alternative) })) : null;
    docs.append(el("li", {}, el("a", { href: d.url, "data-document": d.id, text: d.title }), " ",
      el("span", { class: "size", text: kind(d) }), alt));
  }
  const areas = el("ul", { class: "areas", "aria-label": l.areas });
  for (const a of p.areas) areas.append(el("li", { text: a.label }));
  const site = p.website ? el("p", {}, l.website + ": ", el("a", { href: p.website, text: p.website.replace(/^https?:\/\//, "") })) : null;
  return el("li", { class: "partner", "data-slug": p.slug },
    crestPicture(p),
    el("div", {},
      el("h2", { text: p.name }),
      agreement ? el("p", { class: "meta", text: agreement.title + " · " + agreement.year + " · " + p.relation.label }) : null,
      el("div", { html: p.summary || "" }),
      p.areas.length ? areas : null,
      site,
      docs));
}

async function load(locale) {
  const l = labels[locale] || labels.sl;
  const status = document.getElementById("status");
  status.textContent = l.loading;
  document.documentElement.lang = locale;
  for (const b of document.querySelectorAll("nav button")) b.setAttribute("aria-pressed", String(b.dataset.locale === locale));
  try {
    const page = await fetchPage(locale);
    document.title = (previewToken === null ? "" : "Osnutek — predogled · ") + page.title;
    document.getElementById("title").textContent = page.title;
    const intro = document.getElementById("intro");
    intro.replaceChildren(...page.blocks.map(b => el("div", { class: "block", html: b.body })));
    document.getElementById("partners").replaceChildren(...page.partnerships.map(p => partner(p, l)));
    status.textContent = "";
    document.body.dataset.locale = locale;
  } catch (e) {
    status.textContent = e.message === "link" ? l.linkInvalid : l.failed;
  }
}

for (const b of document.querySelectorAll("nav button")) b.addEventListener("click", () => load(b.dataset.locale));
load(new URLSearchParams(location.search).get("locale") || "sl");

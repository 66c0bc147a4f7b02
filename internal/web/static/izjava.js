// Renders the accessibility statement (izjava o dostopnosti) from the
// public API, in the sections of the ZDSMA model statement. Everything is
// set as text.
"use strict";

const labels = {
  sl: { loading: "Nalaganje …", failed: "Izjave ni bilo mogoče naložiti.", status: "Stanje skladnosti", standard: "Standard", nonAccessible: "Nedostopna vsebina",
    none: "Ni navedb.", alternative: "Besedilna različica", exemption: "Izjema", preparation: "Priprava te izjave o dostopnosti",
    feedback: "Povratne informacije in podatki za stik", enforcement: "Postopek izvrševanja", published: "objavljeno" },
  en: { loading: "Loading …", failed: "The statement could not be loaded.", status: "Compliance status", standard: "Standard", nonAccessible: "Non-accessible content",
    none: "Nothing listed.", alternative: "Text version", exemption: "Exemption", preparation: "Preparation of this accessibility statement",
    feedback: "Feedback and contact information", enforcement: "Enforcement procedure", published: "published" },
};

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "text") e.textContent = v; else e.setAttribute(k, v);
  }
  for (const c of children) if (c) e.append(c);
  return e;
}

function section(id, heading, ...body) {
  return el("section", { "aria-labelledby": id }, el("h2", { id, text: heading }), ...body);
}

function items(list, l, locale) {
  if (!list.length) return el("p", { text: l.none });
  const ul = el("ul", { class: "statement-items" });
  for (const it of list) {
    const date = new Date(it.published).toLocaleDateString(locale === "sl" ? "sl-SI" : "en-GB");
    const li = el("li", { "data-document": it.document_id },
      el("strong", { text: it.title }), " (" + l.published + " " + date + "): " + it.problems.map(p => p.text).join("; ") + ".");
    if (it.exemption) li.append(" ", el("span", { class: "exemption", "data-exemption": it.exemption.code, text: l.exemption + ": " + it.exemption.text + "." }));
    if (it.alternative) li.append(" ", el("span", { class: "alternative", text: l.alternative + ": " + it.alternative.title + "." }));
    ul.append(li);
  }
  return ul;
}

async function load(locale) {
  const l = labels[locale] || labels.sl;
  const status = document.getElementById("status");
  status.textContent = l.loading;
  for (const b of document.querySelectorAll("nav button")) b.setAttribute("aria-pressed", String(b.dataset.locale === locale));
  try {
    const res = await fetch("/api/v1/public/accessibility-statement?locale=" + encodeURIComponent(locale));
    if (!res.ok) throw new Error(res.status);
    const s = await res.json();
    document.documentElement.lang = s.locale;
    document.title = s.title + " · " + s.organisation;
    document.getElementById("title").textContent = s.title;
    const na = s.non_accessible;
    const mail = (addr) => el("a", { href: "mailto:" + addr, text: addr });
    document.getElementById("statement").replaceChildren(
      ...s.intro.map(p => el("p", { text: p })),
      section("st-status", l.status, el("p", { id: "conformance", "data-status": s.status.code, text: s.status.text }),
        el("p", { text: l.standard + ": " + s.standard })),
      section("st-content", l.nonAccessible,
        na.explanation ? el("p", { text: na.explanation }) : null,
        el("h3", { text: na.non_compliant_title }), items(na.non_compliant, l, s.locale),
        el("h3", { text: na.exempt_title }), items(na.exempt, l, s.locale),
        na.unchecked_text ? el("p", { text: na.unchecked_text }) : null),
      section("st-preparation", l.preparation, el("p", { text: s.preparation.text })),
      section("st-feedback", l.feedback, el("p", { text: s.feedback.text }), el("p", {}, mail(s.feedback.email))),
      section("st-enforcement", l.enforcement, el("p", { text: s.enforcement.text }),
        el("p", {}, el("a", { href: s.enforcement.url, text: s.enforcement.name }), " · ", mail(s.enforcement.email),
          s.enforcement.address ? " · " + s.enforcement.address : "")));
    status.textContent = "";
    document.body.dataset.locale = s.locale;
  } catch (e) {
    status.textContent = l.failed;
  }
}

for (const b of document.querySelectorAll("nav button")) b.addEventListener("click", () => load(b.dataset.locale));
load(new URLSearchParams(location.search).get("locale") || "sl");

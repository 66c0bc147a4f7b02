// The accessible alternative of a document (ZDSMA / EN 301 549): the
// plain advice from the file's accessibility facts, then the editor's
// choice — none, this document's extracted text as a text version, or
// another document (an accessible PDF) — which the public site offers
// beside the original as "Besedilna različica". Saved with the record's
// version, like every edit.
import { api } from "./api.js";
import { h, field, announce } from "./dom.js";
import { fail } from "./app.js";
import { mw } from "./media_words.js";
import { getLang } from "./i18n.js";
import { allItems, docOptions, partnershipNames } from "./pickers.js";

const loc = (v, l) => (v && (v[l] || v.sl || Object.values(v)[0])) || "";

/** advice is the one plain sentence the facts call for. */
function advice(doc) {
  const a = doc.accessibility;
  if (doc.file.content_type !== "application/pdf") return mw("altAdviceNoText");
  if (!a) return mw("altAdviceUnknown");
  if (!a.text_layer) return mw("altAdviceNoText");
  if (!a.tagged) return mw("altAdviceUntagged");
  return mw("altAdviceOk");
}

/** textReady tells whether the document's text has been extracted. */
function textReady(doc) {
  const s = doc.text && doc.text.status;
  return s === "done";
}

/**
 * alternativeSection is the "Dostopna različica" section of a document's
 * page; getDoc gives the current record, setDoc takes the saved one (so
 * the page's other forms keep the right version).
 */
export async function alternativeSection(getDoc, setDoc) {
  const doc = getDoc();
  if (doc.kind === "crest") return null; // a crest has its alt text instead
  const [docs, names] = await Promise.all([allItems("/api/v1/documents?status=active"), partnershipNames()]);
  const others = docs.filter(d => d.id !== doc.id && d.kind !== "crest");
  const titleOf = id => { const d = docs.find(x => x.id === id); return d ? loc(d.title, getLang()) || d.file.original_filename : id; };
  const describe = a => !a ? mw("altNone") : a.text ? mw("altText") : titleOf(a.document_id);
  const current = h("p", { id: "alt-current", text: mw("altCurrent", { what: describe(doc.alternative) }) });

  const radio = (value, label, extra = {}) => {
    const id = "alt-choice-" + value;
    return h("div", { class: "choice" }, h("input", { type: "radio", name: "alt-choice", id, value, ...extra }), h("label", { for: id, text: label }));
  };
  const ready = textReady(doc);
  const choices = [
    radio("none", mw("altNone")),
    radio("text", ready ? mw("altText") : mw("altText") + " — " + mw("altTextUnavailable"), ready ? {} : { disabled: true }),
    radio("document", mw("altDoc")),
  ];
  const pick = h("select", { id: "alt-document", "data-pointer": "/alternative/document_id" },
    h("option", { value: "", text: "—" }), ...docOptions(others, names).map(([v, l]) => h("option", { value: v, text: l })));
  const a = doc.alternative;
  const chosen = !a ? "none" : a.text ? "text" : "document";
  choices.forEach(c => { const i = c.querySelector("input"); i.checked = i.value === chosen; });
  if (a && a.document_id) pick.value = a.document_id;
  const sync = () => { pick.disabled = value() !== "document"; };
  const value = () => (choices.map(c => c.querySelector("input")).find(i => i.checked) || {}).value || "none";
  choices.forEach(c => c.querySelector("input").addEventListener("change", sync));
  sync();

  const form = h("form", { id: "alt-form", class: "record" },
    h("fieldset", {}, h("legend", { text: mw("altH") }), ...choices),
    field(mw("altChoose"), pick),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "primary", text: mw("altSave") })));
  form.addEventListener("submit", async ev => {
    ev.preventDefault();
    const v = value();
    const alternative = v === "none" ? null : v === "text" ? { text: true } : { document_id: pick.value };
    try {
      const saved = await api("/api/v1/documents/" + getDoc().id, { method: "PATCH", patch: true, body: { alternative }, version: getDoc().version });
      setDoc(saved);
      current.textContent = mw("altCurrent", { what: describe(saved.alternative) });
      announce(mw("altSaved"));
    } catch (e) { fail(e); }
  });
  return h("section", { "aria-labelledby": "alt-h", id: "alternative" },
    h("h2", { id: "alt-h", text: mw("altH") }), h("p", { class: "advice", id: "alt-advice", text: advice(doc) }), current, form);
}

// Picking a document for a field from the media library: a button beside
// the field opens a dialog with the library's cards — thumbnail, title,
// kind, year, size, file name — narrowed as the editor types (title, year,
// file name, partnership; diacritics ignored), and each card's "Izberi"
// puts that document in the field. A select with dozens of look-alike
// titles is where editors picked the wrong charter; a card shows which
// one it is. Keyboard: Tab through the cards, Escape closes, focus returns
// to the button.
import { h, formatSize, announce } from "./dom.js";
import { t, getLang } from "./i18n.js";
import { thumb, typeIcon } from "./media.js";
import { docYear } from "./pickers.js";
import { mw } from "./media_words.js";

const loc = (v, l) => (v && (v[l] || v.sl || Object.values(v)[0])) || "";
/** fold lowers a text and drops its diacritics: "Čezmejno" matches "cezmejno". */
const fold = s => s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
// At most this many cards at once: the search narrows the rest.
const shown = 48;

/**
 * libraryButton opens the library picker. id names the button; field is
 * the field it fills, in its accessible name (a form has several of these
 * buttons: "Izberi iz knjižnice: Grb"); docs() returns the documents that
 * may be chosen; names maps partnership ids to names (searched too);
 * picked(doc) puts the chosen document in the field.
 */
export function libraryButton({ id, field, title, docs, names, picked }) {
  const button = h("button", { type: "button", id, class: "library-pick", text: mw("libChoose"), "aria-label": mw("libChoose") + ": " + field });
  button.setAttribute("aria-haspopup", "dialog");
  button.addEventListener("click", () => open({ title, docs: docs(), names, picked, back: button }));
  return button;
}

function open({ title, docs, names, picked, back }) {
  const l = getLang();
  const words = d => fold([loc(d.title, l), d.file.original_filename, docYear(d), t("kind_" + d.kind),
    ...(d.partnership_ids || []).map(p => names.get(p) || "")].join(" "));
  const all = docs.map(d => ({ d, words: words(d) }))
    .sort((a, b) => loc(a.d.title, l).localeCompare(loc(b.d.title, l), "sl") || docYear(a.d).localeCompare(docYear(b.d)));
  const hid = "lib-title";
  const q = h("input", { type: "search", id: "lib-q", autocomplete: "off" });
  const count = h("p", { id: "lib-count", "aria-live": "polite" });
  const grid = h("ul", { class: "media-grid lib-grid", id: "lib-grid" });
  const close = h("button", { type: "button", id: "lib-close", text: mw("libClose") });
  const dialog = h("dialog", { class: "library", "aria-labelledby": hid },
    h("h2", { id: hid, text: title }),
    h("label", { for: q.id, text: mw("libSearch") }), q, count, grid,
    h("div", { class: "actions" }, close));
  const card = d => {
    const name = loc(d.title, l) || d.file.original_filename;
    const box = h("div", { class: "media-thumb" }, typeIcon(d));
    thumb(d, box);
    const parts = (d.partnership_ids || []).map(p => names.get(p)).filter(Boolean);
    const hint = [t("kind_" + d.kind), docYear(d), formatSize(d.file.size), d.file.original_filename, parts.join(", ")].filter(Boolean).join(" · ");
    return h("li", { class: "media-card", "data-id": d.id }, box,
      h("h3", { text: name }), h("p", { class: "hint", text: hint }),
      h("button", { type: "button", class: "primary", "aria-label": mw("libPickOne", { title: name + " (" + hint + ")" }), text: mw("libPick"), onclick: () => {
        picked(d);
        dialog.close();
        announce(mw("dropAttached", { title: name }));
      } }));
  };
  const draw = () => {
    const terms = fold(q.value).split(/\s+/).filter(Boolean);
    const hits = all.filter(x => terms.every(w => x.words.includes(w)));
    grid.replaceChildren(...hits.slice(0, shown).map(x => card(x.d)));
    count.textContent = hits.length ? mw(hits.length > shown ? "libCountMore" : "libCount", { n: hits.length, shown }) : t("noResults");
  };
  let timer;
  q.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(draw, 120); });
  close.addEventListener("click", () => dialog.close());
  dialog.addEventListener("close", () => { dialog.remove(); back.focus(); });
  draw();
  document.body.append(dialog);
  dialog.showModal();
  q.focus();
}

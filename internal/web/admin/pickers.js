// Pickers instead of codes: documents named so that two "Listina o
// pobratenju" can be told apart (kind, year, file name, size,
// partnership), and a page's blocks chosen by title from the list of
// blocks, ordered by drag and drop (pointer: mouse, pen or finger) or by
// the keyboard (move buttons, or the arrow keys on a row's handle).
import { api } from "./api.js";
import { t, getLang } from "./i18n.js";
import { h, formatSize } from "./dom.js";

const words = {
  sl: {
    blocksOnPage: "Bloki na strani", addBlock: "Dodaj blok", add: "Dodaj", chooseBlock: "(izberite blok)",
    drag: "Povlecite ali uporabite puščici gor in dol: {name}", up: "Premakni gor: {name}", down: "Premakni dol: {name}",
    remove: "Odstrani s strani: {name}", missingBlock: "bloka s tem ključem ni", noBlocks: "Na strani še ni blokov.",
    moved: "»{name}« je zdaj na mestu {pos} od {n}.", added: "»{name}« dodan na konec strani.", removed: "»{name}« odstranjen s strani.",
    dragHelp: "Vrstni red: povlecite vrstico za ročico ⠿ ali pa uporabite gumba ↑ in ↓.",
  },
  en: {
    blocksOnPage: "Blocks on the page", addBlock: "Add a block", add: "Add", chooseBlock: "(choose a block)",
    drag: "Drag, or use the up and down arrow keys: {name}", up: "Move up: {name}", down: "Move down: {name}",
    remove: "Remove from the page: {name}", missingBlock: "no block has this key", noBlocks: "The page has no blocks yet.",
    moved: "\"{name}\" is now at position {pos} of {n}.", added: "\"{name}\" added at the end of the page.", removed: "\"{name}\" removed from the page.",
    dragHelp: "Order: drag a row by its ⠿ handle, or use the ↑ and ↓ buttons.",
  },
};

function w(key, params = {}) {
  const s = (words[getLang()] || words.sl)[key] ?? words.sl[key] ?? key;
  return s.replace(/\{(\w+)\}/g, (_, k) => String(params[k] ?? ""));
}

const loc = v => (v && (v[getLang()] || v.sl || Object.values(v)[0])) || "";

/** allItems reads every page of a list (100 at a time, at most 20 pages). */
export async function allItems(path) {
  const sep = path.includes("?") ? "&" : "?";
  const first = await api(path + sep + "per_page=100&page=1");
  const items = first.items.slice();
  const pages = Math.min(20, Math.ceil(first.total / 100));
  for (let p = 2; p <= pages; p++) items.push(...(await api(path + sep + "per_page=100&page=" + p)).items);
  return items;
}

/** partnershipNames maps partnership ids to their names (for document labels). */
export async function partnershipNames() {
  const names = new Map();
  for (const p of await allItems("/api/v1/partnerships?sort=name")) names.set(p.id, loc(p.partner && p.partner.name) || p.slug);
  return names;
}

/** docYear is the year a document is from: its original's date, else none. */
export function docYear(d) {
  const m = /^(\d{4})/.exec((d.provenance && d.provenance.original_date) || "");
  return m ? m[1] : "";
}

/**
 * docLabel names a document fully enough to pick it from a list: title —
 * kind · year · file name · size · partnerships.
 */
export function docLabel(d, names) {
  const title = loc(d.title) || d.file.original_filename;
  const parts = [t("kind_" + d.kind), docYear(d), d.file.original_filename, formatSize(d.file.size),
    (d.partnership_ids || []).map(id => names && names.get(id)).filter(Boolean).join(", ")];
  if (d.status === "withdrawn") parts.push(t("doc_withdrawn"));
  return title + " — " + parts.filter(Boolean).join(" · ");
}

/** docOptions are [id, label] pairs for a select, by title, then year. */
export function docOptions(docs, names) {
  return docs.map(d => [d.id, docLabel(d, names)]).sort((a, b) => a[1].localeCompare(b[1], "sl"));
}

/**
 * blockPicker edits d.blocks (block keys in page order): the chosen blocks
 * by title, each with a drag handle, move up/down and remove buttons; a
 * select of the other blocks by title to add one at the end.
 */
export function blockPicker(d, blocks) {
  d.blocks ||= [];
  const byKey = new Map(blocks.map(b => [b.key, b]));
  const nameOf = key => { const b = byKey.get(key); return b ? (loc(b.title) || b.key) : key; };
  const list = h("ol", { class: "picked-blocks", id: "page-blocks-list" });
  const live = h("p", { class: "vh", "aria-live": "polite", id: "page-blocks-live" });
  const addSel = h("select", { id: "page-block-add", "data-pointer": "/blocks" });
  const box = h("fieldset", { class: "block-picker", id: "page-blocks" }, h("legend", { text: w("blocksOnPage") }),
    h("p", { class: "hint", id: "page-blocks-help", text: w("dragHelp") }), list, live,
    h("div", { class: "inline" },
      h("div", { class: "field" }, h("label", { for: addSel.id, text: w("addBlock") }), addSel),
      h("button", { type: "button", id: "page-block-add-button", text: w("add"), onclick: () => {
        if (!addSel.value) return;
        d.blocks.push(addSel.value);
        changed(w("added", { name: nameOf(addSel.value) }), () => addSel);
      } })));

  // Every change is an edit of the form (the unsaved-changes guard and the
  // field errors listen for input/change events).
  const changed = (say, focus) => {
    draw();
    live.textContent = say;
    box.dispatchEvent(new Event("change", { bubbles: true }));
    const f = focus && focus();
    if (f) f.focus();
  };
  const move = (i, j, focusSel) => {
    if (j < 0 || j >= d.blocks.length || i === j) return;
    const [key] = d.blocks.splice(i, 1);
    d.blocks.splice(j, 0, key);
    changed(w("moved", { name: nameOf(key), pos: j + 1, n: d.blocks.length }),
      () => list.querySelector(`li[data-key="${CSS.escape(key)}"] ${focusSel}`) || list.querySelector(`li[data-key="${CSS.escape(key)}"] .drag`));
  };

  function draw() {
    list.replaceChildren(...d.blocks.map((key, i) => {
      const b = byKey.get(key);
      const name = nameOf(key);
      const handle = dragHandle(list, name, i, (from, to) => (from === to ? draw() : move(from, to, ".drag")));
      handle.setAttribute("aria-describedby", "page-blocks-help");
      return h("li", { "data-key": key },
        handle,
        h("span", { class: "picked-name" }, h("strong", { text: name }), " ",
          h("span", { class: "meta", text: b ? "(" + key + ") · " + t("status_" + b.status) : "(" + key + ") · " + w("missingBlock") })),
        h("span", { class: "picked-actions" },
          h("button", { type: "button", "data-move": "up", "aria-label": w("up", { name }), title: w("up", { name }), disabled: i === 0, text: "↑", onclick: () => move(i, i - 1, "[data-move=up]") }),
          h("button", { type: "button", "data-move": "down", "aria-label": w("down", { name }), title: w("down", { name }), disabled: i === d.blocks.length - 1, text: "↓", onclick: () => move(i, i + 1, "[data-move=down]") }),
          h("button", { type: "button", "data-remove": key, "aria-label": w("remove", { name }), title: w("remove", { name }), text: "✕", onclick: () => {
            d.blocks.splice(i, 1);
            changed(w("removed", { name }), () => list.querySelector("li:nth-child(" + Math.min(i + 1, d.blocks.length) + ") .drag") || addSel);
          } })));
    }));
    if (!d.blocks.length) list.append(h("li", { class: "empty", text: w("noBlocks") }));
    const free = blocks.filter(b => !d.blocks.includes(b.key)).sort((a, b) => nameOf(a.key).localeCompare(nameOf(b.key), "sl"));
    addSel.replaceChildren(h("option", { value: "", text: w("chooseBlock") }),
      ...free.map(b => h("option", { value: b.key, text: nameOf(b.key) + " (" + b.key + ") · " + t("status_" + b.status) })));
  }

  draw();
  return box;
}

/**
 * dragHandle is a row's handle in an ordered list: dragged with a pointer
 * (mouse, pen, finger) the row follows among its siblings; the arrow keys
 * move it one place. move(from, to) stores the new order and redraws
 * (from === to when a drag ends where it began).
 */
export function dragHandle(list, name, index, move) {
  const handle = h("button", { type: "button", class: "drag", "aria-label": w("drag", { name }), title: w("drag", { name }), text: "⠿" });
  handle.addEventListener("keydown", ev => {
    if (ev.key === "ArrowUp" && index > 0) { ev.preventDefault(); move(index, index - 1); }
    if (ev.key === "ArrowDown" && index < list.querySelectorAll(":scope > [data-key]").length - 1) { ev.preventDefault(); move(index, index + 1); }
  });
  handle.addEventListener("pointerdown", ev => {
    if (ev.button !== 0) return;
    const li = handle.closest("[data-key]");
    ev.preventDefault();
    li.classList.add("dragging");
    // Listened for on the document: moving the row in the list would end
    // a pointer capture on its handle.
    const onMove = e => {
      const others = [...list.children].filter(x => x !== li && x.dataset.key);
      const before = others.find(x => { const r = x.getBoundingClientRect(); return e.clientY < r.top + r.height / 2; });
      if (before) { if (li.nextSibling !== before) list.insertBefore(li, before); } else if (list.lastElementChild !== li) list.append(li);
    };
    const onUp = () => {
      document.removeEventListener("pointermove", onMove);
      document.removeEventListener("pointerup", onUp);
      document.removeEventListener("pointercancel", onUp);
      li.classList.remove("dragging");
      move(index, [...list.children].filter(x => x.dataset.key).indexOf(li));
    };
    document.addEventListener("pointermove", onMove);
    document.addEventListener("pointerup", onUp);
    document.addEventListener("pointercancel", onUp);
  });
  return handle;
}

// Rich text without HTML: a small editor of our own (contenteditable, a
// toolbar, the browser's editing commands and undo stack) instead of a
// vendored Trix/Quill/ProseMirror. Why: the server keeps only a handful of
// tags (models/richtext.go: bluemonday's UGC policy, http/https/mailto
// links), and every vendored editor brings its own document model, CSS and
// tags (Trix writes <div>, <del>, <figure>; Quill its ql- classes) that
// would have to be mapped back anyway, plus 100-200 KB with no build step
// to trim it. Here one function, cleanHTML, defines the whole output:
// paragraphs, headings 2 and 3, bold, italic, links, bulleted and numbered
// lists, line breaks. It runs on every change and on every paste (Word and
// Google Docs clipboard HTML included), so what the field holds is always
// what the server keeps. The raw HTML stays reachable under "HTML koda".
import { h } from "./dom.js";
import { getLang } from "./i18n.js";

const words = {
  sl: {
    toolbar: "Oblikovanje besedila: {field}", paragraph: "Odstavek", h2: "Naslov 2", h3: "Naslov 3",
    bold: "Krepko (Ctrl+B)", italic: "Ležeče (Ctrl+I)", link: "Povezava (Ctrl+K)", ul: "Seznam z oznakami", ol: "Oštevilčen seznam",
    undo: "Razveljavi (Ctrl+Z)", redo: "Uveljavi (Ctrl+Y)", source: "HTML koda (za napredne)", sourceLabel: "HTML koda: {field}",
    linkTitle: "Povezava", linkURL: "Naslov povezave (https://… ali mailto:…)", linkInsert: "Vstavi povezavo", linkRemove: "Odstrani povezavo",
    cancel: "Prekliči", linkBad: "Vpišite celoten naslov, ki se začne s https://, http:// ali mailto:.",
    help: "Alt+F10 premakne fokus v orodno vrstico; puščice izberejo gumb.",
  },
  en: {
    toolbar: "Text formatting: {field}", paragraph: "Paragraph", h2: "Heading 2", h3: "Heading 3",
    bold: "Bold (Ctrl+B)", italic: "Italic (Ctrl+I)", link: "Link (Ctrl+K)", ul: "Bulleted list", ol: "Numbered list",
    undo: "Undo (Ctrl+Z)", redo: "Redo (Ctrl+Y)", source: "HTML source (advanced)", sourceLabel: "HTML source: {field}",
    linkTitle: "Link", linkURL: "Link address (https://… or mailto:…)", linkInsert: "Insert link", linkRemove: "Remove link",
    cancel: "Cancel", linkBad: "Enter a full address starting with https://, http:// or mailto:.",
    help: "Alt+F10 moves the focus to the toolbar; the arrow keys choose a button.",
  },
};

function w(key, params = {}) {
  const s = (words[getLang()] || words.sl)[key] ?? words.sl[key] ?? key;
  return s.replace(/\{(\w+)\}/g, (_, k) => String(params[k] ?? ""));
}

// What cleanHTML writes, and how everything else maps onto it.
const headings = { h1: "h2", h2: "h2", h3: "h3", h4: "h3", h5: "h3", h6: "h3" };
const dropped = new Set(["script", "style", "template", "head", "title", "meta", "link", "base", "iframe", "frame", "frameset",
  "object", "embed", "applet", "noscript", "svg", "math", "xml", "button", "select", "textarea", "input", "img", "picture",
  "video", "audio", "source", "track", "canvas", "map", "form", "dialog"]);
const blockish = new Set(["p", "div", "section", "article", "aside", "main", "header", "footer", "nav", "blockquote", "pre",
  "figure", "figcaption", "address", "center", "dd", "dt", "dl", "td", "th", "caption", "details", "summary", "hgroup", "li"]);
const containers = new Set(["table", "thead", "tbody", "tfoot", "tr", "body", "html", "colgroup"]);

/** safeHref is the href kept for a link, or "" (only http, https, mailto and same-site paths). */
export function safeHref(href) {
  const v = String(href || "").trim();
  if (/^(https?:\/\/[^\s<>"]+|mailto:[^\s<>"]+)$/i.test(v)) return v;
  if (/^\/(?!\/)[^\s<>"]*$/.test(v) || /^#[^\s<>"]*$/.test(v)) return v;
  return "";
}

/** hidden says whether an element of pasted content is not meant to be seen (Word's list bullets, display:none). */
function hidden(el) {
  const style = (el.getAttribute("style") || "").toLowerCase().replace(/\s+/g, "");
  return /(?:^|;)display:none/.test(style) || /(?:^|;)mso-list:ignore/.test(style) || el.hasAttribute("hidden");
}

/** marks are the emphasis an element's own style asks for (Google Docs writes <span style="font-weight:700">). */
function marks(el) {
  const style = (el.getAttribute("style") || "").toLowerCase().replace(/\s+/g, "");
  const tag = el.localName;
  const normal = /(?:^|;)font-weight:(normal|400|300|200|100|lighter)/.test(style);
  return {
    strong: !normal && (tag === "b" || tag === "strong" || /(?:^|;)font-weight:(bold|bolder|[6-9]00)/.test(style)),
    em: tag === "i" || tag === "em" || tag === "cite" || tag === "var" || /(?:^|;)font-style:(italic|oblique)/.test(style),
  };
}

/** hasBlocks says whether el holds block-level children (so it is a container, not one paragraph). */
function hasBlocks(el) {
  for (const c of el.children) {
    const tag = c.localName;
    if (dropped.has(tag) || hidden(c)) continue;
    if (headings[tag] || tag === "ul" || tag === "ol" || blockish.has(tag) || containers.has(tag)) return true;
  }
  return false;
}

/**
 * cleanHTML turns any HTML (typed, pasted from Word or Google Docs, or
 * stored) into the subset the server keeps: p, h2, h3, ul/ol/li, strong,
 * em, a href (http, https, mailto, same-site paths), br. Everything else is
 * unwrapped to its text or dropped with its content (scripts, styles,
 * images, form controls, Word's hidden list bullets). The input is parsed
 * in an inert document: nothing in it loads or runs.
 */
export function cleanHTML(html) {
  const src = new DOMParser().parseFromString("<!doctype html><body>" + String(html ?? ""), "text/html").body;
  const out = document.createElement("div");
  let para = null; // the open paragraph loose inline content goes into
  let wordList = null; // the list Word's list paragraphs are gathered into
  const block = tag => { para = null; const e = document.createElement(tag); out.append(e); return e; };
  const loose = () => { if (!para) { para = document.createElement("p"); out.append(para); } return para; };

  const inline = (node, target, inLink) => {
    if (node.nodeType === Node.TEXT_NODE) {
      const text = node.data.replace(/[\t\n\r ]+/g, " ");
      if (text) target.append(text);
      return;
    }
    if (node.nodeType !== Node.ELEMENT_NODE) return;
    const tag = node.localName;
    if (dropped.has(tag) || hidden(node)) return;
    if (tag === "br") { target.append(document.createElement("br")); return; }
    if ((tag === "ul" || tag === "ol") && target.localName === "li") {
      const list = document.createElement(tag);
      items(node, list);
      if (list.childNodes.length) target.append(list);
      return;
    }
    if ((headings[tag] || blockish.has(tag) || tag === "ul" || tag === "ol" || containers.has(tag)) && target.childNodes.length &&
      target.lastChild.nodeName !== "BR") {
      target.append(document.createElement("br"));
    }
    let into = target;
    if (tag === "a" && !inLink && safeHref(node.getAttribute("href"))) {
      const a = document.createElement("a");
      a.setAttribute("href", safeHref(node.getAttribute("href")));
      into.append(a);
      into = a;
      inLink = true;
    }
    const mk = marks(node);
    if (mk.strong && !target.closest("strong")) { const s = document.createElement("strong"); into.append(s); into = s; }
    if (mk.em && !target.closest("em")) { const e = document.createElement("em"); into.append(e); into = e; }
    for (const c of node.childNodes) inline(c, into, inLink);
  };

  const items = (list, target) => {
    for (const c of list.childNodes) {
      if (c.nodeType === Node.ELEMENT_NODE && (dropped.has(c.localName) || hidden(c))) continue;
      if (c.nodeType === Node.TEXT_NODE && !c.data.trim()) continue;
      if (c.nodeType === Node.ELEMENT_NODE && (c.localName === "ul" || c.localName === "ol") && target.lastElementChild) {
        inline(c, target.lastElementChild, false);
        continue;
      }
      const li = document.createElement("li");
      if (c.nodeType === Node.ELEMENT_NODE && c.localName === "li") for (const g of c.childNodes) inline(g, li, false);
      else inline(c, li, false);
      target.append(li);
    }
  };

  const blocks = parent => {
    for (const node of parent.childNodes) {
      if (node.nodeType === Node.TEXT_NODE) {
        if (node.data.trim() || para) inline(node, loose(), false);
        continue;
      }
      if (node.nodeType !== Node.ELEMENT_NODE) continue;
      const tag = node.localName;
      if (dropped.has(tag) || hidden(node)) continue;
      const style = (node.getAttribute("style") || "").toLowerCase();
      if (tag !== "li" && /mso-list:\s*l\d/.test(style)) {
        // A Word list paragraph: its hidden bullet says bulleted or numbered.
        const bullet = [...node.querySelectorAll("span")].filter(hidden).map(s => s.textContent).join("").trim();
        const kind = /^[0-9a-zA-Z]{1,4}[.)]/.test(bullet) ? "ol" : "ul";
        if (!wordList || wordList.localName !== kind || out.lastElementChild !== wordList) wordList = block(kind);
        const li = document.createElement("li");
        for (const c of node.childNodes) inline(c, li, false);
        wordList.append(li);
        para = null;
        continue;
      }
      if (headings[tag]) { const e = block(headings[tag]); for (const c of node.childNodes) inline(c, e, false); continue; }
      if (tag === "ul" || tag === "ol") { items(node, block(tag)); continue; }
      if (tag === "br") { if (para) para = null; continue; }
      if (tag === "hr") { para = null; continue; }
      if (containers.has(tag) || (blockish.has(tag) && hasBlocks(node))) { para = null; blocks(node); para = null; continue; }
      if (blockish.has(tag)) { const e = block("p"); for (const c of node.childNodes) inline(c, e, false); para = null; continue; }
      inline(node, loose(), false);
    }
  };
  blocks(src);
  tidy(out);
  return out.innerHTML;
}

/** tidy drops what carries no text: empty marks and links, empty paragraphs, trailing breaks; trims paragraph edges. */
function tidy(root) {
  for (const e of [...root.querySelectorAll("strong, em, a")].reverse()) if (!e.textContent.trim() && !e.querySelector("br")) e.replaceWith(...e.childNodes);
  for (const e of root.querySelectorAll("p, h2, h3, li")) {
    while (e.lastChild && (e.lastChild.nodeName === "BR" || (e.lastChild.nodeType === Node.TEXT_NODE && !e.lastChild.data.trim()))) e.lastChild.remove();
    while (e.firstChild && (e.firstChild.nodeName === "BR" || (e.firstChild.nodeType === Node.TEXT_NODE && !e.firstChild.data.trim()))) e.firstChild.remove();
    if (e.firstChild && e.firstChild.nodeType === Node.TEXT_NODE) e.firstChild.data = e.firstChild.data.replace(/^ +/, "");
    if (e.lastChild && e.lastChild.nodeType === Node.TEXT_NODE) e.lastChild.data = e.lastChild.data.replace(/ +$/, "");
  }
  for (const e of [...root.querySelectorAll("p, h2, h3, li, ul, ol")].reverse()) if (!e.textContent.trim()) e.remove();
  root.normalize();
}

let uid = 0;

/**
 * richEditor edits obj[key] (HTML; the key is deleted when empty). opts:
 * label (the field's visible name), id (of the editable area), pointer
 * (the JSON Pointer field errors are matched by), lang (of the text).
 */
export function richEditor(obj, key, { label, id, pointer, lang } = {}) {
  const n = ++uid;
  id ||= "rte" + n;
  const legendID = id + "-label";
  const area = h("div", {
    id, class: "rte-area", contenteditable: "true", role: "textbox", "aria-multiline": "true", "aria-labelledby": legendID,
    "aria-describedby": id + "-help", "data-pointer": pointer, lang, spellcheck: "true",
  });
  area.innerHTML = cleanHTML(obj[key] || "") || "<p><br></p>";
  const source = h("textarea", { id: id + "-html", rows: "6", spellcheck: "false", class: "rte-source-text" });
  source.value = obj[key] || "";
  let range = null; // the editor's last selection, restored before a command from the toolbar

  const commit = () => {
    const html = cleanHTML(area.innerHTML);
    if (html) obj[key] = html; else delete obj[key];
    source.value = html;
  };
  area.addEventListener("input", () => { saveRange(); commit(); });
  area.addEventListener("focus", () => { document.execCommand("defaultParagraphSeparator", false, "p"); document.execCommand("styleWithCSS", false, false); });
  const saveRange = () => {
    const sel = document.getSelection();
    if (sel.rangeCount && area.contains(sel.anchorNode)) { range = sel.getRangeAt(0).cloneRange(); return true; }
    return false;
  };
  document.addEventListener("selectionchange", () => { if (saveRange()) updateState(); });
  source.addEventListener("input", () => {
    // What is typed as HTML goes to the server as typed (it refuses what
    // could run, 422 beside the field); the editor shows the clean form.
    if (source.value.trim()) obj[key] = source.value; else delete obj[key];
    area.innerHTML = cleanHTML(source.value) || "<p><br></p>";
  });

  const restore = saved => {
    // Still in the editor (a mouse click on the toolbar keeps the focus):
    // its live selection is the one to act on.
    const sel0 = document.getSelection();
    if (!saved && document.activeElement === area && sel0.rangeCount && area.contains(sel0.anchorNode)) return;
    area.focus();
    if (range && area.contains(range.startContainer)) {
      const sel = document.getSelection();
      sel.removeAllRanges();
      sel.addRange(range);
    }
  };
  const exec = (cmd, arg) => () => {
    restore();
    document.execCommand(cmd, false, arg);
    commit();
    area.dispatchEvent(new Event("change", { bubbles: true }));
    updateState();
  };

  const button = (name, glyph, onclick, extra = {}) => h("button", {
    type: "button", tabindex: "-1", title: w(name), "data-command": name, onclick,
    onmousedown: ev => ev.preventDefault(), // the editor keeps the focus and selection
    ...extra,
  }, typeof glyph === "string" ? h("span", { "aria-hidden": "true", text: glyph }) : glyph, h("span", { class: "vh", text: w(name) }));
  const tools = [
    button("paragraph", "¶", exec("formatBlock", "p"), { "aria-pressed": "false" }),
    button("h2", "H2", exec("formatBlock", "h2"), { "aria-pressed": "false" }),
    button("h3", "H3", exec("formatBlock", "h3"), { "aria-pressed": "false" }),
    button("bold", "B", exec("bold"), { "aria-pressed": "false", class: "rte-b" }),
    button("italic", "I", exec("italic"), { "aria-pressed": "false", class: "rte-i" }),
    button("link", linkIcon(), () => linkDialog()),
    button("ul", "•≡", exec("insertUnorderedList"), { "aria-pressed": "false" }),
    button("ol", "1≡", exec("insertOrderedList"), { "aria-pressed": "false" }),
    button("undo", "↶", exec("undo")),
    button("redo", "↷", exec("redo")),
  ];
  tools[0].tabIndex = 0;
  const toolbar = h("div", { class: "toolbar rte-toolbar", role: "toolbar", "aria-label": w("toolbar", { field: label }), "aria-controls": id }, tools);
  // One tab stop for the whole toolbar; the arrow keys move within it.
  toolbar.addEventListener("keydown", ev => {
    const i = tools.indexOf(document.activeElement);
    if (i < 0) return;
    let j = null;
    if (ev.key === "ArrowRight") j = (i + 1) % tools.length;
    else if (ev.key === "ArrowLeft") j = (i + tools.length - 1) % tools.length;
    else if (ev.key === "Home") j = 0;
    else if (ev.key === "End") j = tools.length - 1;
    else if (ev.key === "Escape") { ev.preventDefault(); restore(); return; }
    if (j === null) return;
    ev.preventDefault();
    tools.forEach((b, k) => { b.tabIndex = k === j ? 0 : -1; });
    tools[j].focus();
  });

  function updateState() {
    const state = c => { try { return document.queryCommandState(c); } catch (e) { return false; } };
    let fmt = "";
    try { fmt = String(document.queryCommandValue("formatBlock") || "").toLowerCase(); } catch (e) { /* none */ }
    const pressed = { paragraph: fmt === "p" || fmt === "div", h2: fmt === "h2", h3: fmt === "h3", bold: state("bold"), italic: state("italic"),
      ul: state("insertUnorderedList"), ol: state("insertOrderedList") };
    for (const b of tools) if (b.dataset.command in pressed) b.setAttribute("aria-pressed", String(!!pressed[b.dataset.command]));
  }

  area.addEventListener("keydown", ev => {
    // The selection is saved now: selectionchange comes as a task of its
    // own, and a keystroke that follows at once (input runs first) could
    // leave the toolbar acting on where the caret was before the last
    // letters typed.
    if (ev.altKey && ev.key === "F10") { ev.preventDefault(); saveRange(); (tools.find(b => b.tabIndex === 0) || tools[0]).focus(); return; }
    if ((ev.ctrlKey || ev.metaKey) && !ev.altKey && ev.key.toLowerCase() === "k") { ev.preventDefault(); linkDialog(); }
  });
  area.addEventListener("paste", ev => {
    const data = ev.clipboardData;
    if (!data) return;
    ev.preventDefault();
    const html = data.getData("text/html");
    const clean = html ? cleanHTML(html)
      : cleanHTML(data.getData("text/plain").split(/\r?\n\s*\r?\n/).map(p => "<p>" + escapeText(p).replace(/\r?\n/g, "<br>") + "</p>").join(""));
    if (clean) document.execCommand("insertHTML", false, clean);
    commit();
  });
  area.addEventListener("drop", ev => {
    // Dropped HTML goes through the same cleaning as pasted HTML.
    const html = ev.dataTransfer && ev.dataTransfer.getData("text/html");
    if (!html) return;
    ev.preventDefault();
    const pos = document.caretRangeFromPoint && document.caretRangeFromPoint(ev.clientX, ev.clientY);
    if (pos) { const sel = document.getSelection(); sel.removeAllRanges(); sel.addRange(pos); }
    document.execCommand("insertHTML", false, cleanHTML(html));
    commit();
  });

  function linkDialog() {
    saveRange();
    const sel = document.getSelection();
    const inEditor = range && area.contains(range.startContainer);
    const anchor = inEditor ? (range.startContainer.nodeType === 1 ? range.startContainer : range.startContainer.parentElement).closest("a") : null;
    const url = h("input", { type: "url", id: id + "-link-url", value: anchor ? anchor.getAttribute("href") : "https://", required: true });
    const err = h("p", { class: "field-error", id: id + "-link-error", hidden: true });
    const dialog = h("dialog", { class: "rte-link", "aria-labelledby": id + "-link-title" },
      h("h2", { id: id + "-link-title", text: w("linkTitle") }),
      h("form", { method: "dialog", novalidate: true },
        h("div", { class: "field" }, h("label", { for: url.id, text: w("linkURL") }), url, err),
        h("div", { class: "actions" },
          h("button", { type: "submit", class: "primary", value: "insert", text: w("linkInsert") }),
          anchor ? h("button", { type: "submit", value: "remove", text: w("linkRemove") }) : null,
          h("button", { type: "submit", value: "cancel", formnovalidate: true, text: w("cancel") }))));
    const form = dialog.querySelector("form");
    // The buttons act at once; the close event (Escape) only cancels, and
    // only when it comes: a background tab may hold it back, and the
    // editor's next keystrokes must not land before the link does.
    let done = false;
    form.addEventListener("submit", ev => {
      ev.preventDefault();
      const what = ev.submitter ? ev.submitter.value : "insert";
      if (what === "insert" && !safeHref(url.value)) {
        err.textContent = w("linkBad"); err.hidden = false;
        url.setAttribute("aria-invalid", "true"); url.setAttribute("aria-describedby", err.id);
        url.focus();
        return;
      }
      finish(what);
    });
    dialog.addEventListener("close", () => finish("cancel"));
    const finish = what => {
      if (done) return;
      done = true;
      if (dialog.open) dialog.close();
      dialog.remove();
      restore(true); // the selection from before the dialog
      if (what === "remove") {
        const r = document.createRange(); r.selectNodeContents(anchor);
        sel.removeAllRanges(); sel.addRange(r);
        document.execCommand("unlink");
      } else if (what === "insert") {
        const href = safeHref(url.value);
        if (anchor) anchor.setAttribute("href", href);
        else if (sel.rangeCount && !sel.getRangeAt(0).collapsed) document.execCommand("createLink", false, href);
        else { const a = h("a", { href, text: href }); document.execCommand("insertHTML", false, a.outerHTML); }
      }
      commit();
      area.dispatchEvent(new Event("change", { bubbles: true }));
    };
    document.body.append(dialog);
    dialog.showModal();
    url.select();
  }

  return h("fieldset", { class: "field rte", "data-rte": key, lang: getLang() },
    h("legend", { id: legendID, text: label }),
    toolbar,
    area,
    h("p", { class: "hint", id: id + "-help", text: w("help") }),
    h("details", { class: "rte-source" }, h("summary", { text: w("source") }),
      h("label", { for: source.id, class: "vh", text: w("sourceLabel", { field: label }) }), source));
}

/** linkIcon is a chain-link picture (Feather's "link", MIT); the fonts may lack an emoji. */
function linkIcon() {
  const tpl = document.createElement("template");
  tpl.innerHTML = '<svg aria-hidden="true" focusable="false" viewBox="0 0 24 24" width="18" height="18" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">' +
    '<path d="M10 13a5 5 0 0 0 7.54.54l3-3a5 5 0 0 0-7.07-7.07l-1.72 1.71"/><path d="M14 11a5 5 0 0 0-7.54-.54l-3 3a5 5 0 0 0 7.07 7.07l1.71-1.71"/></svg>';
  return tpl.content.firstChild;
}

function escapeText(s) {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

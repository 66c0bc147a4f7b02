import { getLang } from "./i18n.js";
import { m } from "./messages.js";
import { clearFieldErrors } from "./fielderrors.js";
import { saveAnnounced } from "./safety.js";

// A tiny element builder: text is always set as text; the only HTML we
// insert is rich text the server has already sanitized (the "html" key).
export function h(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "text") e.textContent = v;
    else if (k === "html") e.innerHTML = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else if (k === "value") e.value = v;
    else if (k === "checked") e.checked = !!v;
    else e.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat(Infinity)) if (c !== null && c !== undefined && c !== false) e.append(c);
  return e;
}

let uid = 0;
/** field is a labelled control: label, input, optional hint. */
export function field(label, control, hint) {
  const id = control.id || "f" + ++uid;
  control.id = id;
  const parts = [h("label", { for: id, text: label }), control];
  if (hint) {
    const hid = id + "-hint";
    control.setAttribute("aria-describedby", hid);
    parts.push(h("p", { class: "hint", id: hid, text: hint }));
  }
  return h("div", { class: "field" }, parts);
}

export function select(options, value, attrs = {}) {
  return h("select", attrs, options.map(([v, label]) => h("option", { value: v, text: label, selected: v === value })));
}

export function formatSize(bytes) {
  if (bytes == null) return "";
  if (bytes < 1024) return bytes + " B";
  if (bytes < 1024 * 1024) return (bytes / 1024).toFixed(0) + " KB";
  if (bytes < 1024 * 1024 * 1024) return (bytes / 1024 / 1024).toFixed(1) + " MB";
  return (bytes / 1024 / 1024 / 1024).toFixed(2) + " GB";
}

/** TZ is the editors' time zone: every time on screen is its wall time, whatever the browser's zone. */
export const TZ = "Europe/Ljubljana";

/** formatTime is an instant as TZ's wall time, in the interface language. */
export function formatTime(s) {
  if (!s) return "";
  const d = new Date(s);
  return isNaN(d) ? s : d.toLocaleString(getLang() === "sl" ? "sl-SI" : "en-GB", { timeZone: TZ });
}

let clearTimer = 0;

/**
 * announce puts a message in the page's live region for screen readers and
 * sighted users. The bar sits at the end of the page (sticky, never over
 * the last controls: the page scrolls past it), an information leaves by
 * itself after a few seconds, an error stays until the next action or its
 * close button. A message that is not an error also clears the screen's
 * field errors: the save they were about has succeeded. An information
 * that leaves by itself leaves its room behind (a spacer as tall as the
 * bar, the phone's save bar where it was): nothing on the page moves under
 * a pointer on its way to a button.
 */
export function announce(msg, kind = "info") {
  const s = document.getElementById("status");
  let bar = document.getElementById("status-bar");
  if (!bar) {
    bar = document.createElement("div");
    bar.id = "status-bar";
    s.replaceWith(bar);
    const close = document.createElement("button");
    close.type = "button";
    close.id = "status-close";
    close.textContent = "×";
    close.addEventListener("click", () => announce(""));
    bar.append(s, close);
  }
  const close = document.getElementById("status-close");
  close.setAttribute("aria-label", m("dismiss"));
  clearTimeout(clearTimer);
  let spacer = document.getElementById("status-spacer");
  if (!spacer) {
    spacer = document.createElement("div");
    spacer.id = "status-spacer";
    spacer.setAttribute("aria-hidden", "true");
    bar.before(spacer);
  }
  spacer.style.height = "0px";
  s.textContent = msg;
  s.dataset.kind = kind;
  bar.dataset.kind = kind;
  bar.hidden = !msg;
  // The phone's sticky save bar sits above the message bar, not under it.
  document.documentElement.style.setProperty("--status-h", msg ? bar.offsetHeight + "px" : "0px");
  if (msg) saveAnnounced(kind);
  if (msg && kind !== "error") {
    document.querySelectorAll("#view form").forEach(clearFieldErrors);
    clearTimer = setTimeout(() => {
      if (s.textContent !== msg) return;
      spacer.style.height = bar.offsetHeight + "px";
      s.textContent = "";
      bar.hidden = true;
    }, 6000);
  }
}

// Field errors beside their fields: the server names every problem of a
// request at once (errors: [{pointer, code, detail}]); each is said in the
// interface language under the control whose data-pointer matches,
// marked aria-invalid and tied to it with aria-describedby. A summary at
// the top of the form links to each field. An error leaves as soon as its
// field is edited, the summary when the last one has.
import { m } from "./messages.js";

/** controlFor is the form's control for a JSON Pointer, or the nearest one above or below it. */
function controlFor(form, pointer) {
  const all = [...form.querySelectorAll("[data-pointer]")];
  for (let p = pointer; p; p = p.replace(/\/[^/]*$/, "")) {
    const exact = all.find(e => e.dataset.pointer === p);
    if (exact) return exact;
    const below = all.find(e => e.dataset.pointer.startsWith(p + "/"));
    if (below) return below;
  }
  return null;
}

/** fieldLabel is the visible name of a control (its label, legend or aria-label). */
function fieldLabel(control) {
  const byFor = control.id && control.ownerDocument.querySelector(`label[for="${CSS.escape(control.id)}"]`);
  if (byFor) return byFor.textContent.trim();
  if (control.getAttribute("aria-label")) return control.getAttribute("aria-label");
  const legend = control.closest("fieldset") && control.closest("fieldset").querySelector("legend");
  return legend ? legend.textContent.trim() : control.dataset.pointer;
}

/** reveal shows the tab panel a control is in, so focusing it works. */
function reveal(control) {
  const panel = control.closest("[role=tabpanel]");
  if (panel && panel.hidden) {
    const tab = document.getElementById(panel.getAttribute("aria-labelledby"));
    if (tab) tab.click();
  }
}

function describedBy(control, id, add) {
  const ids = (control.getAttribute("aria-describedby") || "").split(/\s+/).filter(x => x && x !== id);
  if (add) ids.push(id);
  if (ids.length) control.setAttribute("aria-describedby", ids.join(" "));
  else control.removeAttribute("aria-describedby");
}

/** clearError removes one control's error. */
function clearError(form, control) {
  const id = control.id + "-error";
  const msg = document.getElementById(id);
  if (msg) msg.remove();
  describedBy(control, id, false);
  control.removeAttribute("aria-invalid");
  const link = form.querySelector(`.error-summary a[data-for="${CSS.escape(control.id)}"]`);
  if (link) link.closest("li").remove();
  const summary = form.querySelector(".error-summary");
  if (summary) {
    const left = summary.querySelectorAll("li").length;
    if (!left) summary.remove();
    else summary.querySelector(".error-count").textContent = left === 1 ? m("errorSummary1") : m("errorSummary", { n: left });
  }
}

/** clearFieldErrors removes every field error of a form. */
export function clearFieldErrors(form) {
  if (!form) return;
  form.querySelectorAll("[aria-invalid=true]").forEach(c => clearError(form, c));
  form.querySelectorAll(".error-summary, .field-error").forEach(e => e.remove());
}

let uid = 0;

/**
 * messageFor says a field error in the interface language; a range the
 * server names ("must be between 1900 and 2026") is said with its bounds.
 */
function messageFor(e, control) {
  const range = e.code === "out_of_range" && /between (-?[\d.]+) and (-?[\d.]+)/.exec(e.detail || e.problem || "");
  if (range) return m("code_out_of_range_between", { min: range[1], max: range[2] });
  // A whole-number box holds what was typed ("19x5"): say what belongs there.
  if (e.code === "wrong_type" && control && control.dataset.whole) return m("code_wrong_type_whole");
  return m("code_" + (e.code || "invalid"));
}

/**
 * showFieldErrors puts each of a problem's field errors beside its field
 * in form; false when the problem names none.
 */
export function showFieldErrors(form, problem) {
  const errors = (problem && problem.errors) || [];
  if (!form || !errors.length) return false;
  clearFieldErrors(form);
  if (!form.dataset.fieldErrors) {
    // Editing a marked field is dealing with its error.
    const onEdit = ev => {
      const c = ev.target.closest("[aria-invalid=true]");
      if (c && form.contains(c)) clearError(form, c);
    };
    form.addEventListener("input", onEdit);
    form.addEventListener("change", onEdit);
    form.dataset.fieldErrors = "on";
  }
  const items = [];
  const others = [];
  for (const e of errors) {
    const pointer = e.pointer ?? "";
    const control = pointer ? controlFor(form, pointer) : null;
    const text = messageFor(e, control);
    if (!control) { others.push(text + (e.field ? " (" + e.field + ")" : "")); continue; }
    if (!control.id) control.id = "fe" + ++uid;
    const id = control.id + "-error";
    let msg = document.getElementById(id);
    if (msg) { msg.textContent += " " + text; continue; }
    msg = document.createElement("p");
    msg.className = "field-error";
    msg.id = id;
    msg.dataset.code = e.code || "invalid";
    msg.textContent = text;
    const wrap = control.closest(".field") || control.parentElement;
    wrap.append(msg);
    control.setAttribute("aria-invalid", "true");
    describedBy(control, id, true);
    items.push([control, text]);
  }
  const summary = document.createElement("div");
  summary.className = "error-summary";
  summary.setAttribute("role", "alert");
  summary.tabIndex = -1;
  const count = document.createElement("p");
  count.className = "error-count";
  const n = items.length + others.length;
  count.textContent = n === 1 ? m("errorSummary1") : m("errorSummary", { n });
  const list = document.createElement("ul");
  // The summary reads in the form's order, not the server's.
  items.sort(([a], [b]) => (a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1));
  for (const [control, text] of items) {
    const a = document.createElement("a");
    a.href = "#" + control.id;
    a.dataset.for = control.id;
    a.textContent = fieldLabel(control) + ": " + text;
    // The hash routes screens: follow the link by focusing, not navigating.
    a.addEventListener("click", ev => { ev.preventDefault(); reveal(control); control.focus(); });
    const li = document.createElement("li");
    li.append(a);
    list.append(li);
  }
  for (const text of others) {
    const li = document.createElement("li");
    li.textContent = text;
    list.append(li);
  }
  summary.append(count, list);
  form.prepend(summary);
  summary.focus();
  return true;
}

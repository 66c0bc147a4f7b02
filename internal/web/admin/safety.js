// Safety nets: a confirmation before actions that take something away
// (revoke, restore a version, withdraw or restore a document, purge,
// discard, unpublish, archive), a guard before leaving a form with unsaved
// changes, and Ctrl+S (⌘S) to save. The confirmations are one capture-phase
// click listener matched by selector or visible name, so every screen's
// buttons get them without each screen asking.
import { m } from "./messages.js";

let dirty = false;
let submitted = false;

/** isDirty says whether the shown form has changes not yet saved. */
export function isDirty() { return dirty; }

/** markClean forgets the unsaved changes (a new screen, a save). */
export function markClean() { dirty = false; submitted = false; }

/** saveAnnounced is told of every message: information after a submit means the save went through. */
export function saveAnnounced(kind) {
  if (submitted && kind === "info") markClean();
  if (kind === "error") submitted = false;
}

/** confirmDialog asks a yes/no question in a modal dialog; resolves true for yes. */
export function confirmDialog(text, yesLabel) {
  return new Promise(resolve => {
    const dialog = document.createElement("dialog");
    dialog.id = "confirm-dialog";
    dialog.setAttribute("aria-labelledby", "confirm-title");
    dialog.setAttribute("aria-describedby", "confirm-text");
    const title = document.createElement("h2");
    title.id = "confirm-title";
    title.textContent = m("confirmTitle");
    const p = document.createElement("p");
    p.id = "confirm-text";
    p.textContent = text;
    const yes = document.createElement("button");
    yes.type = "button";
    yes.className = "danger";
    yes.id = "confirm-yes";
    yes.textContent = yesLabel || m("confirmYes");
    const no = document.createElement("button");
    no.type = "button";
    no.id = "confirm-no";
    no.textContent = m("confirmNo");
    const row = document.createElement("div");
    row.className = "actions";
    row.append(no, yes);
    dialog.append(title, p, row);
    let answer = false, done = false;
    // The buttons answer at once; the close event (Escape) only when it
    // comes: a background tab may hold it back.
    const finish = () => {
      if (done) return;
      done = true;
      if (dialog.open) dialog.close();
      dialog.remove();
      resolve(answer);
    };
    yes.addEventListener("click", () => { answer = true; finish(); });
    no.addEventListener("click", finish);
    dialog.addEventListener("close", finish);
    document.body.append(dialog);
    dialog.showModal();
    no.focus(); // the safe answer is the default
  });
}

const heading = () => (document.querySelector("#view h1") || {}).textContent || "";
const words = (b, ...names) => names.some(n => b.textContent.trim().toLowerCase().startsWith(n));

/** rules: which buttons ask first, and what they ask. */
const rules = [
  // The token this screen is signed in with: revoking it signs the person out.
  { match: b => b.matches("button[data-revoke]"), ask: b => m(b.dataset.own === "true" ? "confirmRevokeOwn" : "confirmRevoke", { name: (b.closest("tr") && b.closest("tr").querySelector("th") || {}).textContent || "" }) },
  { match: b => b.matches("#restore-version"), ask: b => m("confirmRestore", { n: ((b.closest(".version-diff") || document).querySelector("h3") || { textContent: "" }).textContent.replace(/\D+/g, "") }) },
  { match: b => b.matches("#doc-toggle") && words(b, "umakni", "withdraw"), ask: () => m("confirmWithdraw", { name: heading() }) },
  { match: b => b.matches("#doc-toggle"), ask: () => m("confirmRestoreDoc", { name: heading() }) },
  { match: b => b.matches("#purge, [data-action=purge]") || words(b, "trajno izbriši", "purge"), ask: () => m("confirmPurge", { name: heading() }) },
  { match: b => b.matches("#discard, #discard-draft, [data-action=discard]") || words(b, "zavrzi", "discard"), ask: () => m("confirmDiscard") },
  { match: b => b.matches("#unpublish"), ask: () => m("confirmUnpublish") },
  { match: b => b.matches("#archive"), ask: () => m("confirmArchive") },
  { match: b => b.matches("[data-confirm]"), ask: b => b.dataset.confirm },
];

document.addEventListener("click", async ev => {
  const b = ev.target.closest && ev.target.closest("button");
  if (!b || b.closest("dialog")) return;
  const rule = rules.find(r => r.match(b));
  if (!rule) return;
  if (b.dataset.confirmed === "yes") { delete b.dataset.confirmed; return; }
  ev.preventDefault();
  ev.stopImmediatePropagation();
  if (await confirmDialog(rule.ask(b), b.textContent.trim())) {
    b.dataset.confirmed = "yes";
    b.click();
  } else b.focus();
}, true);

// Typing in an editor's form makes it dirty; its submit may make it clean.
const recordForm = e => e && e.closest && e.closest("#view form.record");
document.addEventListener("input", ev => { if (recordForm(ev.target)) dirty = true; }, true);
document.addEventListener("change", ev => { if (recordForm(ev.target)) dirty = true; }, true);
document.addEventListener("submit", ev => { if (recordForm(ev.target)) submitted = true; }, true);

// Closing the tab or reloading with unsaved changes: the browser asks.
window.addEventListener("beforeunload", ev => { if (dirty) { ev.preventDefault(); ev.returnValue = ""; } });

// Ctrl+S / ⌘S saves the form on screen instead of saving the web page.
document.addEventListener("keydown", ev => {
  if ((ev.ctrlKey || ev.metaKey) && !ev.altKey && ev.key.toLowerCase() === "s") {
    const form = recordForm(document.activeElement) || document.querySelector("#view form.record");
    if (!form) return;
    ev.preventDefault();
    form.requestSubmit();
  }
});

/**
 * leaveAllowed asks before the router leaves a form with unsaved changes;
 * the caller puts the old address back when it resolves false.
 */
export async function leaveAllowed() {
  if (!dirty) return true;
  if (await confirmDialog(m("leaveUnsaved"), m("leaveYes"))) { markClean(); return true; }
  return false;
}

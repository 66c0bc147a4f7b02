// Attaching files by dragging them onto a document field of the
// partnership editor (the crest, the documents): each file dropped from
// the desktop is uploaded with its own progress bar and then picked in the
// field, or says clearly why not (a file already stored is picked as the
// document it is). A file button beside the zone does the same from the
// keyboard.
import { api, ApiError } from "./api.js";
import { h, formatSize, announce } from "./dom.js";
import { t, getLang } from "./i18n.js";
import { uploadFile } from "./upload.js";
import { problemText } from "./app.js";
import { mw } from "./media_words.js";

const loc = (v, l) => (v && (v[l] || v.sl || Object.values(v)[0])) || "";

/**
 * fieldDrop is a drop zone for one field. kind() is the kind a dropped
 * file is stored as; accept filters the file button; image: only images
 * are taken (the crest); partnershipID() names the record (none while it
 * is new); picked(doc) puts the document in the field.
 */
export function fieldDrop({ id, label, kind, accept, image, partnershipID, picked }) {
  const list = h("ul", { class: "uploads", id: id + "-uploads", "aria-live": "polite" });
  const button = h("input", { type: "file", id: id + "-file", accept, multiple: !image });
  const zone = h("div", { class: "dropzone field-drop", id, "data-drop": kind() },
    h("p", { text: mw("dropOnField") }),
    h("label", { for: button.id, text: label }), button, list);
  const one = async file => {
    const bar = h("progress", { max: "100", value: "0", "aria-label": t("uploading", { p: 0 }) + " " + file.name });
    const state = h("span", { class: "state", text: t("uploading", { p: 0 }) });
    const item = h("li", { "data-file": file.name }, h("span", { class: "name", text: file.name + " (" + formatSize(file.size) + ")" }), bar, state);
    list.append(item);
    const failed = text => {
      item.dataset.done = "false";
      bar.remove(); // a failed upload shows no bar that could read as done
      state.textContent = text;
      state.setAttribute("role", "alert");
    };
    if (image && !file.type.startsWith("image/")) return failed(mw("dropNotAllowed", { why: mw("notACrest") }));
    const meta = { kind: kind(), title: { sl: file.name.replace(/\.[^.]+$/, "") } };
    if (partnershipID()) meta.partnership_ids = [partnershipID()];
    let doc;
    try {
      doc = await uploadFile(file, meta, (phase, f) => {
        const p = Math.floor(f * 100);
        if (phase === "hash") { state.textContent = t("hashing") + " " + p + " %"; return; }
        bar.value = p;
        bar.setAttribute("aria-label", t("uploading", { p }) + " " + file.name);
        state.textContent = t("uploading", { p });
      });
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 409 && e.problem.duplicate_of)) return failed(t("uploadFailed") + ": " + problemText(e));
      // Stored already: that document is the one meant.
      try { doc = await api("/api/v1/documents/" + e.problem.duplicate_of); } catch (x) { return failed(t("uploadFailed") + ": " + problemText(x)); }
      if (image && doc.kind !== "crest") return failed(mw("dropNotAllowed", { why: mw("notACrest") }));
    }
    bar.value = 100;
    picked(doc);
    item.dataset.done = "true";
    state.textContent = mw("dropAttached", { title: loc(doc.title, getLang()) || doc.file.original_filename });
    announce(state.textContent);
  };
  const take = files => { for (const f of image ? [...files].slice(0, 1) : files) one(f); };
  button.addEventListener("change", () => { take(button.files); button.value = ""; });
  zone.addEventListener("dragover", e => { e.preventDefault(); zone.classList.add("over"); });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", e => { e.preventDefault(); zone.classList.remove("over"); take(e.dataTransfer.files); });
  return zone;
}

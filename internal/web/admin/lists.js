// What the content lists (partnerships, blocks, pages) share: column
// headers that sort (the order kept in the address, so Back and a shared
// link return to it) and bulk actions — select rows, publish / unpublish /
// archive them after one confirmation, and a summary of what happened to
// each, a failed one named with its reason.
import { api, ApiError } from "./api.js";
import { getLang } from "./i18n.js";
import { h } from "./dom.js";
import { confirmDialog } from "./safety.js";
import { m } from "./messages.js";
import { problemText } from "./app.js";

const words = {
  sl: {
    sortAsc: "Razvrsti naraščajoče", sortDesc: "Razvrsti padajoče",
    select: "Izberi: {name}", selectAll: "Izberi vse na tej strani", bulk: "Dejanja z izbranimi",
    selected: "Izbranih: {n}", none: "Izberite vrstice s potrditvenimi polji.",
    publish: "Objavi izbrane", unpublish: "Umakni objavo izbranih", archive: "Arhiviraj izbrane",
    confirm_publish: "Res želite objaviti {n} {records}: {names}?",
    confirm_unpublish: "Res želite umakniti objavo {n} {records}: {names}? Z javne strani bodo izginili.",
    confirm_archive: "Res želite arhivirati {n} {records}: {names}? Z javne strani bodo izginili.",
    done_publish: "Objavljeno", done_unpublish: "Objava umaknjena", done_archive: "Arhivirano",
    result: "{action}: uspelo {ok} od {n}.", failed: "Ni uspelo", succeeded: "Uspelo",
    conflict: "nekdo drug je medtem spremenil ta zapis; odprite ga in poskusite znova.",
    wrongState: "v tem stanju zapisa to dejanje ni mogoče (na primer umik objave osnutka).", already: "Že prej v tem stanju",
    updated: "Spremenjeno", title: "Naslov", selection: "Izbira",
  },
  en: {
    sortAsc: "Sort ascending", sortDesc: "Sort descending",
    select: "Select: {name}", selectAll: "Select all on this page", bulk: "Actions on the selected",
    selected: "Selected: {n}", none: "Select rows with the check boxes.",
    publish: "Publish selected", unpublish: "Unpublish selected", archive: "Archive selected",
    confirm_publish: "Publish {n} {records}: {names}?",
    confirm_unpublish: "Unpublish {n} {records}: {names}? They will leave the public page.",
    confirm_archive: "Archive {n} {records}: {names}? They will leave the public page.",
    done_publish: "Published", done_unpublish: "Unpublished", done_archive: "Archived",
    result: "{action}: {ok} of {n} done.", failed: "Failed", succeeded: "Done",
    conflict: "someone else changed this record meanwhile; open it and try again.",
    wrongState: "this action is not possible in the record's status (such as unpublishing a draft).", already: "Already in that status",
    updated: "Updated", title: "Title", selection: "Selection",
  },
};

/** recordsWord is "zapis/zapisa/zapise/zapisov" (accusative, by the Slovenian dual and plural), "record(s)" in English. */
function recordsWord(n) {
  if (getLang() === "en") return n === 1 ? "record" : "records";
  const r = n % 100;
  return r === 1 ? "zapis" : r === 2 ? "zapisa" : r === 3 || r === 4 ? "zapise" : "zapisov";
}

export function w(key, params = {}) {
  const s = (words[getLang()] || words.sl)[key] ?? words.sl[key] ?? key;
  return s.replace(/\{(\w+)\}/g, (_, k) => String(params[k] ?? ""));
}

/** hashParams are the query parameters in the address's hash (#/blocks?sort=-key). */
export function hashParams() { return new URLSearchParams(location.hash.split("?")[1] || ""); }

/**
 * columnHeader is a column's <th>: with sortKey, a link that sorts by it
 * (ascending first, again for descending), aria-sort saying the current
 * order; route is the list's address without its query.
 */
export function columnHeader(label, sortKey, route, params, defaultSort) {
  if (!sortKey) return h("th", { scope: "col", text: label });
  const cur = params.get("sort") || defaultSort;
  const dir = cur === sortKey ? "ascending" : cur === "-" + sortKey ? "descending" : "none";
  const p = new URLSearchParams(params);
  p.set("sort", dir === "ascending" ? "-" + sortKey : sortKey);
  p.delete("page");
  return h("th", { scope: "col", "aria-sort": dir },
    h("a", { href: route + "?" + p, class: "sort", "data-sort": sortKey, title: dir === "ascending" ? w("sortDesc") : w("sortAsc") },
      label, h("span", { "aria-hidden": "true", class: "sort-mark", text: dir === "ascending" ? " ▲" : dir === "descending" ? " ▼" : " ↕" })));
}

// The status each action leads to: a record already there is not sent.
const target = { publish: "published", unpublish: "draft", archive: "archived" };

// A summary waiting for the list to be drawn again after a bulk action.
let pendingResult = null;

/**
 * bulkActions adds selection to a list: headCell() and cell(row) for the
 * table, bar for above it. kind is the API collection; name(row) what the
 * editor reads; reload() draws the list again (with the summary on top).
 */
export function bulkActions(kind, rows, name, reload) {
  const chosen = new Set();
  const boxes = [];
  const count = h("span", { class: "bulk-count", id: kind + "-bulk-count", "aria-live": "polite", text: w("selected", { n: 0 }) });
  const all = h("input", { type: "checkbox", id: kind + "-select-all" });
  const buttons = ["publish", "unpublish", "archive"].map(action => h("button", {
    type: "button", id: "bulk-" + action, "data-bulk": action, disabled: true, text: w(action), onclick: () => run(action),
  }));
  const update = () => {
    count.textContent = w("selected", { n: chosen.size });
    buttons.forEach(b => { b.disabled = !chosen.size; });
    all.checked = chosen.size > 0 && chosen.size === rows.length;
    all.indeterminate = chosen.size > 0 && chosen.size < rows.length;
  };
  all.addEventListener("change", () => {
    boxes.forEach(b => { b.checked = all.checked; b.checked ? chosen.add(b.dataset.id) : chosen.delete(b.dataset.id); });
    update();
  });

  async function run(action) {
    const picked = rows.filter(r => chosen.has(r.id));
    if (!picked.length) return;
    const names = picked.map(name);
    const question = w("confirm_" + action, { n: picked.length, records: recordsWord(picked.length), names: names.join(", ") });
    if (!(await confirmDialog(question, w(action)))) return;
    buttons.forEach(b => { b.disabled = true; });
    const ok = [], failed = [], already = [];
    for (const r of picked) {
      // A published record with a draft ("has_unpublished_changes") is
      // published again: its changes go public.
      if (r.status === target[action] && !(action === "publish" && r.has_unpublished_changes)) { already.push(name(r)); continue; }
      try {
        await api("/api/v1/" + kind + "/" + encodeURIComponent(r.id) + "/" + action, { method: "POST", version: r.version });
        ok.push(name(r));
      } catch (e) {
        failed.push([name(r), reason(e)]);
      }
    }
    pendingResult = { kind, action, ok, failed, already, n: picked.length };
    await reload();
  }

  const bar = h("div", { class: "bulk", role: "group", "aria-label": w("bulk") },
    h("span", { class: "check" }, all, h("label", { for: all.id, text: w("selectAll") })), count, buttons);
  return {
    bar,
    headCell: () => h("th", { scope: "col", class: "select" }, h("span", { class: "vh", text: w("selection") })),
    cell: row => {
      const box = h("input", { type: "checkbox", "data-id": row.id, "aria-label": w("select", { name: name(row) }) });
      box.addEventListener("change", () => { box.checked ? chosen.add(row.id) : chosen.delete(row.id); update(); });
      boxes.push(box);
      return h("td", { class: "select" }, box);
    },
  };
}

/** reason is why one record's action failed, in the interface language: each field's problem, else the status's words. */
function reason(e) {
  if (e instanceof ApiError && e.problem.errors && e.problem.errors.length) {
    return e.problem.errors.map(x => m("code_" + (x.code || "invalid")) + (x.field ? " (" + x.field + ")" : "")).join(" ");
  }
  if (e instanceof ApiError && e.status === 412) return w("conflict");
  if (e instanceof ApiError && e.status === 409) return w("wrongState");
  return problemText(e);
}

/** takeResult is the summary of the last bulk action on kind, once (null when there is none). */
export function takeResult(kind) {
  if (!pendingResult || pendingResult.kind !== kind) return null;
  const r = pendingResult;
  pendingResult = null;
  const head = w("result", { action: w("done_" + r.action), ok: r.ok.length + r.already.length, n: r.n });
  return h("section", { class: "panel bulk-result", id: "bulk-result", tabindex: "-1", role: r.failed.length ? "alert" : "status",
    "data-failed": String(r.failed.length), "aria-labelledby": "bulk-result-h" },
  h("h2", { id: "bulk-result-h", text: head }),
  r.ok.length ? h("p", { class: "ok" }, h("strong", { text: w("succeeded") + ": " }), r.ok.join(", ")) : null,
  r.already.length ? h("p", { class: "already" }, h("strong", { text: w("already") + ": " }), r.already.join(", ")) : null,
  r.failed.length ? h("div", {}, h("p", {}, h("strong", { class: "bad", text: w("failed") + ":" })),
    h("ul", {}, r.failed.map(([n, why]) => h("li", { "data-failed": n }, h("strong", { text: n }), " — " + why)))) : null);
}

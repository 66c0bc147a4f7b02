// A readable diff of two versions: each changed field named in the
// interface language ("Povzetek (EN)", not "summary.en"), and inside a
// text only the words that changed marked (<del>/<ins>), not whole
// paragraphs. Rich text is compared as the words a reader sees.
import { t } from "./i18n.js";
import { h } from "./dom.js";
import { w } from "./workflow_words.js";

// Field names of the three content types, by their JSON names.
const names = {
  slug: "slug", relation: "relation", partner: "", name: "name", official_name: "officialName", country: "country",
  website: "website", agreements: "agreements", kind: "agreementKind", title: "title", year: "year", date: "date",
  parties: "parties", document_id: "document", areas: "areas", summary: "summary", body: "body", crest_id: "crest",
  documents: "documents", role: "role", sort: "order", key: "key", blocks: "blocks", partnerships: "partnerships",
};
// One item of a list is named in the singular ("Sporazum 1", not "Sporazumi 1").
const one = { agreements: "agreement", documents: "document" };

/** fieldLabel turns a diff path ("agreements[0].title.en") into words ("Sporazum 1 · Naslov (EN)"). */
export function fieldLabel(path, locales = []) {
  const parts = [];
  for (const seg of path.split(".")) {
    const m = /^([^[]+)((?:\[\d+\])*)$/.exec(seg);
    if (!m) { parts.push(seg); continue; }
    const [, key, idx] = m;
    const nums = [...idx.matchAll(/\[(\d+)\]/g)].map(x => Number(x[1]) + 1);
    if (locales.includes(key) && parts.length) { parts[parts.length - 1] += " (" + key.toUpperCase() + ")"; continue; }
    const word = nums.length && one[key] ? t(one[key]) : key in names ? (names[key] ? t(names[key]) : "") : (w("field_" + key) !== "field_" + key ? w("field_" + key) : key);
    if (word) parts.push(word + (nums.length ? " " + nums.join(".") : ""));
  }
  return parts.join(" · ") || path;
}

/** plain is a value as a reader sees it: rich text without its tags, paragraphs on their own lines. */
export function plain(v) {
  if (v === undefined || v === null) return "";
  const s = String(v);
  if (!/<[a-z][\s\S]*>/i.test(s)) return s;
  const doc = new DOMParser().parseFromString(s, "text/html");
  doc.querySelectorAll("p, h2, h3, li, br").forEach(e => e.after("\n"));
  return doc.body.textContent.replace(/\n{2,}/g, "\n").trim();
}

const tokens = s => s.match(/\s+|[\p{L}\p{N}_'’-]+|[^\s\p{L}\p{N}_]/gu) || [];

/**
 * wordDiff lists [kind, text] runs ("same", "del", "ins") turning a into b,
 * by the longest common subsequence of words (and spaces and marks).
 * Very long texts that differ everywhere fall back to one del and one ins.
 */
export function wordDiff(a, b) {
  const x = tokens(a), y = tokens(b);
  let lo = 0;
  while (lo < x.length && lo < y.length && x[lo] === y[lo]) lo++;
  let hx = x.length, hy = y.length;
  while (hx > lo && hy > lo && x[hx - 1] === y[hy - 1]) { hx--; hy--; }
  const xs = x.slice(lo, hx), ys = y.slice(lo, hy);
  const out = [];
  const push = (k, s) => { if (!s) return; const last = out[out.length - 1]; if (last && last[0] === k) last[1] += s; else out.push([k, s]); };
  push("same", x.slice(0, lo).join(""));
  if (xs.length * ys.length > 4e6) { push("del", xs.join("")); push("ins", ys.join("")); }
  else {
    const n = xs.length, m = ys.length;
    const L = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
    for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) L[i][j] = xs[i] === ys[j] ? L[i + 1][j + 1] + 1 : Math.max(L[i + 1][j], L[i][j + 1]);
    let i = 0, j = 0;
    while (i < n && j < m) {
      if (xs[i] === ys[j]) { push("same", xs[i]); i++; j++; }
      else if (L[i + 1][j] >= L[i][j + 1]) push("del", xs[i++]);
      else push("ins", ys[j++]);
    }
    while (i < n) push("del", xs[i++]);
    while (j < m) push("ins", ys[j++]);
  }
  push("same", x.slice(hx).join(""));
  // A space alone between two changes reads better inside them.
  return out;
}

/** marked renders one side of a word diff: the other side's words left out, this side's changes marked. */
function marked(runs, side) {
  const keep = side === "before" ? "del" : "ins";
  const el = h("div", { class: "words" });
  for (const [k, s] of runs) {
    if (k === "same") el.append(s);
    else if (k === keep) el.append(h(k, { text: s }));
  }
  return el;
}

/**
 * diffTable renders {path, before, after} rows: the field in words, then
 * the value before and after with the changed words marked.
 */
export function diffTable(rows, caption, beforeLabel, afterLabel, locales = []) {
  if (!rows.length) return h("p", { class: "no-changes", text: t("noChanges") });
  return h("table", { class: "diff" }, h("caption", { text: caption }),
    h("colgroup", {}, h("col", { class: "diff-field" }), h("col"), h("col")),
    h("thead", {}, h("tr", {}, h("th", { scope: "col", text: w("fieldCol") }), h("th", { scope: "col", text: beforeLabel }), h("th", { scope: "col", text: afterLabel }))),
    h("tbody", {}, rows.map(r => {
      const a = plain(r.before), b = plain(r.after);
      const runs = wordDiff(a, b);
      return h("tr", { "data-path": r.path },
        h("th", { scope: "row", text: fieldLabel(r.path, locales) }),
        h("td", { class: "before" }, r.before === undefined ? h("span", { class: "empty", text: w("emptyValue") }) : marked(runs, "before")),
        h("td", { class: "after" }, r.after === undefined ? h("span", { class: "empty", text: w("emptyValue") }) : marked(runs, "after")));
    })));
}

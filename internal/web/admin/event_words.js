// An archive event's details in the interface language. The server keeps
// each event's details as one English line (the PREMIS eventDetail, for
// the record); its few forms are read back here into words ("velikost
// 1,2 MB · SHA-256 …, iz datoteke »listina.pdf«"). A line of another form
// is shown as written, marked lang="en" so a screen reader says it in
// English.
import { getLang } from "./i18n.js";
import { h, formatSize } from "./dom.js";

const words = {
  sl: {
    evIngested: "{type}, {size}, SHA-256 {sha}, iz datoteke »{name}«",
    evFixityOK: "izračunani SHA-256 se ujema z zapisanim: {sha}",
    evFixityMissing: "shranjene datoteke ni več",
    evFixityDiffers: "izračunano SHA-256 {sha}, {size}; zapisano SHA-256 {wantSha}, {wantSize}",
    evPurged: "SHA-256 {sha}, datoteka »{name}«",
    evChanged: "spremenjeno: {fields}",
    evFormat: "PRONOM {puid} – {name}",
    evFormatVersion: "različica {version}",
    evFormatBy: "prepoznal {tool}",
    docField_kind: "vrsta", docField_title: "naslov", docField_language: "jezik", docField_partnership_ids: "partnerstva",
    docField_alt: "nadomestno besedilo", docField_description: "opis", docField_decorative: "okrasna slika",
    docField_rights: "pravice", docField_alternative: "dostopna različica", docField_provenance: "provenienca",
    docField_status: "stanje",
  },
  en: {
    evIngested: "{type}, {size}, SHA-256 {sha}, from the file “{name}”",
    evFixityOK: "the computed SHA-256 matches the recorded one: {sha}",
    evFixityMissing: "the stored file is missing",
    evFixityDiffers: "computed SHA-256 {sha}, {size}; recorded SHA-256 {wantSha}, {wantSize}",
    evPurged: "SHA-256 {sha}, the file “{name}”",
    evChanged: "changed: {fields}",
    evFormat: "PRONOM {puid} – {name}",
    evFormatVersion: "version {version}",
    evFormatBy: "identified by {tool}",
    docField_kind: "kind", docField_title: "title", docField_language: "language", docField_partnership_ids: "partnerships",
    docField_alt: "alt text", docField_description: "description", docField_decorative: "decorative image",
    docField_rights: "rights", docField_alternative: "accessible alternative", docField_provenance: "provenance",
    docField_status: "status",
  },
};

function ew(key, params = {}) {
  const s = (words[getLang()] || words.sl)[key] ?? words.sl[key] ?? key;
  return s.replace(/\{(\w+)\}/g, (_, k) => String(params[k] ?? ""));
}

/** size is a byte count as a reader says it, with the exact count for the record. */
const size = n => formatSize(Number(n)) + " (" + Number(n).toLocaleString(getLang()) + " B)";

/** unquote reads a Go-quoted file name (%q); a form it does not know stays as written. */
function unquote(q) {
  try { return JSON.parse(q); } catch { return q.replace(/^"|"$/g, ""); }
}

// The server's forms (internal/ingest, internal/archive/fixity.go,
// models.FormatIdentifiedEvent), each read into words.
const forms = [
  ["ingested", /^(.+?), (\d+) bytes, sha256 ([0-9a-f]{64}), from (".*")$/,
    m => ew("evIngested", { type: m[1], size: size(m[2]), sha: m[3], name: unquote(m[4]) })],
  ["fixity_ok", /^sha256 ([0-9a-f]{64})$/, m => ew("evFixityOK", { sha: m[1] })],
  ["fixity_failed", /^the stored object is missing$/, () => ew("evFixityMissing")],
  ["fixity_failed", /^sha256 ([0-9a-f]{64}), (\d+) bytes; recorded sha256 ([0-9a-f]{64}), (\d+) bytes$/,
    m => ew("evFixityDiffers", { sha: m[1], size: size(m[2]), wantSha: m[3], wantSize: size(m[4]) })],
  ["purged", /^sha256 ([0-9a-f]{64}), (".*")$/, m => ew("evPurged", { sha: m[1], name: unquote(m[2]) })],
  ["metadata_changed", /^changed: ([a-z_, ]+)$/,
    m => ew("evChanged", { fields: m[1].split(", ").map(f => words.sl["docField_" + f] ? ew("docField_" + f) : f).join(", ") })],
];

/**
 * eventDetail is an event's details as nodes: in the interface language
 * when the line has a form read above, else as written in English.
 */
export function eventDetail(e) {
  if (!e.detail) return [];
  for (const [type, re, say] of forms) {
    const m = type === e.type && re.exec(e.detail);
    if (m) return [h("span", { class: "event-detail", text: say(m) })];
  }
  if (e.type === "format_identified") {
    // "fmt/276 Acrobat PDF 1.7, version 1.7 (extension match pdf); siegfried 1.11.2":
    // the basis is the tool's own English, kept as it is.
    const m = /^(\S+) (.+?)(?:, version (.+?))?(?: \((.+)\))?; (.+)$/.exec(e.detail);
    if (m) {
      return [h("span", { class: "event-detail" },
        ew("evFormat", { puid: m[1], name: m[2] }) + (m[3] ? ", " + ew("evFormatVersion", { version: m[3] }) : ""),
        m[4] ? [" (", h("span", { lang: "en", text: m[4] }), ")"] : "",
        ", " + ew("evFormatBy", { tool: m[5] }))];
    }
  }
  return [h("span", { class: "event-detail", lang: "en", text: e.detail })];
}

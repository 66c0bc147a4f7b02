// Downloads straight to disk: the page asks the API for a short-lived
// signed link (with the bearer token or the session, which a plain
// navigation could not carry) and hands it to the browser's own download
// manager, which streams the file to disk, shows its progress and can
// resume it. No page ever reads a file into memory (no Blob of a 1 GB
// scan); the link works for a few minutes, for that one file only.
import { api } from "./api.js";
import { getLang } from "./i18n.js";
import { announce } from "./dom.js";

const words = {
  sl: { downloadOriginal: "Prenesi izvirnik", downloadFile: "Prenesi datoteko", downloadStarted: "Prenos se je začel: {name}",
    bagStarted: "Prenos paketa BagIt za {name} se je začel: {file}" },
  en: { downloadOriginal: "Download original", downloadFile: "Download file", downloadStarted: "Download started: {name}",
    bagStarted: "The BagIt package of {name} is downloading as {file}" },
};

/** dw is one of this module's words in the interface language. */
export function dw(key, params = {}) {
  const s = (words[getLang()] || words.sl)[key] ?? words.sl[key];
  return s.replace(/\{(\w+)\}/g, (_, k) => String(params[k] ?? ""));
}

/**
 * download asks linkPath (a POST …-link endpoint) for a signed link and
 * lets the browser download it under the name the API gives; rejects with
 * ApiError (403, 410 …) when the API refuses.
 */
export async function download(linkPath) {
  const link = await api(linkPath, { method: "POST" });
  const a = document.createElement("a");
  // The link is a path with the API's prefix; the file arrives as an
  // attachment, so following it leaves the page where it is.
  a.href = link.url;
  a.download = link.filename;
  a.hidden = true;
  a.rel = "noopener";
  document.body.append(a);
  a.click();
  a.remove();
  announce(dw("downloadStarted", { name: link.filename }));
  return link;
}

/** The link endpoints: an editor's document, an archivist's original, a bag. */
export const documentLink = id => "/api/v1/documents/" + encodeURIComponent(id) + "/download-link";
export const originalLink = id => "/api/v1/archive/documents/" + encodeURIComponent(id) + "/original-link";
export const bagLink = id => "/api/v1/archive/partnerships/" + encodeURIComponent(id) + "/bag-link";

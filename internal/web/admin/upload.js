// Uploads one file with a progress report of bytes really sent
// (XMLHttpRequest upload events; fetch has none). Small files go through
// POST /documents (multipart: metadata, then file); files above DIRECT go
// straight to the bucket: POST /uploads with the browser-computed SHA-256,
// the signed PUT, then POST /uploads/{id}/complete.
import { api, base, authHeaders, ApiError } from "./api.js";
import { fileSHA256 } from "./sha256.js";

export const DIRECT = 8 << 20;

function xhr(method, url, body, headers, onProgress) {
  return new Promise((resolve, reject) => {
    const x = new XMLHttpRequest();
    x.open(method, url);
    for (const [k, v] of Object.entries(headers)) x.setRequestHeader(k, v);
    x.upload.onprogress = e => { if (e.lengthComputable) onProgress(e.loaded, e.total); };
    x.onload = () => resolve(x);
    x.onerror = () => reject(new ApiError(503, { title: "unreachable" }));
    x.send(body);
  });
}

function parse(x) {
  try { return JSON.parse(x.responseText); } catch (e) { return {}; }
}

/**
 * uploadFile stores file with metadata; progress(phase, fraction) reports
 * "hash" and "send" phases. Resolves to the document; rejects with ApiError.
 */
export async function uploadFile(file, metadata, progress) {
  if (file.size <= DIRECT) {
    const form = new FormData();
    form.append("metadata", new Blob([JSON.stringify(metadata)], { type: "application/json" }));
    form.append("file", file, file.name);
    const x = await xhr("POST", base + "/api/v1/documents", form, authHeaders("POST"),
      (l, t) => progress("send", l / t));
    if (x.status !== 201) throw new ApiError(x.status, parse(x));
    progress("send", 1);
    return parse(x);
  }
  const sha256 = await fileSHA256(file, n => progress("hash", n / file.size));
  const ticket = await api("/api/v1/uploads", { method: "POST", body: { filename: file.name, size: file.size, sha256, metadata } });
  const put = await xhr(ticket.method || "PUT", ticket.url, file, ticket.headers || {}, (l, t) => progress("send", l / t));
  if (put.status < 200 || put.status > 299) throw new ApiError(put.status === 400 ? 422 : put.status, { title: "object store refused the upload" });
  progress("send", 1);
  return api("/api/v1/uploads/" + encodeURIComponent(ticket.upload.id) + "/complete", { method: "POST" });
}

// The API client: every call carries the token from sessionStorage (never
// a URL, never a log), or for a person signed in with a session the
// cookie (sent by the browser) and, on unsafe requests, the session's CSRF
// token; problem+json answers become ApiError.
const TOKEN = "twincms.token";
let csrf = null;

/** setCSRF keeps the session's CSRF token (null: no session). */
export function setCSRF(v) { csrf = v || null; }

/** base is where the API lives: the path before /admin, so a host app can mount twincms under a prefix. */
export const base = location.pathname.replace(/\/admin(\/.*)?$/, "");

export function getToken() { return sessionStorage.getItem(TOKEN); }
export function setToken(t) { t ? sessionStorage.setItem(TOKEN, t) : sessionStorage.removeItem(TOKEN); }

export class ApiError extends Error {
  constructor(status, problem, retryAfter) {
    super((problem && (problem.detail || problem.title)) || "HTTP " + status);
    this.status = status;
    this.problem = problem || {};
    this.retryAfter = Number(retryAfter) || 0;
  }
}

/** authHeaders are the credentials of a request: the bearer token, else the CSRF token on unsafe methods. */
export function authHeaders(method = "GET") {
  const token = getToken();
  if (token) return { Authorization: "Bearer " + token };
  if (csrf && !["GET", "HEAD", "OPTIONS"].includes(method.toUpperCase())) return { "X-CSRF-Token": csrf };
  return {};
}

/**
 * api calls the API. opts: method, body (JSON), version (sent as If-Match),
 * patch (send as merge patch), raw (return the Response), form (FormData).
 */
export async function api(path, opts = {}) {
  const method = opts.method || "GET";
  const headers = opts.token ? { Authorization: "Bearer " + opts.token } : opts.anonymous ? {} : authHeaders(method);
  let body;
  if (opts.form) body = opts.form;
  else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers["Content-Type"] = opts.patch ? "application/merge-patch+json" : "application/json";
  }
  if (opts.version !== undefined) headers["If-Match"] = '"' + opts.version + '"';
  let res;
  try {
    res = await fetch(base + path, { method, headers, body, cache: "no-store", credentials: "same-origin" });
  } catch (e) {
    throw new ApiError(503, { title: "unreachable" });
  }
  if (opts.raw && res.ok) return res;
  if (!res.ok) {
    let problem = {};
    try { problem = await res.json(); } catch (e) { /* not JSON */ }
    throw new ApiError(res.status, problem, res.headers.get("Retry-After"));
  }
  if (res.status === 204) return null;
  return res.json();
}

/** mergePatch is the RFC 7396 patch turning a into b (removed keys become null; arrays are replaced). */
export function mergePatch(a, b) {
  const out = {};
  for (const k of Object.keys(a || {})) if (!(k in b)) out[k] = null;
  for (const [k, v] of Object.entries(b)) {
    const old = a ? a[k] : undefined;
    if (isObject(v) && isObject(old)) {
      const sub = mergePatch(old, v);
      if (Object.keys(sub).length) out[k] = sub;
    } else if (JSON.stringify(v) !== JSON.stringify(old)) out[k] = v;
  }
  return out;
}

function isObject(v) { return v !== null && typeof v === "object" && !Array.isArray(v); }

/** editable drops the server-owned fields of a record. */
export function editable(rec) {
  const out = structuredClone(rec);
  for (const k of ["id", "status", "version", "created_at", "created_by", "updated_at", "updated_by", "published_at",
    "published_version", "draft_version", "has_unpublished_changes"]) delete out[k];
  return out;
}

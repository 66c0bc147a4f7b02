// Field-level differences between two records, computed in the browser
// from version snapshots (or from the server's record after a 412).
function flatten(v, prefix, out) {
  if (v !== null && typeof v === "object") {
    const keys = Object.keys(v);
    if (!keys.length) out[prefix] = Array.isArray(v) ? "[]" : "{}";
    for (const k of keys) flatten(v[k], prefix ? prefix + (Array.isArray(v) ? "[" + k + "]" : "." + k) : k, out);
  } else if (v !== undefined && v !== "") out[prefix] = v;
  return out;
}

const ignored = /^(version|updated_at|updated_by|created_at|created_by|published_at|id|published_version|draft_version|has_unpublished_changes)$/;

/** diff lists {path, before, after} for every leaf that differs. */
export function diff(a, b) {
  const fa = flatten(a || {}, "", {}), fb = flatten(b || {}, "", {});
  const paths = [...new Set([...Object.keys(fa), ...Object.keys(fb)])].filter(p => !ignored.test(p)).sort();
  return paths.filter(p => fa[p] !== fb[p]).map(p => ({ path: p, before: fa[p], after: fb[p] }));
}

// The editor's workflow panels, below the form: the draft of a published
// record against its published version (Publish changes, Discard draft),
// scheduled publications (a date-time in Europe/Ljubljana, list, cancel),
// preview links (create, copy, revoke; the secret leaves the screen when
// revoked) and the version history (actions and people in words, a diff
// of any two versions, restore). Confirmations come from safety.js's
// data-confirm rule.
import { api, editable } from "./api.js";
import { t, getLang } from "./i18n.js";
import { h, field, select, announce, TZ } from "./dom.js";
import { diff } from "./diff.js";
import { diffTable } from "./diffview.js";
import { w } from "./workflow_words.js";
import { fail } from "./app.js";

export { TZ };
const resourceOf = { partnerships: "partnership", blocks: "block", pages: "page" };

/** statusText is the editor's status line: "Objavljeno · neobjavljene spremembe" for a published record with a draft. */
export function statusText(rec) {
  const s = t("status_" + rec.status);
  if (rec.has_unpublished_changes && rec.status === "published") return s + " · " + w("unpublishedChanges") + " · " + t("version", { n: rec.version });
  return s + " · " + t("version", { n: rec.version });
}

/** statusBadge is a list's status cell: "Objavljeno · neobjavljene spremembe" for a published record with a draft. */
export function statusBadge(rec) {
  const changed = rec.status === "published" && rec.has_unpublished_changes;
  return h("span", { class: "badge", "data-status": rec.status, "data-draft": changed ? "true" : null,
    text: t("status_" + rec.status) + (changed ? " · " + w("unpublishedChanges") : "") });
}

/** offsetAt is the zone's offset from UTC in minutes at the instant ms. */
function offsetAt(ms, zone) {
  const p = Object.fromEntries(new Intl.DateTimeFormat("en-US", { timeZone: zone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" })
    .formatToParts(new Date(ms)).map(x => [x.type, x.value]));
  return (Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour % 24, +p.minute, +p.second) - Math.floor(ms / 1000) * 1000) / 60000;
}

/** zonedToRFC3339 reads a datetime-local value ("2027-01-01T08:00") as a wall time in zone, as RFC 3339 with the zone's offset. */
export function zonedToRFC3339(local, zone = TZ) {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(local);
  if (!m) return "";
  const wall = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]);
  let off = offsetAt(wall, zone);
  off = offsetAt(wall - off * 60000, zone);
  const sign = off < 0 ? "-" : "+", a = Math.abs(off);
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:00${sign}${String(Math.floor(a / 60)).padStart(2, "0")}:${String(a % 60).padStart(2, "0")}`;
}

/** zoned formats an instant as the zone's wall time, in the interface language. */
export function zoned(s, zone = TZ) {
  const d = new Date(s);
  if (isNaN(d)) return s || "";
  return d.toLocaleString(getLang() === "sl" ? "sl-SI" : "en-GB", { timeZone: zone, dateStyle: "medium", timeStyle: "short" }) + " (" + zone + ")";
}

/** actorName is who did something, in words: a person's or token's name, never a bare id. */
export function actorName(a, by) {
  if (by === "schedule") return w("actor_schedule");
  if (!a) return by || "";
  if (a.type === "user") return a.name || w("actor_unknown");
  if (a.type === "token") return a.name ? w("actor_token", { name: a.name }) : w("actor_unknown");
  const sys = { schedule: "actor_schedule", "fixity-audit": "actor_audit", demo: "actor_demo", config: "actor_config", ingest: "actor_ingest" }[a.name];
  return sys ? w(sys) : a.name || w("actor_system");
}

/**
 * workflow draws the panels into box for the record the editor shows.
 * ed: { kind, baseURL, rec(), version(), replaced(rec) after an action, conflict() on 412 }.
 */
export function workflow(box, ed) {
  const draft = h("section", { id: "draft-changes", class: "panel", hidden: true });
  const schedules = h("section", { id: "schedules", class: "panel", hidden: true });
  const links = h("section", { id: "preview-links", class: "panel", hidden: true });
  const history = h("section", { id: "versions", hidden: true });
  // A section is named by its heading while it shows one; empty, it is hidden and unnamed.
  const fill = (sec, ...children) => { sec.replaceChildren(...children); sec.setAttribute("aria-labelledby", sec.id + "-h"); sec.hidden = false; };
  const empty = sec => { sec.replaceChildren(); sec.removeAttribute("aria-labelledby"); sec.hidden = true; };
  const linkList = h("ul", { class: "links", id: "preview-link-list", "aria-live": "polite" });
  box.replaceChildren(...[draft, schedules, ed.kind === "blocks" ? null : links, history].filter(Boolean));
  let schedForm = null, linkForm = null;

  async function drawDraft() {
    const rec = ed.rec();
    if (!rec || !rec.has_unpublished_changes || rec.published_version == null) return empty(draft);
    const [pub, cur] = await Promise.all([rec.published_version, rec.draft_version || rec.version].map(n => api(ed.baseURL + "/" + rec.id + "/versions/" + n)));
    fill(draft, h("h2", { id: "draft-changes-h", text: w("draftDiffH") }),
      diffTable(diff(editable(pub.snapshot || {}), editable(cur.snapshot || {})), w("draftDiffH"),
        w("published") + " (" + t("version", { n: rec.published_version }) + ")", w("draftCol") + " (" + t("version", { n: cur.version }) + ")", ed.locales));
  }

  async function drawSchedules() {
    const rec = ed.rec();
    if (!rec) return empty(schedules);
    const items = [];
    for (let page = 1; page <= 20; page++) {
      const res = await api("/api/v1/schedules?resource=" + resourceOf[ed.kind] + "&per_page=100&page=" + page);
      items.push(...res.items.filter(s => s.resource_id === rec.id));
      if (page * 100 >= res.total) break;
    }
    const what = s => s.action === "publish" ? w("schedPublish", { n: s.version }) : w("schedUnpublish");
    const list = items.length ? h("ul", { class: "schedule-list", id: "schedule-list" }, items.map(s => h("li", { "data-schedule": s.id, "data-status": s.status },
      h("strong", { text: what(s) }), " · " + zoned(s.at) + " · ",
      h("span", { class: "badge", "data-status": s.status, text: w("sched_" + s.status) + (s.late ? " (" + w("late") + ")" : "") }),
      s.scheduled_by && s.scheduled_by.name ? " · " + w("by", { name: s.scheduled_by.name }) : "",
      s.error || s.error_code ? h("span", { class: "error", text: " " + w("schedErr_" + (s.error_code || "failed")) }) : null,
      // Published by hand since: this schedule would put older content back.
      s.status === "pending" && s.action === "publish" && rec.published_version > s.version ? h("span", { class: "warning stale-schedule", text: " " + w("schedOlder", { n: rec.published_version }) }) : null,
      s.status === "pending" ? [" ", h("button", { type: "button", "data-cancel-schedule": s.id, "data-confirm": w("confirmCancelSchedule", { what: what(s) + ", " + zoned(s.at) }),
        "aria-label": w("cancelSchedule") + ": " + what(s) + ", " + zoned(s.at), text: w("cancelSchedule"), onclick: async () => {
          try {
            await api("/api/v1/schedules/" + encodeURIComponent(s.id), { method: "DELETE" });
            announce(w("scheduleCancelled"));
            await drawSchedules();
            schedules.querySelector("h2").focus();
          } catch (e) { fail(e); }
        } })] : null))) : h("p", { text: w("noSchedules") });
    if (!schedForm) schedForm = scheduleForm();
    fill(schedules, h("h2", { id: "schedules-h", tabindex: "-1", text: w("schedulesH") }), schedForm, list);
  }

  function scheduleForm() {
    const action = select([["publish", t("publish")], ["unpublish", t("unpublish")]], "publish", { id: "schedule-action" });
    const at = h("input", { type: "datetime-local", id: "schedule-at", required: true });
    const err = h("p", { class: "error", id: "schedule-at-error", hidden: true });
    const form = h("form", { class: "inline", id: "schedule-form", novalidate: true },
      field(w("scheduleAction"), action), field(w("scheduleAt", { tz: TZ }), at), err,
      h("button", { type: "submit", id: "schedule-submit", text: w("scheduleBtn") }));
    form.addEventListener("submit", async ev => {
      ev.preventDefault();
      err.hidden = true; at.removeAttribute("aria-invalid");
      const when = zonedToRFC3339(at.value);
      const showErr = msg => { err.textContent = msg; err.hidden = false; at.setAttribute("aria-invalid", "true"); at.setAttribute("aria-describedby", err.id); at.focus(); };
      if (!when) return showErr(w("scheduleNeedsTime"));
      try {
        const rec = ed.rec();
        const s = await api(ed.baseURL + "/" + rec.id + "/schedule", { method: "POST", version: ed.version(), body: { action: action.value, at: when, version: action.value === "publish" ? rec.version : 0 } });
        at.value = "";
        await drawSchedules();
        announce(w("scheduled", { what: s.action === "publish" ? w("schedPublish", { n: s.version }) : w("schedUnpublish"), at: zoned(s.at) }));
      } catch (e) {
        const fe = e.problem && (e.problem.errors || []).find(x => /at$/.test(x.pointer || x.field || ""));
        if (fe) {
          const mm = await import("./messages.js");
          return showErr(mm.m("code_" + (fe.code || "invalid")));
        }
        if (e.status === 412) return ed.conflict();
        fail(e);
      }
    });
    return form;
  }

  function drawLinks() {
    if (ed.kind === "blocks") return;
    const rec = ed.rec();
    if (!rec) return empty(links);
    if (!linkForm) {
      const expires = select([[String(86400), w("day1")], [String(7 * 86400), w("days", { n: 7 })], [String(30 * 86400), w("days", { n: 30 })]], String(7 * 86400), { id: "preview-expires" });
      linkForm = h("form", { class: "inline", id: "preview-link-form" }, field(w("previewExpires"), expires),
        h("button", { type: "submit", id: "create-preview-link", text: w("createPreviewLink") }));
      linkForm.addEventListener("submit", async ev => {
        ev.preventDefault();
        try {
          const l = await api(ed.baseURL + "/" + ed.rec().id + "/preview-links", { method: "POST", body: { expires_in: Number(expires.value) } });
          const out = h("input", { type: "text", readonly: true, value: l.url, class: "secret-url", id: "preview-url-" + l.id, "aria-label": w("previewLinkLabel") });
          const copy = h("button", { type: "button", "data-copy-link": l.id, text: t("copy"), onclick: async () => {
            try { await navigator.clipboard.writeText(l.url); copy.textContent = t("copied"); } catch (e) { out.select(); }
          } });
          const li = h("li", { "data-link": l.id }, out, h("span", { class: "hint", text: w("linkValidUntil", { at: zoned(l.expires_at) }) }), h("span", { class: "actions" }, copy,
            h("button", { type: "button", "data-revoke-link": l.id, "data-confirm": w("confirmRevokeLink"), text: w("revokePreviewLink"), onclick: async () => {
              try {
                await api(ed.baseURL + "/" + ed.rec().id + "/preview-links/" + encodeURIComponent(l.id), { method: "DELETE" });
                // A revoked link's secret is worthless: it leaves the screen.
                li.remove();
                announce(w("linkRevoked"));
                linkForm.querySelector("button").focus();
              } catch (e) { fail(e); }
            } })));
          linkList.append(li);
          announce(w("linkCreated"));
          copy.focus();
        } catch (e) { fail(e); }
      });
    }
    fill(links, h("h2", { id: "preview-links-h", text: w("previewLinksH") }), linkForm, linkList);
  }

  async function drawHistory() {
    const rec = ed.rec();
    if (!rec) return empty(history);
    const list = (await api(ed.baseURL + "/" + rec.id + "/versions")).items;
    const out = h("div", { class: "version-diff", id: "version-diff", "aria-live": "polite" });
    const nums = list.map(v => v.version).sort((a, b) => a - b);
    const opts = nums.map(n => [String(n), t("version", { n })]);
    const from = select(opts, String(nums.length > 1 ? nums[nums.length - 2] : nums[0]), { id: "compare-from" });
    const to = select(opts, String(nums[nums.length - 1]), { id: "compare-to" });
    const compare = h("form", { class: "inline", id: "compare-form" }, field(w("compareFrom"), from), field(w("compareTo"), to),
      h("button", { type: "submit", id: "compare-versions", text: w("compareBtn") }));
    compare.addEventListener("submit", ev => { ev.preventDefault(); showDiff(Number(from.value), Number(to.value), out, false); });
    fill(history, h("h2", { id: "versions-h", text: t("versions") }),
      h("ol", { class: "versions" }, list.map(v => h("li", { "data-action": v.action },
        h("button", { type: "button", class: "link", "data-version": v.version, "aria-label": w("showVersion", { n: v.version }), text: t("version", { n: v.version }), onclick: () => showDiff(v.version - 1, v.version, out, true) }),
        " · ", h("span", { class: "action", text: w("act_" + v.action) }), " · " + zoned(v.at) + " · ",
        h("span", { class: "actor", text: actorName(v.actor, v.by) })))),
      h("h3", { text: w("compareH") }), compare, out);
  }

  async function showDiff(a, b, out, restore) {
    const rec = ed.rec();
    try {
      if (a > b) [a, b] = [b, a];
      const get = n => n < 1 ? Promise.resolve({ snapshot: {} }) : api(ed.baseURL + "/" + rec.id + "/versions/" + n);
      const [va, vb] = await Promise.all([get(a), get(b)]);
      out.replaceChildren(...[h("h3", { text: t("version", { n: b }) }),
        diffTable(diff(editable(va.snapshot || {}), editable(vb.snapshot || {})), w("diffOf", { from: a, to: b }),
          a < 1 ? "—" : t("version", { n: a }), t("version", { n: b }), ed.locales),
        restore && b !== rec.version ? h("button", { type: "button", id: "restore-version", text: t("restoreVersion"), onclick: async () => {
          try {
            const saved = await api(ed.baseURL + "/" + rec.id + "/versions/" + b + "/restore", { method: "POST", version: ed.version() });
            announce(t("restored"));
            ed.replaced(saved);
          } catch (e) { e.status === 412 ? ed.conflict() : fail(e); }
        } }) : null].filter(Boolean));
    } catch (e) { fail(e); }
  }

  return {
    async draw() {
      drawLinks();
      await Promise.all([drawDraft(), drawSchedules(), drawHistory()]);
    },
  };
}

// Words of the editor's workflow panels (drafts, schedules, preview links,
// history and diffs), of the media library and of the archive's event
// history, in the interface language.
// Kept apart from i18n.js so these modules carry their own words.
import { getLang } from "./i18n.js";

const words = {
  sl: {
    unpublishedChanges: "neobjavljene spremembe",
    publishChanges: "Objavi spremembe", discardDraft: "Zavrzi osnutek",
    draftDiffH: "Neobjavljene spremembe glede na objavljeno različico",
    published: "Objavljeno", draftCol: "Osnutek", draftDiscarded: "Osnutek je zavržen; vsebina je spet objavljena različica.",
    changesPublished: "Spremembe so objavljene.",
    fieldCol: "Polje", emptyValue: "(prazno)",
    field_partnerships: "Partnerstva", field_blocks: "Bloki",
    act_create: "Ustvarjeno", act_update: "Spremenjeno", act_draft_update: "Spremenjen osnutek", act_publish: "Objavljeno",
    act_unpublish: "Objava umaknjena", act_archive: "Arhivirano", act_restore: "Obnovljena starejša različica",
    act_discard_draft: "Osnutek zavržen", act_delete: "Izbrisano",
    actor_token: "žeton »{name}«", actor_system: "sistem", actor_schedule: "načrtovana objava", actor_unknown: "preklican žeton",
    actor_audit: "redni pregled celovitosti", actor_demo: "demo vsebina ob namestitvi", actor_config: "nastavitve", actor_ingest: "paketni prevzem",
    compareH: "Primerjaj različici", compareFrom: "Starejša različica", compareTo: "Novejša različica", compareBtn: "Primerjaj",
    diffOf: "Različica {to} glede na različico {from}", showVersion: "Pokaži spremembe različice {n}",
    schedulesH: "Načrtovane objave", scheduleAction: "Dejanje", scheduleAt: "Datum in čas ({tz})", scheduleBtn: "Načrtuj",
    schedPublish: "Objava različice {n}", schedUnpublish: "Umik objave",
    schedOlder: "Pozor: objavljena je novejša različica {n}; ob tem času bi jo ta načrt zamenjal s starejšo vsebino. Če tega ne želite, načrt prekličite.",
    sched_pending: "čaka", sched_done: "izvedeno", sched_failed: "ni uspelo", sched_cancelled: "preklicano",
    schedErr_gone: "Zapis ali njegova različica ne obstaja več.",
    schedErr_invalid: "Te različice ni več mogoče objaviti: krši pravilo (morda je povezan dokument umaknjen).",
    schedErr_failed: "Dejanje ni uspelo.",
    cancelSchedule: "Prekliči načrt", confirmCancelSchedule: "Res želite preklicati načrt »{what}«?",
    scheduled: "Načrtovano: {what}, {at}.", scheduleCancelled: "Načrt je preklican.", noSchedules: "Ni načrtovanih objav.",
    scheduleNeedsTime: "Vpišite datum in čas.", late: "z zamudo", by: "načrtoval(a) {name}",
    previewLinksH: "Povezave za predogled", previewExpires: "Velja", days: "{n} dni", day1: "1 dan",
    createPreviewLink: "Ustvari povezavo za predogled", revokePreviewLink: "Prekliči povezavo",
    confirmRevokeLink: "Res želite preklicati to povezavo za predogled? Kdor jo ima, osnutka ne bo več videl.",
    linkRevoked: "Povezava je preklicana.", linkValidUntil: "Velja do {at}", linkCreated: "Povezava za predogled je ustvarjena.",
    previewLinkLabel: "Povezava za predogled",
    confirmRestoreN: "Res želite obnoviti različico {n}? Trenutna vsebina bo zamenjana.",
    media: "Medijska knjižnica", mediaSearch: "Iskanje po naslovu ali imenu datoteke", mediaKind: "Vrsta",
    kindImages: "slike", kindDocs: "dokumenti", allKinds: "vse vrste",
    mediaCount_one: "{n} datoteka", mediaCount_two: "{n} datoteki", mediaCount_few: "{n} datoteke", mediaCount_other: "{n} datotek", altText: "Nadomestno besedilo (alt)", description: "Opis", decorative: "Okrasna slika (brez nadomestnega besedila)",
    usedBy: "Uporablja: {names}", unused: "Ni uporabljen v nobenem partnerstvu.",
    deleteDoc: "Izbriši", inUse: "Dokumenta »{title}« ni mogoče izbrisati, ker ga uporablja: {names}. Najprej ga odstranite iz teh partnerstev.",
    confirmDeleteDoc: "Res želite izbrisati dokument »{title}«? Z javne strani bo izginil.",
    deleted: "Dokument »{title}« je izbrisan.", saveMeta: "Shrani opis", metaSaved: "Opis je shranjen.",
    mediaDrop: "Povlecite datoteke sem ali jih izberite", chooseFiles: "Izberite datoteke",
    thumbOf: "Predogled: {title}", editMeta: "Uredi opis: {title}", closeEditor: "Zapri",
    ev_ingested: "Prevzet v hrambo", ev_metadata_changed: "Opis spremenjen", ev_fixity_ok: "Celovitost potrjena",
    ev_fixity_failed: "Celovitost ni potrjena", ev_withdrawn: "Dokument umaknjen", ev_restored: "Dokument obnovljen", ev_purged: "Dokončno izbrisan",
    ev_format_identified: "Oblika datoteke prepoznana", ev_other: "Dogodek: {type}",
  },
  en: {
    unpublishedChanges: "unpublished changes",
    publishChanges: "Publish changes", discardDraft: "Discard draft",
    draftDiffH: "Unpublished changes against the published version",
    published: "Published", draftCol: "Draft", draftDiscarded: "The draft is discarded; the content is the published version again.",
    changesPublished: "The changes are published.",
    fieldCol: "Field", emptyValue: "(empty)",
    field_partnerships: "Partnerships", field_blocks: "Blocks",
    act_create: "Created", act_update: "Changed", act_draft_update: "Draft changed", act_publish: "Published",
    act_unpublish: "Unpublished", act_archive: "Archived", act_restore: "Earlier version restored",
    act_discard_draft: "Draft discarded", act_delete: "Deleted",
    actor_token: "token \"{name}\"", actor_system: "system", actor_schedule: "scheduled publication", actor_unknown: "revoked token",
    actor_audit: "scheduled fixity audit", actor_demo: "demo content at installation", actor_config: "configuration", actor_ingest: "bulk ingest",
    compareH: "Compare two versions", compareFrom: "Older version", compareTo: "Newer version", compareBtn: "Compare",
    diffOf: "Version {to} against version {from}", showVersion: "Show the changes of version {n}",
    schedulesH: "Scheduled publications", scheduleAction: "Action", scheduleAt: "Date and time ({tz})", scheduleBtn: "Schedule",
    schedPublish: "Publish version {n}", schedUnpublish: "Unpublish",
    schedOlder: "Note: the newer version {n} is published; at this time this schedule would replace it with older content. Cancel the schedule if you do not want that.",
    sched_pending: "pending", sched_done: "done", sched_failed: "failed", sched_cancelled: "cancelled",
    schedErr_gone: "The record or its version no longer exists.",
    schedErr_invalid: "This version can no longer be published: it breaks a rule (a linked document may have been withdrawn).",
    schedErr_failed: "The action failed.",
    cancelSchedule: "Cancel schedule", confirmCancelSchedule: "Cancel the schedule \"{what}\"?",
    scheduled: "Scheduled: {what}, {at}.", scheduleCancelled: "The schedule is cancelled.", noSchedules: "Nothing is scheduled.",
    scheduleNeedsTime: "Enter a date and time.", late: "late", by: "scheduled by {name}",
    previewLinksH: "Preview links", previewExpires: "Valid for", days: "{n} days", day1: "1 day",
    createPreviewLink: "Create preview link", revokePreviewLink: "Revoke link",
    confirmRevokeLink: "Revoke this preview link? Whoever has it will no longer see the draft.",
    linkRevoked: "The link is revoked.", linkValidUntil: "Valid until {at}", linkCreated: "The preview link is created.",
    previewLinkLabel: "Preview link",
    confirmRestoreN: "Restore version {n}? The current content will be replaced.",
    media: "Media library", mediaSearch: "Search by title or file name", mediaKind: "Kind",
    kindImages: "images", kindDocs: "documents", allKinds: "all kinds",
    mediaCount_one: "{n} file", mediaCount_other: "{n} files", altText: "Alternative text (alt)", description: "Description", decorative: "Decorative image (no alternative text)",
    usedBy: "Used by: {names}", unused: "Not used by any partnership.",
    deleteDoc: "Delete", inUse: "\"{title}\" cannot be deleted: it is used by {names}. Remove it from those partnerships first.",
    confirmDeleteDoc: "Delete the document \"{title}\"? It will leave the public page.",
    deleted: "The document \"{title}\" is deleted.", saveMeta: "Save description", metaSaved: "The description is saved.",
    mediaDrop: "Drop files here or choose them", chooseFiles: "Choose files",
    thumbOf: "Preview: {title}", editMeta: "Edit description: {title}", closeEditor: "Close",
    ev_ingested: "Taken into storage", ev_metadata_changed: "Description changed", ev_fixity_ok: "Fixity confirmed",
    ev_fixity_failed: "Fixity failed", ev_withdrawn: "Document withdrawn", ev_restored: "Document restored", ev_purged: "Deleted for good",
    ev_format_identified: "File format identified", ev_other: "Event: {type}",
  },
};

/** w returns a workflow or media-library word in the interface language, {name} filled from params. */
export function w(key, params = {}) {
  // A count's word in the language's plural form (Slovenian has four:
  // 1 datoteka, 2 datoteki, 3 datoteke, 5 datotek), when the key has forms.
  if (typeof params.n === "number") {
    const forms = words[getLang()] || words.sl;
    const form = key + "_" + new Intl.PluralRules(getLang()).select(params.n);
    if (forms[form] !== undefined) key = form;
    else if (forms[key] === undefined && forms[key + "_other"] !== undefined) key += "_other";
  }
  const s = (words[getLang()] || words.sl)[key] ?? words.sl[key] ?? key;
  return s.replace(/\{(\w+)\}/g, (_, k) => String(params[k] ?? ""));
}

// The interface's words in Slovenian (default) and English, using the
// terms of the project's UI glossary. The content's own locales are a
// separate choice (see the locale tabs); vocabulary labels come from
// GET /api/v1/vocabularies and are not repeated here.
const dict = {
  sl: {
    app: "twincms — urejanje", signIn: "Prijava", signOut: "Odjava", token: "Dostopni žeton",
    badToken: "Napačen ali preklican žeton", forbidden: "Za to dejanje nimate pravic",
    unavailable: "Storitev trenutno ni dosegljiva, poskusite znova čez nekaj trenutkov",
    role_editor: "Urednik", role_archivist: "Arhivist", role_admin: "Skrbnik", roleLabel: "Vloga",
    dashboard: "Nadzorna plošča", partnerships: "Partnerstva", newPartnership: "Nova partnerska občina",
    status_draft: "Osnutek", status_published: "Objavljeno", status_archived: "Arhivirano",
    save: "Shrani", cancel: "Prekliči", publish: "Objavi", unpublish: "Umakni objavo", archive: "Arhiviraj",
    preview: "Predogled", versions: "Zgodovina različic", version: "Različica {n}", restoreVersion: "Obnovi to različico",
    diff: "Spremembe glede na prejšnjo različico",
    conflict: "Nekdo drug je medtem spremenil ta zapis. Vaše spremembe so ohranjene.",
    reload: "Naloži ponovno", compare: "Primerjaj",
    missing: "Manjka prevod — na javni strani bo prikazano besedilo v jeziku: {locale}",
    documents: "Dokumenti", media: "Medijska knjižnica", upload: "Naloži dokumente", drop: "Povlecite datoteke sem",
    uploading: "Nalaganje … {p} %", duplicate: "Ta datoteka je že shranjena kot »{title}«",
    type415: "Vrsta datoteke ni podprta (dovoljeni: PDF, PNG, JPEG, TIFF, WebP)", size413: "Datoteka je prevelika (največ {size})",
    withdraw: "Umakni dokument", restoreDoc: "Obnovi dokument",
    kind_charter: "Listina", kind_agreement: "Pogodba", kind_publication: "Publikacija", kind_overview: "Pregled", kind_crest: "Grb", kind_scan: "Sken",
    provenance: "Izvor", source: "Vir", archivalRef: "Signatura", originalDate: "Datum izvirnika", custodian: "Hranitelj", notes: "Opombe",
    blocks: "Vsebinski bloki", pages: "Strani", archiveNav: "Arhiv", searchArchive: "Iskanje po arhivu",
    events: "Zgodovina dogodkov", checkFixity: "Preveri celovitost", fixityOk: "Celovitost potrjena", fixityFailed: "Celovitost ni potrjena",
    audit: "Redni pregled celovitosti", runNow: "Zaženi zdaj", bag: "Prenesi paket BagIt",
    tokens: "Žetoni", newToken: "Nov žeton", revokeToken: "Prekliči žeton", secretOnce: "Skrivnost je prikazana samo enkrat — kopirajte jo zdaj",
    copy: "Kopiraj", copied: "Kopirano", noResults: "Ni zadetkov",
    language: "Jezik vmesnika", search: "Iskanje", filter: "Filtriraj", all: "vse", statusCol: "Stanje", relation: "Odnos", country: "Država",
    year: "Leto", name: "Ime", officialName: "Uradno ime", website: "Spletna stran", slug: "Oznaka (slug)",
    agreements: "Sporazumi", addAgreement: "Dodaj sporazum", removeAgreement: "Odstrani sporazum", agreementKind: "Vrsta sporazuma",
    title: "Naslov", date: "Datum", parties: "Podpisniki", document: "Dokument", none: "(brez)",
    areas: "Področja sodelovanja", summary: "Povzetek", body: "Besedilo", crest: "Grb", role: "Vloga dokumenta",
    docrole_agreement: "sporazum", docrole_overview: "pregled", docrole_publication: "publikacija",
    attach: "Pripni", detach: "Odpni", attachTo: "Pripni k partnerstvu", moveUp: "Premakni gor", moveDown: "Premakni dol",
    order: "Vrstni red na strani", edit: "Uredi", back: "Nazaj", saved: "Shranjeno.", loading: "Nalaganje …",
    contentLocale: "Jezik vsebine", draftsWaiting: "Osnutki, ki čakajo", recentChanges: "Nedavne spremembe",
    backups: "Varnostne kopije", backupNow: "Naredi kopijo zdaj", backupNoTarget: "Cilj varnostnih kopij ni nastavljen (TWINCMS_BACKUP_TARGET).",
    backupRunning: "Kopiranje poteka: {done} od {total}, {files} od {of} datotek, še približno {eta} s",
    backupLastOk: "Zadnja kopija: {at}, {size}", backupLastFailed: "Zadnja kopija {at} ni uspela: {err}", backupNone: "Kopije v tem zagonu še ni bilo.",
    backupKept: "Shranjenih kopij: {n} v {target}",
    fixityState: "Stanje celovitosti", storageUsed: "Porabljen prostor", docsCount: "{n} dokumentov, {w} umaknjenih",
    lastAudit: "Zadnji pregled: {at} — preverjenih {checked}, v redu {ok}, napak {failed}", auditRunning: "Pregled poteka: {checked} od {total}",
    noAudit: "Pregleda še ni bilo.", kind: "Vrsta", file: "Datoteka", size: "Velikost", type: "Vrsta vsebine", filename: "Ime datoteke",
    sha: "SHA-256", status: "Stanje", doc_active: "aktiven", doc_withdrawn: "umaknjen", yearFrom: "Leto od", yearTo: "Leto do",
    a11y: "Dostopnost", a11yPending: "Dostopnost datoteke še ni preverjena.", a11yOk: "PDF je dostopen: ima besedilo, oznake in jezik.",
    a11y_text_layer: "Besedilo", a11y_tagged: "Oznake (struktura)", a11y_language: "Jezik", a11y_pdfua: "PDF/UA", a11y_pdfa: "PDF/A", yes: "da", no: "ne",
    partnership: "Partnerstvo", open: "Odpri", key: "Ključ", blocksOnPage: "Bloki na strani (ključi, ločeni z vejico)",
    showPartnerships: "Prikaži partnerstva", keptByServer: "Kaj je strežnik ohranil po čiščenju", newBlock: "Nov blok", newPage: "Nova stran",
    previewNote: "Predogled vključuje osnutke in kaže stran tako, kot jo bo prikazala javna spletna stran.",
    tokenName: "Ime žetona", created: "Ustvarjeno", create: "Ustvari", revoked: "Žeton je preklican.",
    uploadDone: "Naloženo", uploadFailed: "Ni naloženo", hashing: "Računanje SHA-256 …", actions: "Dejanja",
    skip: "Skok na osrednjo vsebino", changedFields: "Spremenjena polja", noChanges: "Ni sprememb", serverVersion: "Na strežniku",
    yours: "Vaše", mainNav: "Glavni meni", locTabs: "Jeziki vsebine", actor: "Izvajalec", at: "Čas",
    restored: "Različica obnovljena.", removeRow: "Odstrani", language_doc: "Jezik dokumenta", invalid: "Nekatera polja niso veljavna:",
    notFound: "Ni najdeno.", error: "Napaka: {detail}", validFrom: "veljavno", withdrawnNote: "Dokument je umaknjen.",
    tokensList: "Obstoječi žetoni", prefix: "Začetek", apiBase: "API",
  },
  en: {
    app: "twincms — editing", signIn: "Sign in", signOut: "Sign out", token: "Access token",
    badToken: "Wrong or revoked token", forbidden: "You are not allowed to do this",
    unavailable: "The service is unavailable, try again in a moment",
    role_editor: "Editor", role_archivist: "Archivist", role_admin: "Administrator", roleLabel: "Role",
    dashboard: "Dashboard", partnerships: "Partnerships", newPartnership: "New partner municipality",
    status_draft: "Draft", status_published: "Published", status_archived: "Archived",
    save: "Save", cancel: "Cancel", publish: "Publish", unpublish: "Unpublish", archive: "Archive",
    preview: "Preview", versions: "Version history", version: "Version {n}", restoreVersion: "Restore this version",
    diff: "Changes from the previous version",
    conflict: "Someone else changed this record meanwhile. Your changes are kept.",
    reload: "Reload", compare: "Compare",
    missing: "Translation missing — the public page will show the {locale} text",
    documents: "Documents", media: "Media library", upload: "Upload documents", drop: "Drop files here",
    uploading: "Uploading … {p} %", duplicate: "This file is already stored as \"{title}\"",
    type415: "File type not supported (allowed: PDF, PNG, JPEG, TIFF, WebP)", size413: "File too large (at most {size})",
    withdraw: "Withdraw document", restoreDoc: "Restore document",
    kind_charter: "Charter", kind_agreement: "Agreement", kind_publication: "Publication", kind_overview: "Overview", kind_crest: "Crest", kind_scan: "Scan",
    provenance: "Provenance", source: "Source", archivalRef: "Archival reference", originalDate: "Original date", custodian: "Custodian", notes: "Notes",
    blocks: "Content blocks", pages: "Pages", archiveNav: "Archive", searchArchive: "Search the archive",
    events: "Event history", checkFixity: "Check fixity", fixityOk: "Fixity confirmed", fixityFailed: "Fixity failed",
    audit: "Scheduled fixity audit", runNow: "Run now", bag: "Download BagIt package",
    tokens: "Tokens", newToken: "New token", revokeToken: "Revoke token", secretOnce: "The secret is shown only once — copy it now",
    copy: "Copy", copied: "Copied", noResults: "No results",
    language: "Interface language", search: "Search", filter: "Filter", all: "all", statusCol: "Status", relation: "Relation", country: "Country",
    year: "Year", name: "Name", officialName: "Official name", website: "Website", slug: "Slug",
    agreements: "Agreements", addAgreement: "Add agreement", removeAgreement: "Remove agreement", agreementKind: "Agreement kind",
    title: "Title", date: "Date", parties: "Parties", document: "Document", none: "(none)",
    areas: "Areas of cooperation", summary: "Summary", body: "Body", crest: "Crest", role: "Document role",
    docrole_agreement: "agreement", docrole_overview: "overview", docrole_publication: "publication",
    attach: "Attach", detach: "Detach", attachTo: "Attach to partnership", moveUp: "Move up", moveDown: "Move down",
    order: "Order on the page", edit: "Edit", back: "Back", saved: "Saved.", loading: "Loading …",
    contentLocale: "Content language", draftsWaiting: "Drafts waiting", recentChanges: "Recent changes",
    backups: "Backups", backupNow: "Back up now", backupNoTarget: "No backup target is set (TWINCMS_BACKUP_TARGET).",
    backupRunning: "Backing up: {done} of {total}, {files} of {of} files, about {eta} s left",
    backupLastOk: "Last backup: {at}, {size}", backupLastFailed: "The last backup at {at} failed: {err}", backupNone: "No backup since this start.",
    backupKept: "Backups kept: {n} in {target}",
    fixityState: "Fixity state", storageUsed: "Storage used", docsCount: "{n} documents, {w} withdrawn",
    lastAudit: "Last audit: {at} — {checked} checked, {ok} confirmed, {failed} failed", auditRunning: "Audit running: {checked} of {total}",
    noAudit: "No audit has run yet.", kind: "Kind", file: "File", size: "Size", type: "Content type", filename: "File name",
    sha: "SHA-256", status: "Status", doc_active: "active", doc_withdrawn: "withdrawn", yearFrom: "Year from", yearTo: "Year to",
    a11y: "Accessibility", a11yPending: "The file's accessibility has not been checked yet.", a11yOk: "The PDF is accessible: it has text, tags and a language.",
    a11y_text_layer: "Text", a11y_tagged: "Tags (structure)", a11y_language: "Language", a11y_pdfua: "PDF/UA", a11y_pdfa: "PDF/A", yes: "yes", no: "no",
    partnership: "Partnership", open: "Open", key: "Key", blocksOnPage: "Blocks on the page (keys, comma-separated)",
    showPartnerships: "Show partnerships", keptByServer: "What the server kept after sanitizing", newBlock: "New block", newPage: "New page",
    previewNote: "The preview includes drafts and shows the page as the public website will show it.",
    tokenName: "Token name", created: "Created", create: "Create", revoked: "The token is revoked.",
    uploadDone: "Uploaded", uploadFailed: "Not uploaded", hashing: "Computing SHA-256 …", actions: "Actions",
    skip: "Skip to main content", changedFields: "Changed fields", noChanges: "No changes", serverVersion: "On the server",
    yours: "Yours", mainNav: "Main menu", locTabs: "Content languages", actor: "Actor", at: "Time",
    restored: "Version restored.", removeRow: "Remove", language_doc: "Document language", invalid: "Some fields are not valid:",
    notFound: "Not found.", error: "Error: {detail}", validFrom: "valid", withdrawnNote: "The document is withdrawn.",
    tokensList: "Existing tokens", prefix: "Prefix", apiBase: "API",
  },
};

let lang = sessionStorage.getItem("twincms.lang") || "sl";

/** t returns the term for key in the interface language, {name} filled from params. */
export function t(key, params = {}) {
  const s = (dict[lang] && dict[lang][key]) ?? dict.sl[key] ?? key;
  return s.replace(/\{(\w+)\}/g, (_, k) => String(params[k] ?? ""));
}

export function getLang() { return lang; }

export function setLang(l) {
  lang = dict[l] ? l : "sl";
  sessionStorage.setItem("twincms.lang", lang);
  document.documentElement.lang = lang;
}

export const uiLangs = Object.keys(dict);

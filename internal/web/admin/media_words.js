// Words of the media library's thumbnails and filters, of attaching a
// file by dragging it onto a document field, of the accessible
// alternative picker and of a file refused because published content
// uses it, in the interface language. Kept apart from i18n.js so these
// modules carry their own words.
import { getLang } from "./i18n.js";

const words = {
  sl: {
    useRole_crest: "grb", useRole_agreement: "sporazum", useRole_document: "dokument", useRole_alternative: "dostopna različica",
    inUsePublished: "Dokument uporablja objavljena vsebina: {uses}. Najprej umaknite objavo ali izberite drug dokument.",
    mediaYear: "Leto", mediaPartnership: "Partnerstvo", mediaStatus: "Stanje",
    allYears: "Vsa leta", allPartnerships: "Vsa partnerstva", statusActive: "Aktivni", statusWithdrawn: "Umaknjeni", statusAll: "Vsi",
    noThumb: "Brez sličice",
    dropOnField: "Povlecite datoteke z računalnika sem ali jih izberite",
    dropCrestFile: "Naloži nov grb", dropDocFiles: "Naloži nove dokumente",
    dropAttached: "Dodano: {title}",
    dropNotAllowed: "Tega dokumenta ni mogoče dodati sem: {why}",
    notACrest: "za grb izberite sliko vrste Grb",
    dragHint: "Povlecite kartico na polje dokumenta v urejevalniku partnerstva",
    altH: "Dostopna različica",
    altAdviceNoText: "Ta PDF nima besedilnega sloja: bralnik zaslona ga ne more prebrati. Dodajte dostopno različico — drug dokument z besedilom ali izluščeno besedilo.",
    altAdviceUntagged: "Ta PDF ni označen (tagged): bralnik zaslona ne pozna naslovov, seznamov in vrstnega reda branja. Dostopna različica pomaga.",
    altAdviceOk: "Ta dokument je berljiv z bralnikom zaslona. Dostopna različica ni nujna.",
    altAdviceUnknown: "Dostopnost datoteke še ni preverjena.",
    altNone: "Brez dostopne različice",
    altText: "Izluščeno besedilo tega dokumenta (besedilna različica)",
    altDoc: "Drug dokument",
    altChoose: "Dokument kot dostopna različica",
    altSave: "Shrani dostopno različico",
    altSaved: "Dostopna različica je shranjena.",
    altCurrent: "Zdaj: {what}",
    altTextUnavailable: "besedilo še ni izluščeno",
    libChoose: "Izberi iz knjižnice", libCrestTitle: "Izberite grb iz medijske knjižnice", libDocTitle: "Izberite dokument iz medijske knjižnice",
    libAgreementTitle: "Izberite besedilo sporazuma iz medijske knjižnice",
    libSearch: "Iskanje po naslovu, letu, imenu datoteke ali partnerstvu", libPick: "Izberi", libPickOne: "Izberi: {title}",
    libClose: "Zapri", libCount: "Zadetki: {n}", libCountMore: "Zadetki: {n} (prikazanih prvih {shown}; iskanje jih zoži)",
  },
  en: {
    useRole_crest: "crest", useRole_agreement: "agreement", useRole_document: "document", useRole_alternative: "accessible alternative",
    inUsePublished: "Published content uses this document: {uses}. Unpublish it there or pick another document first.",
    mediaYear: "Year", mediaPartnership: "Partnership", mediaStatus: "Status",
    allYears: "All years", allPartnerships: "All partnerships", statusActive: "Active", statusWithdrawn: "Withdrawn", statusAll: "All",
    noThumb: "No thumbnail",
    dropOnField: "Drag files from your computer here or choose them",
    dropCrestFile: "Upload a new crest", dropDocFiles: "Upload new documents",
    dropAttached: "Added: {title}",
    dropNotAllowed: "This document cannot be added here: {why}",
    notACrest: "choose an image of kind Crest for the crest",
    dragHint: "Drag a card onto a document field in the partnership editor",
    altH: "Accessible alternative",
    altAdviceNoText: "This PDF has no text layer: a screen reader cannot read it. Add an accessible alternative — another document with text, or the extracted text.",
    altAdviceUntagged: "This PDF is not tagged: a screen reader does not know its headings, lists and reading order. An accessible alternative helps.",
    altAdviceOk: "A screen reader can read this document. An accessible alternative is not needed.",
    altAdviceUnknown: "The file's accessibility has not been checked yet.",
    altNone: "No accessible alternative",
    altText: "This document's extracted text (text version)",
    altDoc: "Another document",
    altChoose: "Document as the accessible alternative",
    altSave: "Save accessible alternative",
    altSaved: "The accessible alternative is saved.",
    altCurrent: "Now: {what}",
    altTextUnavailable: "the text is not extracted yet",
    libChoose: "Choose from the library", libCrestTitle: "Choose a crest from the media library", libDocTitle: "Choose a document from the media library",
    libAgreementTitle: "Choose the agreement's text from the media library",
    libSearch: "Search by title, year, file name or partnership", libPick: "Choose", libPickOne: "Choose: {title}",
    libClose: "Close", libCount: "Matches: {n}", libCountMore: "Matches: {n} (the first {shown} shown; searching narrows them)",
  },
};

/** mw returns a media word in the interface language, {name} filled from params. */
export function mw(key, params = {}) {
  const s = (words[getLang()] || words.sl)[key] ?? words.sl[key] ?? key;
  return s.replace(/\{(\w+)\}/g, (_, k) => String(params[k] ?? ""));
}

/** usesText names each use of a document ("Valjevo (grb)") for a 409 with used_by. */
export function usesText(uses) {
  const l = getLang();
  return uses.map(u => ((u.name && (u.name[l] || u.name.sl || Object.values(u.name)[0])) || u.slug) + " (" + mw("useRole_" + u.role) + ")").join(", ");
}

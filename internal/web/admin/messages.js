// Words for field errors and confirmations, in the interface language.
// The server names each field problem with a stable code (see the
// Problem schema in openapi.json); these are what an editor reads. Kept
// apart from i18n.js so the field-error and safety modules carry their
// own words.
import { getLang } from "./i18n.js";

const words = {
  sl: {
    code_required: "To polje je obvezno.",
    code_unknown_field: "Tega polja strežnik ne pozna.",
    code_read_only: "To vrednost določi strežnik.",
    code_wrong_type: "Vrednost ni prave vrste (na primer besedilo namesto števila).",
    code_too_long: "Besedilo je predolgo.",
    code_too_many: "Vnosov je preveč.",
    code_out_of_range: "Vrednost je zunaj dovoljenega obsega.",
    code_not_allowed: "Izberite eno od ponujenih vrednosti.",
    code_duplicate: "Ta vrednost je navedena dvakrat.",
    code_country_code: "Izberite državo s seznama.",
    code_language_code: "Vpišite kodo jezika, na primer sl ali de.",
    code_reference: "Izbrani zapis ne obstaja več; izberite drugega.",
    code_date_format: "Datum ali čas ni v pravi obliki.",
    code_not_in_future: "Čas mora biti v prihodnosti.",
    code_slug_format: "Uporabite male črke brez šumnikov, števke in vezaje (na primer nova-gorica).",
    code_unsafe_html: "Besedilo vsebuje oblikovanje, ki ni dovoljeno.",
    code_unknown_locale: "Ta jezik vsebine ni nastavljen.",
    code_url: "Vpišite celoten naslov, ki se začne s https://.",
    code_encoding: "Besedilo vsebuje neveljavne znake.",
    code_hex_format: "Vrednost ni v pravi obliki.",
    code_file_name: "Ime datoteke ne sme vsebovati mape ali posebnih znakov.",
    code_invalid: "Vrednost ni veljavna.",
    errorSummary: "Obrazca ni bilo mogoče shraniti: {n} {fields} je treba popraviti.",
    errorSummary1: "Obrazca ni bilo mogoče shraniti: eno polje je treba popraviti.",
    otherErrors: "Druge napake:",
    dismiss: "Zapri sporočilo",
    leaveUnsaved: "Imate neshranjene spremembe. Res želite zapustiti stran? Spremembe bodo izgubljene.",
    confirmYes: "Da, nadaljuj",
    confirmNo: "Ne, pusti tako",
    leaveYes: "Zapusti brez shranjevanja",
    confirmRevoke: "Res želite preklicati žeton »{name}«? Kdor ga uporablja, ne bo imel več dostopa.",
    confirmRestore: "Res želite obnoviti različico {n}? Trenutna vsebina bo zamenjana.",
    confirmWithdraw: "Res želite umakniti dokument »{name}«? Z javne strani bo izginil.",
    confirmRestoreDoc: "Res želite obnoviti dokument »{name}«?",
    confirmPurge: "Res želite dokončno izbrisati dokument »{name}«? Tega ni mogoče razveljaviti.",
    confirmDiscard: "Res želite zavreči osnutek? Neobjavljene spremembe bodo izgubljene.",
    confirmArchive: "Res želite arhivirati ta zapis? Z javne strani bo izginil.",
    confirmUnpublish: "Res želite umakniti objavo? Zapis bo izginil z javne strani.",
    confirmTitle: "Potrditev",
    pages: "Strani seznama", prevPage: "Prejšnja stran", nextPage: "Naslednja stran", pageOf: "Stran {page} od {pages}",
    countryHelp: "Vpišite ime države (na primer Nemčija) in jo izberite s seznama.",
    countryNone: "Te države ni na seznamu — izberite jo s seznama.",
    docOrderHelp: "Vrstni red: povlecite vrstico za ročico ⠿, uporabite puščici na ročici ali gumba ↑ in ↓.",
  },
  en: {
    code_required: "This field is required.",
    code_unknown_field: "The server does not know this field.",
    code_read_only: "The server sets this value.",
    code_wrong_type: "The value is of the wrong kind (such as text instead of a number).",
    code_too_long: "The text is too long.",
    code_too_many: "There are too many entries.",
    code_out_of_range: "The value is outside the allowed range.",
    code_not_allowed: "Choose one of the values offered.",
    code_duplicate: "This value is listed twice.",
    code_country_code: "Choose a country from the list.",
    code_language_code: "Enter a language code such as sl or de.",
    code_reference: "The chosen record no longer exists; choose another.",
    code_date_format: "The date or time is not in the right form.",
    code_not_in_future: "The time must be in the future.",
    code_slug_format: "Use lower-case letters without accents, digits and hyphens (such as nova-gorica).",
    code_unsafe_html: "The text has formatting that is not allowed.",
    code_unknown_locale: "This content language is not configured.",
    code_url: "Enter a full address starting with https://.",
    code_encoding: "The text has invalid characters.",
    code_hex_format: "The value is not in the right form.",
    code_file_name: "A file name may not hold a folder or special characters.",
    code_invalid: "The value is not valid.",
    errorSummary: "The form was not saved: {n} fields need correcting.",
    errorSummary1: "The form was not saved: one field needs correcting.",
    otherErrors: "Other problems:",
    dismiss: "Close message",
    leaveUnsaved: "You have unsaved changes. Leave the page anyway? The changes will be lost.",
    confirmYes: "Yes, continue",
    confirmNo: "No, keep it",
    leaveYes: "Leave without saving",
    confirmRevoke: "Revoke the token \"{name}\"? Whoever uses it will lose access.",
    confirmRestore: "Restore version {n}? The current content will be replaced.",
    confirmWithdraw: "Withdraw the document \"{name}\"? It will leave the public page.",
    confirmRestoreDoc: "Restore the document \"{name}\"?",
    confirmPurge: "Delete the document \"{name}\" for good? This cannot be undone.",
    confirmDiscard: "Discard the draft? Unpublished changes will be lost.",
    confirmArchive: "Archive this record? It will leave the public page.",
    confirmUnpublish: "Unpublish? The record will leave the public page.",
    confirmTitle: "Confirm",
    pages: "List pages", prevPage: "Previous page", nextPage: "Next page", pageOf: "Page {page} of {pages}",
    countryHelp: "Type the country's name (such as Germany) and choose it from the list.",
    countryNone: "No country of that name — choose one from the list.",
    docOrderHelp: "Order: drag a row by its ⠿ handle, use the arrow keys on the handle, or the ↑ and ↓ buttons.",
  },
};

/** fieldsWord is "polje/polji/polja/polj" by Slovenian dual and plural rules. */
function fieldsWord(n) {
  const r = n % 100;
  return r === 1 ? "polje" : r === 2 ? "polji" : r === 3 || r === 4 ? "polja" : "polj";
}

/** m returns a field-error or safety message in the interface language. */
export function m(key, params = {}) {
  const s = (words[getLang()] || words.sl)[key] ?? words.sl[key] ?? key;
  if (params.n !== undefined && params.fields === undefined) params = { ...params, fields: fieldsWord(params.n) };
  return s.replace(/\{(\w+)\}/g, (_, k) => String(params[k] ?? ""));
}

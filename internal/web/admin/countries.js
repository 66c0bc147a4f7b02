// The country picker: ISO 3166-1 countries named in the interface
// language by the browser's CLDR data (Intl.DisplayNames), searchable by
// typing a name ("Nemčija", "nemcija", "Germany") or a code ("DE"). What
// the name resolves to is said beside the field, so a country is never
// stored by a guess; text that names no country is sent as typed and the
// server's error appears beside the field.
import { getLang } from "./i18n.js";
import { h } from "./dom.js";
import { m } from "./messages.js";

/** codes are ISO 3166-1's assigned alpha-2 codes, plus XK (Kosovo); models.ValidCountry accepts each. */
export const codes = [
  "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ",
  "BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR",
  "CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR",
  "GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU",
  "ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ",
  "LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ",
  "MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF",
  "PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI",
  "SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR",
  "TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS XK YE YT ZA ZM ZW",
].join(" ").split(" ");

const fold = s => s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().trim();

/** countryName is code's name in lang (the code itself when the browser has none). */
export function countryName(code, lang = getLang()) {
  try { return new Intl.DisplayNames([lang], { type: "region" }).of(code) || code; } catch (e) { return code; }
}

/** resolveCountry is the code a typed text names, or "" when it names none. */
export function resolveCountry(text) {
  const f = fold(text);
  if (!f) return "";
  const m = /\(([a-z]{2})\)$/.exec(f); // "Nemčija (DE)"
  if (m && codes.includes(m[1].toUpperCase())) return m[1].toUpperCase();
  if (f.length === 2 && codes.includes(f.toUpperCase())) return f.toUpperCase();
  for (const lang of [getLang(), "sl", "en"]) {
    const hit = codes.find(c => fold(countryName(c, lang)) === f);
    if (hit) return hit;
  }
  return "";
}

/**
 * countryPicker is a text box with the countries as suggestions, bound to
 * obj[key] (the code). hintId names the element that says what was chosen.
 */
export function countryPicker(obj, key, attrs = {}) {
  const listId = "country-names";
  const lang = getLang();
  let list = document.getElementById(listId);
  if (!list || list.dataset.lang !== lang) {
    const named = codes.map(c => [c, countryName(c, lang)]).sort((a, b) => a[1].localeCompare(b[1], lang));
    const fresh = h("datalist", { id: listId, "data-lang": lang }, named.map(([c, n]) => h("option", { value: n + " (" + c + ")" })));
    if (list) list.replaceWith(fresh); else document.body.append(fresh);
    list = fresh;
  }
  const code = obj[key] || "";
  const input = h("input", { ...attrs, list: listId, autocomplete: "off", spellcheck: "false",
    value: code ? countryName(code, lang) + " (" + code + ")" : "" });
  const say = () => {
    const hint = document.getElementById(input.id + "-hint");
    if (!hint) return;
    const c = resolveCountry(input.value);
    hint.textContent = c ? "→ " + countryName(c, lang) + " (" + c + ")" : input.value.trim() ? m("countryNone") : m("countryHelp");
    hint.dataset.code = c;
  };
  input.addEventListener("input", () => {
    const c = resolveCountry(input.value);
    // Unresolved text goes to the server as typed, which names the error.
    obj[key] = c || input.value.trim();
    say();
  });
  input.addEventListener("change", () => {
    const c = resolveCountry(input.value);
    if (c) input.value = countryName(c, lang) + " (" + c + ")";
    say();
  });
  return input;
}

/**
 * Turns whatever a person typed into a safe FTS5 query for the FAQ search. FTS5 has its own
 * query language (quotes, `*`, `-`, `NEAR`, `AND`/`OR`/`NOT`, `column:`, parentheses); user text
 * must never reach it raw. We keep only words (Unicode letters and digits), drop stop words and
 * short words, quote each remaining term and OR them as prefix queries; bm25 ranks the result.
 *
 * German has no stemmer in SQLite. A cheap stand-in: every term is cut to its first STEM_LENGTH
 * letters and matched as a prefix, so "arbeiten" finds "Arbeitserlaubnis" and "Arbeit", and
 * "Schulpflicht" finds "Schule". The trade-off: looser matches ("arbei*" also finds
 * "Arbeitsvertrag"), and no match for the second half of a compound ("Erlaubnis" does not find
 * "Arbeitserlaubnis"); bm25 puts entries matching more terms first. Measured on the question set
 * in tests/unit/faq-search.test.ts: 4 letters rank wrong entries first (too many loose matches),
 * 6 or more miss "Schulpflicht" → "Schule"; 5 finds every expected entry first.
 */
export const STEM_LENGTH = 5;
/** Words shorter than this carry no meaning for the search ("in", "zu", "am"). */
export const MIN_TERM_LENGTH = 3;
/** Enough for any sensible question; a pasted essay does not become a huge query. */
export const MAX_TERMS = 16;

const STOP_WORDS = new Set(
  (
    // German: articles, pronouns, auxiliaries and modals, prepositions, conjunctions, question
    // words, fillers typical for questions to the team.
    "aber alle allem allen aller alles als also am an ander andere anderen auch auf aus bei beim bin bis bist bitte " +
    "bzw da dabei dafür damit dann darf darauf darum das dass daß dein deine dem den denen denn der deren des deshalb " +
    "dich die dies diese diesem diesen dieser dieses dir doch dort du durch dürfen ein eine einem einen einer eines " +
    "einfach er es etwa etwas euch euer eure frage fragen für gab gibt ganz gar geben gehen gern gerne gestern " +
    "gut habe haben hallo hast hat hatte hätte heute hier hin ich ihm ihn ihnen ihr ihre ihrem ihren ihrer im in " +
    "ins ist ja jede jedem jeden jeder jemand jetzt kann kannst kein keine keinem keinen können könnte man manche " +
    "mehr mein meine meinem meinen meiner mich mir mit muss musst müssen nach nein nicht nichts noch nun nur ob " +
    "oder ohne schon sehr sein seine seinem seinen seiner sich sie sind so soll sollen sollte sondern sowie über " +
    "um und uns unser unsere unter viel vom von vor wann war waren warum was weil welche welchem welchen welcher " +
    "wem wen wenn wer werde werden wie wieder will wir wird wo wollen wurde würde zu zum zur zwischen danke " +
    "tun machen macht guten tag liebe lieber grüße gruß frau herr fur uber konnen mussen durfen wurde hatte " +
    // English
    "about after all also and any are because been before being but can could did does doing done for from " +
    "get got had has have hello her here him his how its just may might more most much must not now off only " +
    "our out please should some someone such than thank thanks that the their them then there these they this " +
    "those too very was way were what when where which while who why will with would you your question"
  ).split(" "),
);

/** The meaningful, distinct words of a text, lower-cased, in order. */
export function searchTerms(text: string): string[] {
  const words = text.normalize("NFC").toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  const terms: string[] = [];
  for (const word of words) {
    if ([...word].length < MIN_TERM_LENGTH || STOP_WORDS.has(word) || terms.includes(word)) continue;
    terms.push(word);
    if (terms.length === MAX_TERMS) break;
  }
  return terms;
}

/**
 * The FTS5 MATCH expression for a text, or undefined when no meaningful word is left (then
 * nothing should be searched). Every term is a quoted string (quotes doubled, though terms hold
 * only letters and digits) followed by `*`: a prefix query, never an operator.
 */
export function buildFtsQuery(text: string): string | undefined {
  const prefixes: string[] = [];
  for (const term of searchTerms(text)) {
    const prefix = [...term].slice(0, STEM_LENGTH).join("");
    if (!prefixes.includes(prefix)) prefixes.push(prefix);
  }
  if (prefixes.length === 0) return undefined;
  return prefixes.map((prefix) => `"${prefix.replaceAll('"', '""')}"*`).join(" OR ");
}

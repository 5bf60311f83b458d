import type { SearchRequest, SearchTerm } from './store';

/**
 * Query text for PostgreSQL's `to_tsquery('english', …)`, built only from words of letters and
 * digits, so nothing a user types is ever read as query syntax; `to_tsquery` then stems each word
 * and drops stop words.
 */

const MAX_WORD = 64;

/** Letters and digits only, lower-cased; empty when nothing is left. */
export function cleanWord(word: string): string {
  return word.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '').slice(0, MAX_WORD);
}

function termText(term: SearchTerm, prefix = term.prefix ?? false): string | undefined {
  const words = [...new Set(term.alternatives.map(cleanWord).filter(Boolean))];
  if (words.length === 0) return undefined;
  const parts = words.map((word) => (prefix ? `${word}:*` : word));
  return parts.length === 1 ? parts[0] : `(${parts.join(' | ')})`;
}

function phraseText(phrase: string[]): string | undefined {
  const words = phrase.map(cleanWord).filter(Boolean);
  if (words.length === 0) return undefined;
  return words.length === 1 ? words[0] : `(${words.join(' <-> ')})`;
}

/** Every term and phrase: what an entity holding all the words matches. */
export function allWordsQuery(request: Pick<SearchRequest, 'terms' | 'phrases'>): string {
  return [...request.terms.map((term) => termText(term)), ...request.phrases.map(phraseText)].filter(Boolean).join(' & ');
}

/** Any term or phrase: what ranks an entity by how many of the words it holds. */
export function anyWordQuery(request: Pick<SearchRequest, 'terms' | 'phrases'>): string {
  return [...request.terms.map((term) => termText(term)), ...request.phrases.map(phraseText)].filter(Boolean).join(' | ');
}

// Shorter words as prefixes would match too much of the catalog to be worth reading.
const MIN_PREFIX = 4;

/**
 * One query per term, for when no entity holds every word: each term alone, those the catalog does
 * not use, of four letters or more, also as prefixes ("geocod" finds "geocoding"), so that entities holding most of the words
 * are found and then ranked by how many they hold. Each comes with its words, by which the search
 * leaves out a term the catalog uses almost everywhere (it would find nothing in particular).
 */
export function eachWordQueries(request: Pick<SearchRequest, 'terms' | 'phrases'>): Array<{ query: string; words: string }> {
  // Each word of each term on its own, so that a common word a typo was corrected to is left out
  // while the word typed is kept; only what was typed is a prefix, a correction is a whole word.
  const terms = request.terms.flatMap((term) =>
    term.alternatives.map(cleanWord).filter(Boolean).map((word, index) => {
      const prefix = term.prefix || (index === 0 && term.loosePrefix === true && word.length >= MIN_PREFIX);
      return { query: prefix ? `${word}:*` : word, words: word };
    }),
  );
  const phrases = request.phrases.map((phrase) => ({ query: phraseText(phrase), words: phrase.map(cleanWord).join(' ') }));
  return [...terms, ...phrases].filter((item): item is { query: string; words: string } => Boolean(item.query));
}

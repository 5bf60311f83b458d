/**
 * The words of a name or title, as fuzzy search indexes them: lower-cased, split at anything that
 * is not a letter or digit and between letters and digits ("ledgerSync2" → ledgersync, 2).
 * Ingestion stores these per entity; lookups split queries the same way, so both sides agree.
 */
export function searchTerms(...texts: Array<string | null | undefined>): string[] {
  const terms = new Set<string>();
  for (const text of texts) {
    if (!text) continue;
    for (const part of text.toLowerCase().split(/[^\p{L}\p{N}]+/u)) {
      for (const piece of part.split(/(?<=\p{L})(?=\p{N})|(?<=\p{N})(?=\p{L})/u)) if (piece) terms.add(piece);
    }
  }
  return [...terms];
}

/** Terms worth correcting and looking up as words: not bare numbers, not single characters. */
export function isWord(term: string): boolean {
  return term.length > 1 && !/^\p{N}+$/u.test(term);
}

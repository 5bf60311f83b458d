import type { StoredEntity } from '../catalog/store';

/** Filters as people type them (`kind:api owner:payments`): values of one filter are alternatives. */
export interface SearchFilters {
  kinds: string[];
  types: string[];
  /** Group or user names or refs; a group also stands for the teams below it. */
  owners: string[];
  tags: string[];
  lifecycles: string[];
  /** System names or refs. */
  systems: string[];
}

/** A word of the query and what it may also be (a correction of a typo); letters and digits only. */
export interface SearchTerm {
  alternatives: string[];
  /** Also match words that start with it ("idempot*"). */
  prefix?: boolean;
  /** When read alone (no entity holds every word), also match words that start with it: a word the catalog does not use may be one half typed. */
  loosePrefix?: boolean;
}

export interface SearchRequest {
  /** Every term is wanted; an entity holding all of them ranks above one holding some. */
  terms: SearchTerm[];
  /** Words wanted next to each other, in order ("double entry"). */
  phrases: string[][];
  /** Kinds and types the words asked for ("is there an API…"): they rank matches higher, they do not filter. */
  hints: { kinds: string[]; types: string[] };
  filters: SearchFilters;
  /** What was typed when it could be a whole name ("payments-api"): that entity ranks first. */
  exactName?: string;
  /** Ref keys left out of the results (the entity "more like this" started from). */
  exclude?: string[];
  limit: number;
}

/** Where a hit matched, for the line that says why. */
export type MatchField = 'name' | 'about' | 'description' | 'docs' | 'filters';

export interface SearchHit {
  /** The entity, its body without `spec.definition` (an API's definition can be very large). */
  entity: StoredEntity;
  score: number;
  /** It holds every word (or a page of its docs does): else it was found by some of them. */
  everyWord: boolean;
  /** The owning team (a group answers for itself, a user for their first team), or null. */
  owner: { ref: string; title: string | null; slackChannel: string | null } | null;
  why: {
    field: MatchField;
    /** The matching text, with matched words between HIGHLIGHT.start and HIGHLIGHT.stop. */
    text: string;
    /** The docs page that matched, when `field` is docs. */
    page?: { title: string; location: string; siteUrl: string };
  };
}

/** Around each matched word of `SearchHit.why.text`: characters of Unicode's private use area, stripped from the text first. */
export const HIGHLIGHT = { start: '\uE000', stop: '\uE001' } as const;

/** A word of a query as the catalog's lexicon knows it. */
export interface LexiconEntry {
  word: string;
  known: boolean;
  /** The nearest words the lexicon holds, nearest first (none for a known word). */
  nearest: Array<{ word: string; similarity: number }>;
}

/**
 * Search over the whole catalog: entities by their search documents (names, descriptions, tags,
 * API definitions), with the cached TechDocs pages of each, ranked as one list.
 */
export interface CatalogFinder {
  search(request: SearchRequest): Promise<SearchHit[]>;
  /** Each word, whether the catalog uses it, and else the words it uses nearest to it. */
  lexicon(words: string[]): Promise<LexiconEntry[]>;
  /** What search reads of an entity, to look for more like it; undefined when it is not in the catalog. */
  searchFieldsOf(refKey: string): Promise<{ entity: StoredEntity; fields: { a: string; b: string; c: string } } | undefined>;
}

import { canonicalEntityRef } from '../src/catalog/model';
import type { StoredEntity } from '../src/catalog/store';
import { HIGHLIGHT, type CatalogFinder, type MatchField, type SearchHit, type SearchRequest } from '../src/search/store';
import { emptyFilters, filtersOf, parseFindQuery, type FilterKey, type FindQuery } from './findQuery';

/** The port the find core reads the catalog through. */
export interface FindPorts {
  finder: CatalogFinder;
}

export interface FindHit {
  /** Lower-cased in kind, namespace and name, as Backstage's stringifyEntityRef writes refs in JSON. */
  ref: string;
  entity: StoredEntity;
  kind: string;
  title: string;
  owner: { ref: string; displayName: string; slackChannel: string | null } | null;
  score: number;
  why: {
    field: MatchField;
    /** The matching text; matched words between HIGHLIGHT.start and HIGHLIGHT.stop. */
    text: string;
    page?: { title: string; location: string; siteUrl: string };
  };
  /** The entity has docs to open: TechDocs, a docs link, or the page that matched. */
  hasDocs: boolean;
}

export interface FindResult {
  kind: 'find';
  query: string;
  parsed: FindQuery;
  /** Set when the search was for entities like this one. */
  like: { ref: string; title: string } | null;
  results: FindHit[];
  /** Words the catalog has nearest to those that found nothing. */
  suggestions: string[];
  /** Misspelt words also searched as the catalog's nearest word. */
  corrections: Array<{ typed: string; meant: string }>;
}

export interface FindOptions {
  limit: number;
}

const SUGGESTIONS = 5;
// Words of an entity's search document that "more like this" looks for, names and tags first.
const LIKE_WORDS = 8;

/** "Is there a geocoding API?": one ranked list of entities and docs pages, each with why it matched. */
export async function find(text: string, ports: FindPorts, options: FindOptions): Promise<FindResult> {
  const parsed = parseFindQuery(text);
  const result: FindResult = { kind: 'find', query: parsed.text, parsed, like: null, results: [], suggestions: [], corrections: [] };
  if (parsed.words.length === 0 && parsed.phrases.length === 0 && Object.keys(filtersOf(parsed)).length === 0) return result;
  const request = (terms: SearchRequest['terms']): SearchRequest => ({ terms, phrases: parsed.phrases, hints: parsed.hints, filters: parsed.filters, exactName: parsed.exactName, limit: options.limit });
  // Short words are left as typed: a typo in two or three letters could be anything, and "on"
  // inside a hyphenated word is a stop word the lexicon does not hold.
  const checked = parsed.words.filter(worthCorrecting);
  // The lexicon is read beside the first search rather than after it, so that a misspelt word
  // waits for two statements, not three, while many searches share the database.
  const [first, lexicon] = await Promise.all([
    ports.finder.search(request(parsed.words.map((word) => ({ alternatives: [word], prefix: parsed.prefixes.includes(word) })))),
    checked.length ? ports.finder.lexicon(checked) : Promise.resolve([]),
  ]);
  let hits = first;
  // Nothing holds every word: a word may be misspelt or half typed. The lexicon says which words
  // the catalog never uses, and the search runs again with the nearest word it does use beside
  // each, and each as a prefix.
  if (!hits.some((hit) => hit.everyWord) && parsed.words.length) {
    const unknown = lexicon.filter((entry) => !entry.known);
    if (unknown.length) {
      const terms = parsed.words.map((word) => {
        const entry = lexicon[checked.indexOf(word)];
        const meant = entry && !entry.known ? entry.nearest[0]?.word : undefined;
        if (meant) result.corrections.push({ typed: word, meant });
        return { alternatives: meant ? [word, meant] : [word], prefix: parsed.prefixes.includes(word), loosePrefix: entry !== undefined && !entry.known };
      });
      hits = await ports.finder.search(request(terms));
      if (hits.length === 0) result.suggestions = [...new Set(unknown.flatMap((entry) => entry.nearest.map((near) => near.word)))].slice(0, SUGGESTIONS);
    }
  }
  result.results = hits.map(toHit);
  return result;
}

/** Entities like one of the catalog's: its name words, tags, type, system and description, searched for. */
export async function findMoreLike(ref: string, ports: FindPorts, options: FindOptions): Promise<FindResult> {
  const found = await ports.finder.searchFieldsOf(canonicalEntityRef(ref));
  const parsed = parseFindQuery('');
  const result: FindResult = { kind: 'find', query: `like:${canonicalEntityRef(ref)}`, parsed, like: null, results: [], suggestions: [], corrections: [] };
  if (!found) return result;
  result.like = { ref: canonicalEntityRef(found.entity.ref), title: titleOf(found.entity) };
  const words = parseFindQuery(`${found.fields.a} ${found.fields.b} ${found.fields.c}`).words.filter((word) => word.length > 2 && !/^\p{N}+$/u.test(word));
  const chosen = [...new Set(words)].slice(0, LIKE_WORDS);
  if (chosen.length === 0) return result;
  const request: SearchRequest = {
    terms: chosen.map((word) => ({ alternatives: [word] })),
    phrases: [],
    hints: { kinds: [found.entity.kind], types: [] },
    filters: emptyFilters(),
    exclude: [found.entity.refKey],
    limit: options.limit,
  };
  result.results = (await ports.finder.search(request)).map(toHit);
  return result;
}

/** The JSON of `backline search --json`: one document, refs lower-cased as Backstage writes them. */
export function findJson(result: FindResult): { query: string; filters: Partial<Record<FilterKey, string[]>>; results: Array<{ ref: string; kind: string; title: string; owner: string | null; score: number; why: string }>; suggestions: string[] } {
  return {
    query: result.query,
    filters: filtersOf(result.parsed),
    results: result.results.map((hit) => ({ ref: hit.ref, kind: hit.kind, title: hit.title, owner: hit.owner?.ref ?? null, score: hit.score, why: whyLine(hit) })),
    suggestions: result.suggestions,
  };
}

/** The why of a hit as one line of plain text: where it matched, and the words around the match. */
export function whyLine(hit: FindHit): string {
  const text = hit.why.text.split(HIGHLIGHT.start).join('').split(HIGHLIGHT.stop).join('');
  return `${whyLabel(hit)}${text ? `: ${text}` : ''}`;
}

export function whyLabel(hit: FindHit): string {
  if (hit.why.field === 'docs') return `docs${hit.why.page ? ` (${hit.why.page.title})` : ''}`;
  if (hit.why.field === 'filters') return 'matches the filters';
  return hit.why.field;
}

function toHit(hit: SearchHit): FindHit {
  const { entity } = hit;
  const annotations = entity.entity.metadata.annotations ?? {};
  const links = Array.isArray(entity.entity.metadata.links) ? entity.entity.metadata.links : [];
  const hasDocs = Boolean(annotations['backstage.io/techdocs-ref'] || annotations['backstage.io/techdocs-entity'] || links.some((link) => link?.type === 'docs') || hit.why.page);
  return {
    ref: canonicalEntityRef(entity.ref),
    entity,
    kind: entity.kind,
    title: titleOf(entity),
    owner: hit.owner ? { ref: canonicalEntityRef(hit.owner.ref), displayName: hit.owner.title ?? nameOf(hit.owner.ref), slackChannel: hit.owner.slackChannel } : null,
    score: hit.score,
    why: hit.why,
    hasDocs,
  };
}

const MIN_CORRECTED = 4;

function worthCorrecting(word: string): boolean {
  return word.length >= MIN_CORRECTED && !/^\p{N}+$/u.test(word);
}

export function titleOf(entity: StoredEntity): string {
  const { metadata } = entity.entity;
  const profile = (entity.entity.spec as { profile?: { displayName?: unknown } } | undefined)?.profile;
  if (typeof profile?.displayName === 'string' && profile.displayName.trim()) return profile.displayName;
  return typeof metadata.title === 'string' && metadata.title.trim() ? metadata.title : entity.name;
}

function nameOf(ref: string): string {
  return ref.slice(ref.lastIndexOf('/') + 1);
}

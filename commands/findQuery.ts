import type { SearchFilters } from '../src/search/store';

/**
 * What `/find` reads in what was typed: filters (`kind:api owner:payments`), quoted phrases, words
 * ending in `*` as prefixes, and the words themselves, with the words of a question ("is there a",
 * "do we have") left out. Kind words ("api", "service", "library") rank matches of that kind higher
 * rather than being required, so "is there a geocoding api?" finds the geocoding service too.
 */
export interface FindQuery {
  /** What was typed, trimmed. */
  text: string;
  /** Words to find, lower-cased, in order. */
  words: string[];
  /** Of `words`, those typed with a trailing `*`. */
  prefixes: string[];
  phrases: string[][];
  hints: { kinds: string[]; types: string[] };
  filters: SearchFilters;
  /** The words as one name or title ("payments api" may be payments-api), when they could be one. */
  exactName: string | undefined;
  /** Filters typed with a key /find does not know, to say so. */
  unknownFilters: string[];
}

export const FILTER_KEYS = ['kind', 'type', 'owner', 'tag', 'lifecycle', 'system'] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];

const FILTER_FIELDS: Record<FilterKey, keyof SearchFilters> = { kind: 'kinds', type: 'types', owner: 'owners', tag: 'tags', lifecycle: 'lifecycles', system: 'systems' };
// What people type for a filter besides its name.
const FILTER_ALIASES: Record<string, FilterKey> = { kinds: 'kind', types: 'type', owners: 'owner', team: 'owner', owned: 'owner', 'owned-by': 'owner', tags: 'tag', lifecycles: 'lifecycle', systems: 'system' };

/** Words of questions and requests: they say how something was asked, not what is wanted. */
const QUESTION_WORDS = new Set(
  ('a an the is are was were be been do does did we you i they it its our your my me us there here any anything anyone something someone some ' +
    'have has had got get know find search searching look looking need needs want wants use using used available exist exists existing ' +
    'please tell show give list which what where who whom how why when can could should would will may might for to of in on at by with about ' +
    'from into that this these those and or if than then also just like such thing things one ones somebody anybody else already currently')
    .split(' '),
);

/** Words naming a kind or type: hints that rank those higher, not words an entity must hold. */
const KIND_WORDS: Record<string, { kinds?: string[]; types?: string[] }> = {
  api: { kinds: ['api'] },
  apis: { kinds: ['api'] },
  endpoint: { kinds: ['api'] },
  endpoints: { kinds: ['api'] },
  service: { types: ['service'] },
  services: { types: ['service'] },
  microservice: { types: ['service'] },
  microservices: { types: ['service'] },
  component: { kinds: ['component'] },
  components: { kinds: ['component'] },
  library: { types: ['library'] },
  libraries: { types: ['library'] },
  lib: { types: ['library'] },
  sdk: { types: ['library'] },
  tool: { types: ['tool', 'cli', 'library'] },
  tools: { types: ['tool', 'cli', 'library'] },
  tooling: { types: ['tool', 'cli', 'library'] },
  website: { types: ['website'] },
  websites: { types: ['website'] },
  app: { types: ['website', 'mobile-app'] },
  team: { kinds: ['group'] },
  teams: { kinds: ['group'] },
  group: { kinds: ['group'] },
  groups: { kinds: ['group'] },
  system: { kinds: ['system'] },
  systems: { kinds: ['system'] },
  domain: { kinds: ['domain'] },
  domains: { kinds: ['domain'] },
  resource: { kinds: ['resource'] },
  resources: { kinds: ['resource'] },
  database: { types: ['database'] },
  databases: { types: ['database'] },
  db: { types: ['database'] },
  queue: { types: ['queue'] },
  queues: { types: ['queue'] },
  bucket: { types: ['bucket', 's3-bucket'] },
  buckets: { types: ['bucket', 's3-bucket'] },
  template: { kinds: ['template'] },
  templates: { kinds: ['template'] },
  person: { kinds: ['user'] },
  people: { kinds: ['user'] },
  user: { kinds: ['user'] },
  users: { kinds: ['user'] },
};

// Bounds on what one query may ask for: the statement's cost grows with each word.
const MAX_WORDS = 8;
const MAX_PHRASES = 3;
const MAX_FILTER_VALUES = 10;
const MAX_TEXT = 500;

export function emptyFilters(): SearchFilters {
  return { kinds: [], types: [], owners: [], tags: [], lifecycles: [], systems: [] };
}

export function parseFindQuery(raw: string): FindQuery {
  const text = raw.trim().slice(0, MAX_TEXT);
  const filters = emptyFilters();
  const unknownFilters: string[] = [];
  const phrases: string[][] = [];
  // Quoted phrases first ("double entry", or Slack's curly quotes), then tokens.
  const rest = text.replace(/["“”]([^"“”]+)["“”]/g, (_, phrase: string) => {
    const words = wordsOf(phrase);
    if (words.length > 1 && phrases.length < MAX_PHRASES) phrases.push(words);
    else if (words.length === 1) return ` ${words[0]} `;
    return ' ';
  });
  const tokens: string[] = [];
  for (const token of rest.split(/\s+/).filter(Boolean)) {
    const filter = /^([a-z][a-z-]*):(.+)$/i.exec(token);
    const key = filter && filterKey(filter[1]!);
    if (filter && key) {
      const values = filter[2]!.split(',').map((value) => normaliseFilterValue(key, value)).filter(Boolean);
      const field = filters[FILTER_FIELDS[key]];
      for (const value of values) if (!field.includes(value) && field.length < MAX_FILTER_VALUES) field.push(value);
      continue;
    }
    // `colour:red` reads as a filter /find does not have; a ref or a URL typed as words does not.
    if (filter && /^[a-z]+$/i.test(filter[1]!) && !filter[2]!.startsWith('/') && !isRefLike(token)) {
      unknownFilters.push(token);
      continue;
    }
    tokens.push(token);
  }
  const content: string[] = [];
  const prefixes: string[] = [];
  const hints = { kinds: [] as string[], types: [] as string[] };
  const hintWords: string[] = [];
  for (const token of tokens) {
    const prefix = token.endsWith('*');
    const words = wordsOf(token);
    // A word on its own that names a kind is a hint; inside a name ("payments-api") it is part of the name.
    const hint = words.length === 1 && !prefix ? KIND_WORDS[words[0]!] : undefined;
    if (hint) {
      hints.kinds.push(...(hint.kinds ?? []).filter((kind) => !hints.kinds.includes(kind)));
      hints.types.push(...(hint.types ?? []).filter((type) => !hints.types.includes(type)));
      hintWords.push(words[0]!);
      continue;
    }
    for (const word of words) {
      if (words.length === 1 && QUESTION_WORDS.has(word)) continue;
      if (!content.includes(word)) content.push(word);
      if (prefix && word === words[words.length - 1] && !prefixes.includes(word)) prefixes.push(word);
    }
  }
  // Nothing but kind words ("apis", "any services?"): they are what is searched for.
  const words = (content.length ? content : hintWords).slice(0, MAX_WORDS);
  const named = tokens.map((token) => token.toLowerCase().replace(/[?!.,;:]+$/, '')).filter((token) => !QUESTION_WORDS.has(token));
  const exactName = named.length > 0 && named.length <= 4 && phrases.length === 0 ? named.join(' ') : undefined;
  return { text, words, prefixes: prefixes.filter((word) => words.includes(word)), phrases, hints, filters, exactName, unknownFilters };
}

/** The query's filters as typed names and values, for JSON and for saying what was filtered. */
export function filtersOf(query: Pick<FindQuery, 'filters'>): Partial<Record<FilterKey, string[]>> {
  const shown: Partial<Record<FilterKey, string[]>> = {};
  for (const key of FILTER_KEYS) {
    const values = query.filters[FILTER_FIELDS[key]];
    if (values.length) shown[key] = [...values];
  }
  return shown;
}

function filterKey(typed: string): FilterKey | undefined {
  const key = typed.toLowerCase();
  return (FILTER_KEYS as readonly string[]).includes(key) ? (key as FilterKey) : FILTER_ALIASES[key];
}

/**
 * A filter value as the catalog spells it: lower case; kinds in their singular; owners and systems
 * as a name, or a full ref (`group:default/payments`); a channel or person as Slack escapes it
 * (`<#C…|team-payments>`) is left out, since a filter names a catalog entity.
 */
function normaliseFilterValue(key: FilterKey, raw: string): string {
  const value = raw.trim().toLowerCase().replace(/[?!.,;]+$/, '');
  if (!value || value.startsWith('<')) return '';
  if (key === 'kind') return value === 'apis' ? 'api' : value.replace(/s$/, '');
  if (key === 'owner' || key === 'system') {
    const defaultKind = key === 'owner' ? 'group' : 'system';
    if (!value.includes(':') && !value.includes('/')) return value.replace(/^[@#]/, '');
    const [kindPart, rest] = value.includes(':') ? [value.slice(0, value.indexOf(':')), value.slice(value.indexOf(':') + 1)] : [defaultKind, value];
    return `${kindPart}:${rest.includes('/') ? rest : `default/${rest}`}`;
  }
  return value;
}

/** `component:payments-service` or `api:default/payments-api`: a ref typed as words, not a filter. */
function isRefLike(token: string): boolean {
  return /^(component|api|resource|system|domain|group|user|template|location|rotation):/i.test(token);
}

function wordsOf(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

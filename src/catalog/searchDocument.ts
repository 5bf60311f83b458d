import yaml from 'js-yaml';
import type { Entity } from './model';
import { measure } from './yaml';

/**
 * What full-text search reads of an entity, by weight: `a` names it (name, title, display name),
 * `b` places it (tags, kind, type, owner, system, domain), `c` describes it (description, links'
 * titles, what its API definition declares). PostgreSQL turns each into a weighted tsvector when the
 * entity is written (migrations/000016_search_documents.sql); `/find` ranks by those weights.
 */
export interface SearchFields {
  a: string;
  b: string;
  c: string;
}

// Bounds, so that one entity's document costs PostgreSQL little to build whatever its file holds.
const MAX_FIELD_CHARS = 8_000;
const MAX_DEFINITION_CHARS = 512 * 1024;
const MAX_DEFINITION_ITEMS = 400;
const DEFINITION_LIMITS = { maxNodes: 50_000, maxDepth: 32 };

/** An entity's search fields, from the entity as validation left it. */
export function searchFields(entity: Entity): SearchFields {
  const { metadata } = entity;
  const spec = (entity.spec ?? {}) as Record<string, unknown>;
  const profile = spec.profile as { displayName?: unknown } | undefined;
  const title = text(metadata.title);
  const a = [metadata.name, identifierParts(metadata.name), title, title && identifierParts(title), text(profile?.displayName)];
  const b = [
    ...(Array.isArray(metadata.tags) ? metadata.tags.map((tag) => splitWords(String(tag))) : []),
    entity.kind,
    text(spec.type),
    refName(spec.owner),
    refName(spec.system),
    refName(spec.domain),
  ];
  const links = Array.isArray(metadata.links) ? metadata.links.map((link) => text(link?.title)) : [];
  const c = [text(metadata.description), ...links, ...definitionTerms(text(spec.type), spec.definition)];
  return { a: join(a), b: join(b), c: join(c) };
}

/**
 * The words of a text as search splits them: at anything that is not a letter or digit, between
 * letters and digits, and between a lower-case letter and an upper-case one ("getPayment" → get
 * Payment), so identifiers in names and API definitions are found by their parts.
 */
export function splitWords(value: string): string {
  const words: string[] = [];
  for (const part of value.split(NOT_WORD)) {
    if (!part) continue;
    // Most parts are one word already; only those with a boundary inside are split again.
    if (BOUNDARY.test(part)) words.push(...part.split(BOUNDARIES).filter(Boolean));
    else words.push(part);
  }
  return words.join(' ');
}

/**
 * The parts of an identifier PostgreSQL's parser does not find itself: it splits `payments-api` and
 * `payments_api` into words, not `ledgerSync2` or `jane.doe`. Empty when it has none, so a document holds each
 * word once (every word costs ingestion its stemming).
 */
function identifierParts(value: string): string | undefined {
  return BOUNDARY.test(value) || UNSPLIT_PUNCTUATION.test(value) ? splitWords(value) : undefined;
}

// Punctuation PostgreSQL keeps inside a word ("jane.doe", "ledger.sync" stay one), unlike spaces,
// hyphens and underscores.
const UNSPLIT_PUNCTUATION = /[^\p{L}\p{N}\s_-]/u;

const NOT_WORD = /[^\p{L}\p{N}]+/u;
const BOUNDARY = /\p{Ll}\p{Lu}|\p{L}\p{N}|\p{N}\p{L}/u;
const BOUNDARIES = /(?<=\p{Ll})(?=\p{Lu})|(?<=\p{L})(?=\p{N})|(?<=\p{N})(?=\p{L})/u;

/**
 * The distinct lower-cased words of some texts (search fields, page titles), sorted: the lexicon
 * typos are corrected against. Search fields hold identifiers split already (searchFields), so
 * ASCII punctuation, spaces and typographic punctuation (’ “ …) are what separates words here, and
 * anything else beyond ASCII counts as a letter (a Unicode-aware split costs ingestion twice as much, for a lexicon that only corrects
 * typos); a word with digits in it is no typo to correct. One call for a whole batch: words repeat.
 */
export function lexiconWords(texts: Iterable<string>): string[] {
  const words = new Set<string>();
  for (const text of texts) {
    for (const word of text.toLowerCase().split(ASCII_NOT_WORD)) {
      if (word.length > 2 && word.length <= 40 && !words.has(word) && !ASCII_DIGIT.test(word)) words.add(word);
    }
  }
  return [...words].sort();
}

/** The texts of search fields, for lexiconWords. */
export function* fieldTexts(fields: Iterable<SearchFields>): Generator<string> {
  for (const field of fields) {
    yield field.a;
    yield field.b;
    yield field.c;
  }
}

const ASCII_NOT_WORD = /[\u0000-\u002f\u003a-\u0060\u007b-\u007f\u2000-\u206f]+/;
const ASCII_DIGIT = /[0-9]/;

/**
 * What an API definition declares that people search for: OpenAPI and AsyncAPI titles, operation
 * summaries and paths (or channels); GraphQL type names; gRPC services and methods. Nothing else
 * of a definition is read: schemas are full of words (string, object, required) every API shares.
 */
export function definitionTerms(type: string | undefined, definition: unknown): string[] {
  if (typeof definition !== 'string' || definition.length === 0 || definition.length > MAX_DEFINITION_CHARS) return [];
  const kind = (type ?? '').toLowerCase();
  if (kind === 'graphql') return graphqlTerms(definition);
  if (kind === 'grpc') return grpcTerms(definition);
  if (kind !== 'openapi' && kind !== 'asyncapi') return [];
  let document: unknown;
  try {
    document = yaml.load(definition, { schema: yaml.CORE_SCHEMA, json: true });
  } catch {
    return [];
  }
  if (!isRecord(document) || measure(document, DEFINITION_LIMITS)) return [];
  const terms: string[] = [];
  const info = document.info;
  if (isRecord(info)) terms.push(text(info.title) ?? '');
  const operations = isRecord(document.paths) ? document.paths : isRecord(document.channels) ? document.channels : {};
  for (const [path, item] of Object.entries(operations).slice(0, MAX_DEFINITION_ITEMS)) {
    terms.push(splitWords(path));
    if (!isRecord(item)) continue;
    for (const operation of Object.values(item)) {
      if (isRecord(operation)) terms.push(text(operation.summary) ?? '', splitWords(text(operation.operationId) ?? ''));
    }
  }
  return terms.filter(Boolean);
}

function graphqlTerms(definition: string): string[] {
  const names = [...definition.matchAll(/\b(?:type|interface|enum|input|union|scalar)\s+([A-Za-z_][A-Za-z0-9_]*)/g)].map((match) => match[1]!);
  return names.slice(0, MAX_DEFINITION_ITEMS).map((name) => `${name} ${splitWords(name)}`);
}

function grpcTerms(definition: string): string[] {
  const names = [...definition.matchAll(/\b(?:service|rpc)\s+([A-Za-z_][A-Za-z0-9_]*)/g)].map((match) => match[1]!);
  return names.slice(0, MAX_DEFINITION_ITEMS).map(splitWords);
}

/** The name part of a ref: `group:default/payments` → payments. */
function refName(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const name = value.slice(value.lastIndexOf('/') + 1);
  return splitWords(name.slice(name.indexOf(':') + 1));
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() ? value : undefined;
}

function join(parts: Array<string | undefined>): string {
  const joined = parts.filter((part): part is string => Boolean(part)).join(' ');
  return joined.length > MAX_FIELD_CHARS ? joined.slice(0, joined.lastIndexOf(' ', MAX_FIELD_CHARS)) : joined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

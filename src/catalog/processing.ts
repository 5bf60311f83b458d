import { sha256 } from './files';
import { entityRefKey, refOf, relationsOf, stringifyEntityRef, validateEntity, type Entity, type EntityRelation } from './model';
import { readPolicyOf, scopeOfRoot, type ReadPolicy, type ReadScope } from './confinement';
import { locationTargets, READABLE_LOCATION_TYPES, type ListingDocument, type LocationTarget } from './locationTargets';
import { containsPlaceholder, isUrl, placeholderBudget, resolvePlaceholders, type PlaceholderBudget, type UrlReader } from './placeholders';
import { createTurns } from './turns';
import { DEFAULT_YAML_LIMITS, measure, parseYamlDocuments, unstorableText } from './yaml';

export type ProblemKind = 'read' | 'parse' | 'validation' | 'placeholder' | 'conflict' | 'relation' | 'location' | 'rule' | 'duplicate' | 'membership';

/**
 * Kinds of problem that are warnings: the file is read as Backstage reads it and every entity is
 * stored, but something in it deserves a look (an entity defined twice, members who are not there).
 */
export const WARNING_KINDS: readonly ProblemKind[] = ['duplicate', 'membership'];

export function isWarning(problem: { kind: ProblemKind }): boolean {
  return WARNING_KINDS.includes(problem.kind);
}

/** Something wrong with a catalog file, stored and shown with where it is. */
export interface CatalogProblem {
  kind: ProblemKind;
  file: string;
  document?: number;
  line?: number;
  column?: number;
  entityRef?: string;
  message: string;
}

export interface StoredRelation {
  sourceKey: string;
  type: string;
  targetKey: string;
  sourceRef: string;
  targetRef: string;
}

/** A valid entity, ready to store. */
export interface ProcessedEntity {
  refKey: string;
  ref: string;
  kind: string;
  namespace: string;
  name: string;
  title: string | undefined;
  /**
   * The entity as JSON, made once: its hash is of this text, and the store writes it as is. The
   * parsed object is not kept: ingestion holds entities until their batch is written, and objects
   * that live that long cost every garbage collection on the way.
   */
  json: string;
  hash: string;
  /**
   * The relations this entity states (source is the entity itself). Each relation is stored once,
   * by the entity that states it; the other direction is read backwards.
   */
  relations: StoredRelation[];
  document: number;
  /** The line its document starts on. */
  line: number;
}

export type { LocationTarget } from './locationTargets';

export interface DocumentVerdict {
  document: number;
  line: number;
  ref: string | null;
  valid: boolean;
  errors: string[];
  /** What Backstage accepts but deserves a look, or what Backline stores but cannot follow. */
  warnings: string[];
}

export type ProcessedFile =
  | { parsed: false; problem: CatalogProblem }
  | { parsed: true; entities: ProcessedEntity[]; children: LocationTarget[]; problems: CatalogProblem[]; documents: DocumentVerdict[]; dependencies: Array<{ file: string; hash: string }> };

export interface ProcessOptions {
  file: string;
  maxBytes: number;
  urlReader?: UrlReader;
  /** Where the file's Location targets and placeholders may read; by default, the file's own folder. */
  scope?: ReadScope;
  policy?: ReadPolicy;
  /** The bytes all placeholders of the file may pull in together. */
  maxPlaceholderBytes?: number;
  /** The catalog rules' verdict on a valid entity: null lets it in, a message refuses it. */
  admit?: (entity: Entity) => string | null;
  /** Hands the event loop back between documents and reads (see turns.ts). */
  takeTurn?: () => Promise<void>;
}

/** What a location's placeholders may pull in together unless configured: a few large API definitions. */
export const DEFAULT_MAX_PLACEHOLDER_BYTES = 8 * 1024 * 1024;

/**
 * Turns the text of one catalog file into entities: parse every document, resolve placeholders,
 * validate as Backstage does, derive relations. An invalid document is reported and skipped; its
 * siblings are kept. A file that does not parse yields nothing, so its last good state survives.
 */
export async function processCatalogText(text: string, options: ProcessOptions): Promise<ProcessedFile> {
  const { file } = options;
  const parsed = parseYamlDocuments(text, DEFAULT_YAML_LIMITS);
  if (!parsed.ok) {
    return { parsed: false, problem: { kind: 'parse', file, line: parsed.problem.line, column: parsed.problem.column, message: `${file} is not valid YAML: ${parsed.problem.message}` } };
  }

  // By ref key, in document order: a later copy of an entity replaces the earlier one.
  const accepted = new Map<string, { entity: ProcessedEntity; children: LocationTarget[] }>();
  let problems: CatalogProblem[] = [];
  const documents: DocumentVerdict[] = [];
  const dependencies: Array<{ file: string; hash: string }> = [];
  const policy = options.policy ?? readPolicyOf(options.urlReader);
  const scope = options.scope ?? scopeOfRoot({ type: isUrl(file) ? 'url' : 'file', target: file }, policy);
  const limit = options.maxPlaceholderBytes ?? DEFAULT_MAX_PLACEHOLDER_BYTES;
  const budget = placeholderBudget(limit);
  const takeTurn = options.takeTurn ?? createTurns().slice();

  let lines: string[] | undefined;
  const textLines = () => (lines ??= text.split('\n'));

  for (const [position, raw] of parsed.documents.entries()) {
    await takeTurn();
    // Empty documents (a trailing `---`, a file of comments) are not entities and not errors.
    if (raw.value === null || raw.value === undefined) continue;
    const verdict: DocumentVerdict = { document: raw.index, line: raw.line, ref: null, valid: false, errors: [], warnings: [] };
    documents.push(verdict);
    const at = { file, document: raw.index, line: raw.line };
    const fail = (kind: ProblemKind, messages: string[], line = raw.line) => {
      verdict.errors.push(...messages);
      for (const message of messages) problems.push({ kind, ...at, line, entityRef: verdict.ref ?? undefined, message });
    };
    // Stored with the entity, which is kept: a warning to `validate`, a problem on the entity once ingested.
    const note = (kind: ProblemKind, message: string) => {
      verdict.warnings.push(message);
      problems.push({ kind, ...at, entityRef: verdict.ref ?? undefined, message });
    };
    const lastLine = (parsed.documents[position + 1]?.line ?? Number.MAX_SAFE_INTEGER) - 1;
    const listing = { file, lines: { first: raw.line, last: lastLine }, text: textLines };

    if (typeof raw.value !== 'object' || Array.isArray(raw.value)) {
      fail('validation', [`document ${raw.index} is ${describeValue(raw.value)}, but an entity must be a mapping with apiVersion, kind and metadata`]);
      continue;
    }
    verdict.ref = guessRef(raw.value);

    // One entity's failure, of whatever kind, is that entity's error: its siblings still ingest.
    let processed: { entity: ProcessedEntity; children: LocationTarget[] } | undefined;
    try {
      processed = await processDocument(raw.value, raw.index, { file, options, scope, policy, budget, takeTurn, dependencies, listing, verdict, fail, note });
    } catch (error) {
      fail('validation', [`document ${raw.index} could not be processed: ${error instanceof RangeError ? 'it is nested too deeply' : (error as Error).message}`]);
    }
    if (!processed) continue;
    verdict.valid = true;
    const earlier = accepted.get(processed.entity.refKey);
    if (earlier) {
      // Backstage writes every entity a file yields under the file's location, each over the one
      // before, so the last copy is the one the catalog holds. What the earlier copy led to goes with it.
      const replaced = earlier.entity.document;
      problems = problems.filter((problem) => problem.document !== replaced);
      accepted.delete(processed.entity.refKey);
      note('duplicate', `${processed.entity.ref} is defined twice in ${file} (documents ${replaced} and ${raw.index}); the last one, document ${raw.index}, is kept, as Backstage keeps it`);
    }
    accepted.set(processed.entity.refKey, processed);
  }
  const kept = [...accepted.values()];
  return { parsed: true, entities: kept.map((item) => item.entity), children: kept.flatMap((item) => item.children), problems, documents, dependencies };
}

interface DocumentContext {
  file: string;
  options: ProcessOptions;
  scope: ReadScope;
  policy: ReadPolicy;
  budget: PlaceholderBudget;
  takeTurn: () => Promise<void>;
  dependencies: Array<{ file: string; hash: string }>;
  /** Where the document is in its file, for the lines of Location targets. */
  listing: Omit<ListingDocument, 'ref'>;
  verdict: DocumentVerdict;
  /** Records problems that keep the entity out of the catalog, on the document's line unless given. */
  fail(kind: ProblemKind, messages: string[], line?: number): void;
  /** Records a problem with an entity that is kept. */
  note(kind: ProblemKind, message: string): void;
}

/** One document to an entity ready to store, or undefined with its problems recorded. */
async function processDocument(document: unknown, index: number, context: DocumentContext): Promise<{ entity: ProcessedEntity; children: LocationTarget[] } | undefined> {
  const { file, options, verdict, fail, note } = context;
  let value = document;
  if (containsPlaceholder(value)) {
    const resolved = await resolvePlaceholders(value, { file, maxBytes: options.maxBytes, urlReader: options.urlReader, scope: context.scope, policy: context.policy, budget: context.budget, takeTurn: context.takeTurn });
    context.dependencies.push(...resolved.dependencies);
    if (resolved.errors.length) {
      fail('placeholder', resolved.errors);
      return undefined;
    }
    value = resolved.value;
    // What placeholders brought in counts with the document: depth and size are checked before
    // validation walks the value recursively.
    const excess = measure(value, DEFAULT_YAML_LIMITS);
    if (excess) {
      fail('placeholder', [`document ${index} with its placeholders resolved ${excess}`]);
      return undefined;
    }
  }

  // The parsed document belongs to this pipeline alone, so validation need not deep-copy it.
  const validation = validateEntity(value, { copy: false });
  if (!validation.valid) {
    fail('validation', validation.errors);
    return undefined;
  }
  const entity = validation.entity;
  // The JSON is what the store writes; text PostgreSQL cannot hold shows in it as an escape.
  const json = JSON.stringify(entity);
  const unstorable = unstorableText(json);
  if (unstorable) {
    fail('validation', [`document ${index} cannot be stored: ${unstorable}`]);
    return undefined;
  }
  const ref = stringifyEntityRef(refOf(entity));
  const refKey = entityRefKey(refOf(entity));
  verdict.ref = ref;

  const refusal = options.admit?.(entity);
  if (refusal) {
    fail('rule', [refusal]);
    return undefined;
  }
  const derived = relationsOf(entity);
  if (derived.errors.length) {
    fail('relation', derived.errors);
    return undefined;
  }

  let children: LocationTarget[] = [];
  if (entity.kind === 'Location') {
    const targets = locationTargets(entity, { ...context.listing, ref }, context.scope, context.policy);
    if (!targets.readable) {
      note('location', `Location type "${targets.type}" is not one Backline reads (it reads ${READABLE_LOCATION_TYPES.map((type) => `"${type}"`).join(' and ')}): the Location is kept, but its targets are not read`);
    } else if (targets.errors.length) {
      for (const error of targets.errors) fail('location', [error.message], error.line);
      return undefined;
    } else {
      children = targets.targets;
    }
  }

  const compound = refOf(entity);
  return {
    entity: {
      refKey,
      ref,
      kind: compound.kind.toLowerCase(),
      namespace: compound.namespace,
      name: compound.name,
      title: typeof entity.metadata.title === 'string' ? entity.metadata.title : undefined,
      json,
      hash: sha256(json),
      relations: statedRelations(derived.relations, refKey),
      document: index,
      line: verdict.line,
    },
    children,
  };
}

function guessRef(value: object): string | null {
  const record = value as { kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } };
  if (typeof record.kind !== 'string' || typeof record.metadata?.name !== 'string') return null;
  const namespace = typeof record.metadata.namespace === 'string' ? record.metadata.namespace : 'default';
  return `${record.kind.toLowerCase()}:${namespace}/${record.metadata.name}`;
}

function describeValue(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  // The text itself is not quoted: errors are shown to people who may not read the file.
  if (typeof value === 'string') return 'a string';
  return `a ${typeof value}`;
}

/** The relations whose source is the entity itself, keyed for the store. */
function statedRelations(relations: EntityRelation[], refKey: string): StoredRelation[] {
  const stated: StoredRelation[] = [];
  for (const relation of relations) {
    const sourceKey = relation.source.toLowerCase();
    if (sourceKey !== refKey) continue;
    stated.push({ sourceKey, type: relation.type, targetKey: relation.target.toLowerCase(), sourceRef: relation.source, targetRef: relation.target });
  }
  return stated;
}

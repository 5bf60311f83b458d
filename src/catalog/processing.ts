import { sha256 } from './files';
import { entityRefKey, refOf, relationsOf, stringifyEntityRef, validateEntity, type Entity, type EntityRelation } from './model';
import { confineLocalPath, confineUrl, readPolicyOf, scopeOfRoot, type ReadPolicy, type ReadScope } from './confinement';
import { containsPlaceholder, isUrl, placeholderBudget, resolvePlaceholders, type PlaceholderBudget, type UrlReader } from './placeholders';
import { createTurns } from './turns';
import { DEFAULT_YAML_LIMITS, measure, parseYamlDocuments, unstorableText } from './yaml';

export type ProblemKind = 'read' | 'parse' | 'validation' | 'placeholder' | 'conflict' | 'relation' | 'location' | 'rule';

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
}

/** Where a Location entity (or a folder) points: another location to read. */
export interface LocationTarget {
  type: 'file' | 'url';
  target: string;
}

export interface DocumentVerdict {
  document: number;
  line: number;
  ref: string | null;
  valid: boolean;
  errors: string[];
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

  const entities: ProcessedEntity[] = [];
  const children: LocationTarget[] = [];
  const problems: CatalogProblem[] = [];
  const documents: DocumentVerdict[] = [];
  const dependencies: Array<{ file: string; hash: string }> = [];
  const seen = new Map<string, number>();
  const policy = options.policy ?? readPolicyOf(options.urlReader);
  const scope = options.scope ?? scopeOfRoot({ type: isUrl(file) ? 'url' : 'file', target: file }, policy);
  const limit = options.maxPlaceholderBytes ?? DEFAULT_MAX_PLACEHOLDER_BYTES;
  const budget = placeholderBudget(limit);
  const takeTurn = options.takeTurn ?? createTurns().slice();

  for (const raw of parsed.documents) {
    await takeTurn();
    // Empty documents (a trailing `---`, a file of comments) are not entities and not errors.
    if (raw.value === null || raw.value === undefined) continue;
    const verdict: DocumentVerdict = { document: raw.index, line: raw.line, ref: null, valid: false, errors: [] };
    documents.push(verdict);
    const at = { file, document: raw.index, line: raw.line };
    const fail = (kind: ProblemKind, messages: string[]) => {
      verdict.errors.push(...messages);
      for (const message of messages) problems.push({ kind, ...at, entityRef: verdict.ref ?? undefined, message });
    };

    if (typeof raw.value !== 'object' || Array.isArray(raw.value)) {
      fail('validation', [`document ${raw.index} is ${describeValue(raw.value)}, but an entity must be a mapping with apiVersion, kind and metadata`]);
      continue;
    }
    verdict.ref = guessRef(raw.value);

    // One entity's failure, of whatever kind, is that entity's error: its siblings still ingest.
    let accepted: { entity: ProcessedEntity; children: LocationTarget[] } | undefined;
    try {
      accepted = await processDocument(raw.value, raw.index, { file, options, scope, policy, budget, takeTurn, dependencies, seen, verdict, fail });
    } catch (error) {
      fail('validation', [`document ${raw.index} could not be processed: ${error instanceof RangeError ? 'it is nested too deeply' : (error as Error).message}`]);
    }
    if (!accepted) continue;
    verdict.valid = true;
    entities.push(accepted.entity);
    children.push(...accepted.children);
  }
  return { parsed: true, entities, children, problems, documents, dependencies };
}

interface DocumentContext {
  file: string;
  options: ProcessOptions;
  scope: ReadScope;
  policy: ReadPolicy;
  budget: PlaceholderBudget;
  takeTurn: () => Promise<void>;
  dependencies: Array<{ file: string; hash: string }>;
  seen: Map<string, number>;
  verdict: DocumentVerdict;
  fail(kind: ProblemKind, messages: string[]): void;
}

/** One document to an entity ready to store, or undefined with its problems recorded. */
async function processDocument(document: unknown, index: number, context: DocumentContext): Promise<{ entity: ProcessedEntity; children: LocationTarget[] } | undefined> {
  const { file, options, verdict, fail } = context;
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
  const earlier = context.seen.get(refKey);
  if (earlier !== undefined) {
    fail('conflict', [`${ref} is defined twice in ${file} (documents ${earlier} and ${index}); the first one is kept`]);
    return undefined;
  }
  context.seen.set(refKey, index);

  let children: LocationTarget[] = [];
  if (entity.kind.toLowerCase() === 'location') {
    const targets = locationTargets(entity, file, context.scope, context.policy);
    if (targets.errors.length) {
      fail('location', targets.errors);
      return undefined;
    }
    children = targets.targets;
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
    },
    children,
  };
}

/**
 * Location `target`/`targets`, resolved against the folder of the file that holds the Location, and
 * confined to the source the file came from: a target outside it is an error, never read.
 */
function locationTargets(entity: Entity, file: string, scope: ReadScope, policy: ReadPolicy): { targets: LocationTarget[]; errors: string[] } {
  const spec = (entity.spec ?? {}) as { type?: string; target?: string; targets?: string[] };
  const type = spec.type ?? 'file';
  const raw = [...(spec.target ? [spec.target] : []), ...(spec.targets ?? [])];
  if (type !== 'file' && type !== 'url') {
    return { targets: [], errors: [`Location type "${type}" is not supported; use "file" or "url"`] };
  }
  const targets: LocationTarget[] = [];
  const errors: string[] = [];
  for (const target of raw) {
    // Targets are relative to the Location's own file, whether that is on disk or at a URL.
    const url = /^https?:\/\//i.test(target) ? target : isUrl(file) ? new URL(target, file).toString() : type === 'url' ? target : undefined;
    const confined = url !== undefined ? confineUrl(url, scope, policy) : confineLocalPath(target, file, scope);
    if (!confined.ok) errors.push(`Location target ${confined.message}`);
    else targets.push({ type: url !== undefined ? 'url' : 'file', target: confined.target });
  }
  return { targets, errors };
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

import path from 'node:path';
import { sha256 } from '../sources/files';
import { entityRefKey, refOf, relationsOf, stringifyEntityRef, validateEntity, type Entity, type EntityRelation } from './model';
import { containsPlaceholder, isUrl, resolvePlaceholders, type UrlReader } from './placeholders';
import { DEFAULT_YAML_LIMITS, parseYamlDocuments } from './yaml';

export type ProblemKind = 'read' | 'parse' | 'validation' | 'placeholder' | 'conflict' | 'relation' | 'location';

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
}

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

  for (const raw of parsed.documents) {
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

    let value: unknown = raw.value;
    if (containsPlaceholder(value)) {
      const resolved = await resolvePlaceholders(value, { file, maxBytes: options.maxBytes, urlReader: options.urlReader });
      dependencies.push(...resolved.dependencies);
      if (resolved.errors.length) {
        fail('placeholder', resolved.errors);
        continue;
      }
      value = resolved.value;
    }

    // The parsed document belongs to this pipeline alone, so validation need not deep-copy it.
    const validation = validateEntity(value, { copy: false });
    if (!validation.valid) {
      fail('validation', validation.errors);
      continue;
    }
    const entity = validation.entity;
    const ref = stringifyEntityRef(refOf(entity));
    const refKey = entityRefKey(refOf(entity));
    verdict.ref = ref;

    const derived = relationsOf(entity);
    if (derived.errors.length) {
      fail('relation', derived.errors);
      continue;
    }
    const earlier = seen.get(refKey);
    if (earlier !== undefined) {
      fail('conflict', [`${ref} is defined twice in ${file} (documents ${earlier} and ${raw.index}); the first one is kept`]);
      continue;
    }
    seen.set(refKey, raw.index);

    if (entity.kind.toLowerCase() === 'location') {
      const targets = locationTargets(entity, file);
      if (targets.errors.length) {
        fail('location', targets.errors);
        continue;
      }
      children.push(...targets.targets);
    }

    verdict.valid = true;
    const compound = refOf(entity);
    const json = JSON.stringify(entity);
    entities.push({
      refKey,
      ref,
      kind: compound.kind.toLowerCase(),
      namespace: compound.namespace,
      name: compound.name,
      title: typeof entity.metadata.title === 'string' ? entity.metadata.title : undefined,
      json,
      hash: sha256(json),
      relations: statedRelations(derived.relations, refKey),
      document: raw.index,
    });
  }
  return { parsed: true, entities, children, problems, documents, dependencies };
}

/** Location `target`/`targets`, resolved against the folder of the file that holds the Location. */
function locationTargets(entity: Entity, file: string): { targets: LocationTarget[]; errors: string[] } {
  const spec = (entity.spec ?? {}) as { type?: string; target?: string; targets?: string[] };
  const type = spec.type ?? 'file';
  const raw = [...(spec.target ? [spec.target] : []), ...(spec.targets ?? [])];
  if (type !== 'file' && type !== 'url') {
    return { targets: [], errors: [`Location type "${type}" is not supported; use "file" or "url"`] };
  }
  const isHttp = (target: string) => /^https?:\/\//i.test(target);
  return {
    targets: raw.map((target) => {
      // Targets are relative to the Location's own file, whether that is on disk or at a URL.
      if (isHttp(target)) return { type: 'url' as const, target };
      if (isUrl(file)) return { type: 'url' as const, target: new URL(target, file).toString() };
      return type === 'url' ? { type: 'url' as const, target } : { type: 'file' as const, target: path.resolve(path.dirname(file), target) };
    }),
    errors: [],
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
  if (typeof value === 'string') return `a string ("${value.length > 40 ? `${value.slice(0, 40)}…` : value}")`;
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

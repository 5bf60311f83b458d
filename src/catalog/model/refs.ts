import { DEFAULT_NAMESPACE, type CompoundEntityRef, type Entity } from './entity';

/** Thrown when a string or object cannot be read as an entity reference. */
export class InvalidEntityRefError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidEntityRefError';
  }
}

/** What the caller of `parseEntityRef` fills in for parts the reference leaves out. */
export interface EntityRefContext {
  defaultKind?: string;
  /** Defaults to `default`. Relation targets pass the referring entity's namespace here. */
  defaultNamespace?: string;
}

/** A reference in object form, with any part but the name possibly left to the context. */
export interface PartialEntityRef {
  kind?: string;
  namespace?: string;
  name: string;
}

/** Anything that names one entity: a compound ref, a partial ref with kind, or the entity itself. */
export type EntityRefLike = { kind: string; namespace?: string; name: string } | Entity;

/**
 * Splits `[<kind>:][<namespace>/]<name>` exactly as Backstage does: the first `:` ends the kind unless
 * a `/` comes before it, the first `/` ends the namespace, and the rest is the name (which may
 * itself contain `:` or `/`).
 */
function parseRefString(ref: string): { kind?: string; namespace?: string; name: string } {
  let colon = ref.indexOf(':');
  const slash = ref.indexOf('/');
  if (slash !== -1 && slash < colon) colon = -1;
  const kind = colon === -1 ? undefined : ref.slice(0, colon);
  const namespace = slash === -1 ? undefined : ref.slice(colon + 1, slash);
  const name = ref.slice(Math.max(colon + 1, slash + 1));
  if (kind === '' || namespace === '' || name === '') {
    throw new InvalidEntityRefError(`Entity reference "${ref}" was not on the form [<kind>:][<namespace>/]<name>`);
  }
  return { kind, namespace, name };
}

/**
 * Reads an entity reference, filling missing parts from the context, with Backstage's semantics and
 * messages. Kind, namespace and name keep the case they were written in.
 *
 * @throws InvalidEntityRefError when a part is empty, or the kind is missing and has no default.
 */
export function parseEntityRef(ref: string | PartialEntityRef, context: EntityRefContext = {}): CompoundEntityRef {
  if (!ref) throw new InvalidEntityRefError('Entity reference must not be empty');
  const defaultNamespace = context.defaultNamespace || DEFAULT_NAMESPACE;

  let parts: { kind?: string; namespace?: string; name?: unknown };
  if (typeof ref === 'string') {
    parts = parseRefString(ref);
  } else if (typeof ref === 'object' && !Array.isArray(ref)) {
    parts = ref;
  } else {
    throw new InvalidEntityRefError(`Entity reference ${JSON.stringify(ref)} must be a string like "component:default/name"`);
  }

  const kind = parts.kind ?? context.defaultKind;
  const namespace = parts.namespace ?? defaultNamespace;
  const name = parts.name;
  const textual = JSON.stringify(ref);
  if (!kind) {
    throw new InvalidEntityRefError(`Entity reference ${textual} had missing or empty kind (e.g. did not start with "component:" or similar)`);
  }
  if (!namespace) throw new InvalidEntityRefError(`Entity reference ${textual} had missing or empty namespace`);
  if (!name || typeof name !== 'string') throw new InvalidEntityRefError(`Entity reference ${textual} had missing or empty name`);
  return { kind, namespace, name };
}

function partsOf(ref: EntityRefLike): CompoundEntityRef {
  if ('metadata' in ref) return refOf(ref);
  return { kind: ref.kind, namespace: ref.namespace ?? DEFAULT_NAMESPACE, name: ref.name };
}

/**
 * The display form `kind:namespace/name`: the kind lower-cased, namespace and name as written, so
 * `Component` `Artist-Lookup` reads `component:default/Artist-Lookup`, for people to read. Backstage's
 * function of this name lower-cases every part: that form is `canonicalEntityRef`. Compare refs with
 * `entityRefKey` or `sameEntityRef`, never with this string.
 */
export function stringifyEntityRef(ref: EntityRefLike): string {
  const { kind, namespace, name } = partsOf(ref);
  return `${kind.toLowerCase()}:${namespace}/${name}`;
}

/**
 * The fully lower-cased form, `component:default/artist-lookup`: entity refs are case-insensitive,
 * so this is the storage key and the thing to compare. A string must be a complete ref with a kind.
 */
export function entityRefKey(ref: string | EntityRefLike): string {
  const parts = typeof ref === 'string' ? parseEntityRef(ref) : partsOf(ref);
  return `${parts.kind}:${parts.namespace}/${parts.name}`.toLowerCase();
}

/**
 * What Backstage's own `stringifyEntityRef` returns: kind, namespace and name lower-cased,
 * `component:default/artist-lookup`. Output that programs read (`--json`) gives refs in this form;
 * cards show the display form of `stringifyEntityRef` here. A string must be a complete ref.
 */
export function canonicalEntityRef(ref: string | EntityRefLike): string {
  return typeof ref === 'string' ? ref.toLocaleLowerCase('en-US') : entityRefKey(ref);
}

/** Whether two references name the same entity, ignoring case. */
export function sameEntityRef(a: string | EntityRefLike, b: string | EntityRefLike): boolean {
  return entityRefKey(a) === entityRefKey(b);
}

/** The entity's own reference; its namespace defaults to `default`. */
export function refOf(entity: Entity): CompoundEntityRef {
  return {
    kind: entity.kind,
    namespace: entity.metadata.namespace || DEFAULT_NAMESPACE,
    name: entity.metadata.name,
  };
}

import type { CompoundEntityRef, Entity, EntityRelation } from './entity';
import { entityRefKey, parseEntityRef, refOf, stringifyEntityRef } from './refs';
import { formatPath } from './schemas/common';

export const RELATION_OWNED_BY = 'ownedBy';
export const RELATION_OWNER_OF = 'ownerOf';
export const RELATION_CONSUMES_API = 'consumesApi';
export const RELATION_API_CONSUMED_BY = 'apiConsumedBy';
export const RELATION_PROVIDES_API = 'providesApi';
export const RELATION_API_PROVIDED_BY = 'apiProvidedBy';
export const RELATION_DEPENDS_ON = 'dependsOn';
export const RELATION_DEPENDENCY_OF = 'dependencyOf';
export const RELATION_PARENT_OF = 'parentOf';
export const RELATION_CHILD_OF = 'childOf';
export const RELATION_MEMBER_OF = 'memberOf';
export const RELATION_HAS_MEMBER = 'hasMember';
export const RELATION_PART_OF = 'partOf';
export const RELATION_HAS_PART = 'hasPart';

/** Each relation type and its reverse: what the same relation is called read from its target. */
export const INVERSE_RELATION: Readonly<Record<string, string>> = {
  [RELATION_OWNED_BY]: RELATION_OWNER_OF,
  [RELATION_OWNER_OF]: RELATION_OWNED_BY,
  [RELATION_PART_OF]: RELATION_HAS_PART,
  [RELATION_HAS_PART]: RELATION_PART_OF,
  [RELATION_DEPENDS_ON]: RELATION_DEPENDENCY_OF,
  [RELATION_DEPENDENCY_OF]: RELATION_DEPENDS_ON,
  [RELATION_PROVIDES_API]: RELATION_API_PROVIDED_BY,
  [RELATION_API_PROVIDED_BY]: RELATION_PROVIDES_API,
  [RELATION_CONSUMES_API]: RELATION_API_CONSUMED_BY,
  [RELATION_API_CONSUMED_BY]: RELATION_CONSUMES_API,
  [RELATION_MEMBER_OF]: RELATION_HAS_MEMBER,
  [RELATION_HAS_MEMBER]: RELATION_MEMBER_OF,
  [RELATION_CHILD_OF]: RELATION_PARENT_OF,
  [RELATION_PARENT_OF]: RELATION_CHILD_OF,
};

/** A spec field that names other entities, and the relation pair it produces. */
interface RelationField {
  field: string;
  /** Kind assumed for refs that do not name one; none means the ref must name its kind. */
  defaultKind?: string;
  outgoing: string;
  incoming: string;
}

const owner: RelationField = { field: 'owner', defaultKind: 'Group', outgoing: RELATION_OWNED_BY, incoming: RELATION_OWNER_OF };
const system: RelationField = { field: 'system', defaultKind: 'System', outgoing: RELATION_PART_OF, incoming: RELATION_HAS_PART };
const dependsOn: RelationField = { field: 'dependsOn', outgoing: RELATION_DEPENDS_ON, incoming: RELATION_DEPENDENCY_OF };
const dependencyOf: RelationField = { field: 'dependencyOf', outgoing: RELATION_DEPENDENCY_OF, incoming: RELATION_DEPENDS_ON };

/**
 * Per kind, the fields Backstage's BuiltinKindsEntityProcessor turns into relations (plus the
 * scaffolder module's Template owner, and Backline's Rotation owner). Kinds match exactly, as there.
 */
const RELATION_FIELDS: Record<string, readonly RelationField[]> = {
  Component: [
    owner,
    { field: 'subcomponentOf', defaultKind: 'Component', outgoing: RELATION_PART_OF, incoming: RELATION_HAS_PART },
    { field: 'providesApis', defaultKind: 'API', outgoing: RELATION_PROVIDES_API, incoming: RELATION_API_PROVIDED_BY },
    { field: 'consumesApis', defaultKind: 'API', outgoing: RELATION_CONSUMES_API, incoming: RELATION_API_CONSUMED_BY },
    dependsOn,
    dependencyOf,
    system,
  ],
  API: [owner, system],
  Resource: [owner, dependsOn, dependencyOf, system],
  User: [{ field: 'memberOf', defaultKind: 'Group', outgoing: RELATION_MEMBER_OF, incoming: RELATION_HAS_MEMBER }],
  Group: [
    { field: 'parent', defaultKind: 'Group', outgoing: RELATION_CHILD_OF, incoming: RELATION_PARENT_OF },
    { field: 'children', defaultKind: 'Group', outgoing: RELATION_PARENT_OF, incoming: RELATION_CHILD_OF },
    { field: 'members', defaultKind: 'User', outgoing: RELATION_HAS_MEMBER, incoming: RELATION_MEMBER_OF },
  ],
  System: [owner, { field: 'domain', defaultKind: 'Domain', outgoing: RELATION_PART_OF, incoming: RELATION_HAS_PART }],
  Domain: [owner, { field: 'subdomainOf', defaultKind: 'Domain', outgoing: RELATION_PART_OF, incoming: RELATION_HAS_PART }],
  Template: [owner],
  Rotation: [owner],
};

export interface RelationsResult {
  relations: EntityRelation[];
  /** One message per ref that could not be read; the entity should then be skipped, as Backstage fails it. */
  errors: string[];
}

/**
 * The relations an entity's spec declares, in both directions (`ownedBy` from the entity and
 * `ownerOf` back to it, and so on). A ref without a namespace takes the entity's own namespace; one
 * without a kind takes the field's default kind. Identical relations, compared case-insensitively,
 * appear once.
 */
export function relationsOf(entity: Entity): RelationsResult {
  const fields = RELATION_FIELDS[entity.kind] ?? [];
  // The scaffolder module only reads owners of v1beta3 templates.
  if (entity.kind === 'Template' && entity.apiVersion !== 'scaffolder.backstage.io/v1beta3') return { relations: [], errors: [] };

  const self = refOf(entity);
  const selfRef = stringifyEntityRef(self);
  const selfKey = entityRefKey(self);
  const spec = entity.spec ?? {};
  const relations: EntityRelation[] = [];
  const errors: string[] = [];
  const seen = new Set<string>();
  // Each ref is keyed and spelled once, and serves both directions of its relation.
  const add = (type: string, sourceRef: string, sourceKey: string, targetRef: string, targetKey: string): void => {
    const key = `${type} ${sourceKey} ${targetKey}`;
    if (seen.has(key)) return;
    seen.add(key);
    relations.push({ type, source: sourceRef, target: targetRef });
  };

  for (const field of fields) {
    for (const { value, path } of refsIn(spec[field.field], ['spec', field.field])) {
      if (typeof value !== 'string' || value === '') {
        errors.push(`${formatPath(path)} of ${selfRef} must be a non-empty entity ref string (got ${JSON.stringify(value)})`);
        continue;
      }
      let target: CompoundEntityRef;
      try {
        target = parseEntityRef(value, { defaultKind: field.defaultKind, defaultNamespace: self.namespace });
      } catch (error) {
        const hint = field.defaultKind ? '' : `; ${field.field} has no default kind, so write refs as kind:[namespace/]name`;
        errors.push(`${formatPath(path)} of ${selfRef}: ${(error as Error).message}${hint}`);
        continue;
      }
      const targetRef = stringifyEntityRef(target);
      const targetKey = entityRefKey(target);
      add(field.outgoing, selfRef, selfKey, targetRef, targetKey);
      add(field.incoming, targetRef, targetKey, selfRef, selfKey);
    }
  }
  return { relations, errors };
}

/** A field holds one ref or a list of refs; an absent or empty field holds none (as in Backstage). */
function refsIn(value: unknown, path: string[]): Array<{ value: unknown; path: Array<string | number> }> {
  if (value === undefined || value === null || value === '') return [];
  if (Array.isArray(value)) return value.map((item, index) => ({ value: item, path: [...path, index] }));
  return [{ value, path }];
}

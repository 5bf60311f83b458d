import type { CatalogStore, Neighbourhood, RelationRow, StoredEntity } from './store';

type CatalogReads = Pick<CatalogStore, 'getByRef' | 'getManyByRef' | 'relationsFrom'>;

/**
 * The catalog as seen after reading a neighbourhood: reads the neighbourhood covers are answered
 * from memory, including "not in the catalog"; anything else goes to the store. Cores keep asking
 * one question at a time, and a whole card costs a few reads (one when the rest is cached).
 */
export function answeringFrom<C extends CatalogReads>(catalog: C, neighbourhood: Neighbourhood): C {
  const entities = new Map<string, StoredEntity>(neighbourhood.entities.map((entity) => [entity.refKey, entity]));
  const keysRead = new Set(neighbourhood.entityKeysRead);

  const getByRef = async (refKey: string): Promise<StoredEntity | undefined> => {
    const key = refKey.toLowerCase();
    return keysRead.has(key) ? entities.get(key) : catalog.getByRef(key);
  };

  const getManyByRef = async (refKeys: string[]): Promise<StoredEntity[]> => {
    const keys = [...new Set(refKeys.map((key) => key.toLowerCase()))];
    const unread = keys.filter((key) => !keysRead.has(key));
    const fetched = unread.length ? await catalog.getManyByRef(unread) : [];
    const found = [...keys.flatMap((key) => (keysRead.has(key) && entities.has(key) ? [entities.get(key)!] : [])), ...fetched];
    // The store answers in ref-key order; so does this.
    return found.sort((a, b) => (a.refKey < b.refKey ? -1 : a.refKey > b.refKey ? 1 : 0));
  };

  const relationsFrom = async (refKey: string, types?: string[]): Promise<RelationRow[]> => {
    const key = refKey.toLowerCase();
    const typesRead = neighbourhood.relationTypesRead.get(key);
    if (!typesRead || !types || !types.every((type) => typesRead.includes(type))) return catalog.relationsFrom(key, types);
    return (neighbourhood.relations.get(key) ?? []).filter((relation) => types.includes(relation.type));
  };

  // Everything else the caller's catalog offers stays as it was: the view inherits from it.
  return Object.assign(Object.create(catalog) as C, { getByRef, getManyByRef, relationsFrom });
}

/**
 * Several neighbourhood reads as one: whatever any of them read counts as read. The parts may be
 * shared (cached) answers, so they are left as they are.
 */
export function joinNeighbourhoods(...parts: Neighbourhood[]): Neighbourhood {
  const entities = new Map<string, StoredEntity>();
  const entityKeysRead = new Set<string>();
  const relations = new Map<string, RelationRow[]>();
  const relationTypesRead = new Map<string, string[]>();
  for (const part of parts) {
    for (const entity of part.entities) entities.set(entity.refKey, entity);
    for (const key of part.entityKeysRead) entityKeysRead.add(key);
    for (const [key, types] of part.relationTypesRead) relationTypesRead.set(key, [...new Set([...(relationTypesRead.get(key) ?? []), ...types])]);
    for (const [key, list] of part.relations) {
      const known = relations.get(key);
      if (!known) {
        relations.set(key, [...list]);
        continue;
      }
      const seen = new Set(known.map((relation) => `${relation.type}\u0000${relation.targetRef}`));
      const joined = [...known, ...list.filter((relation) => !seen.has(`${relation.type}\u0000${relation.targetRef}`))];
      // By type, as one read would have listed them; within a type, in the order it was read (the
      // sort is stable), which is the store's own order of targets.
      relations.set(key, joined.sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : 0)));
    }
  }
  return { entities: [...entities.values()], entityKeysRead: [...entityKeysRead], relations, relationTypesRead };
}

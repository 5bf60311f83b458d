import type { CatalogStore, RelationRow, StoredEntity } from '../../catalog/store';

/** The relations catalog facts and on-call lookups follow, in both directions. */
export const SNAPSHOT_RELATIONS = ['ownedBy', 'ownerOf', 'memberOf', 'hasMember', 'childOf', 'parentOf', 'partOf', 'hasPart'];

/**
 * The catalog held in memory for one evaluation: every entity and the relations facts need, read in
 * two statements however large the catalog is. It answers the reads on-call resolution makes
 * (getByRef, relationsFrom, groupAncestry …) from memory, so 20,000 entities cost no query each.
 */
export class CatalogSnapshot {
  private readonly byKey: Map<string, StoredEntity>;
  private readonly edges = new Map<string, RelationRow[]>();

  constructor(entities: StoredEntity[], relations: RelationRow[]) {
    this.byKey = new Map(entities.map((entity) => [entity.refKey, entity]));
    for (const relation of relations) {
      const key = relation.sourceRef.toLowerCase();
      const list = this.edges.get(key);
      if (list) list.push(relation);
      else this.edges.set(key, [relation]);
    }
    for (const list of this.edges.values()) list.sort((a, b) => a.type.localeCompare(b.type) || a.targetRef.localeCompare(b.targetRef));
  }

  static async read(catalog: Pick<CatalogStore, 'listEntities' | 'listRelations'>): Promise<CatalogSnapshot> {
    const [entities, relations] = await Promise.all([catalog.listEntities(), catalog.listRelations(SNAPSHOT_RELATIONS)]);
    return new CatalogSnapshot(entities, relations);
  }

  get entities(): IterableIterator<StoredEntity> {
    return this.byKey.values();
  }

  get(refKey: string): StoredEntity | undefined {
    return this.byKey.get(refKey.toLowerCase());
  }

  /** Targets of the entity's relations of one type, as ref keys. */
  targets(refKey: string, type: string): string[] {
    return (this.edges.get(refKey.toLowerCase()) ?? []).filter((relation) => relation.type === type).map((relation) => relation.targetRef.toLowerCase());
  }

  // ---- the reads OnCallResolver makes (OnCallCatalog) --------------------------------------------

  async getByRef(refKey: string): Promise<StoredEntity | undefined> {
    return this.get(refKey);
  }

  async getManyByRef(refKeys: string[]): Promise<StoredEntity[]> {
    return refKeys.map((key) => this.get(key)).filter((entity): entity is StoredEntity => entity !== undefined).sort((a, b) => a.refKey.localeCompare(b.refKey));
  }

  async relationsFrom(refKey: string, types?: string[]): Promise<RelationRow[]> {
    const all = this.edges.get(refKey.toLowerCase()) ?? [];
    return types ? all.filter((relation) => types.includes(relation.type)) : all;
  }

  /** As PgCatalogStore's: the first parent by ref at each level, stopping at a cycle or maxDepth. */
  async groupAncestry(groupRefKey: string, options: { ownedKinds: string[]; maxDepth: number }): Promise<Array<{ group: StoredEntity; owned: string[] }>> {
    const kinds = options.ownedKinds.map((kind) => kind.toLowerCase());
    const chain: Array<{ group: StoredEntity; owned: string[] }> = [];
    const seen = new Set<string>();
    let key: string | undefined = groupRefKey.toLowerCase();
    for (let depth = 0; key && depth <= options.maxDepth && !seen.has(key); depth++) {
      seen.add(key);
      const group = this.get(key);
      if (group?.kind === 'group') {
        const owned = (this.edges.get(key) ?? []).filter((relation) => relation.type === 'ownerOf' && kinds.includes(relation.targetRef.slice(0, relation.targetRef.indexOf(':')).toLowerCase())).map((relation) => relation.targetRef);
        chain.push({ group, owned });
      }
      key = this.targets(key, 'childOf').sort()[0];
    }
    return chain;
  }
}

import type { CatalogStore, RelationRow, StoredEntity } from '../../catalog/store';

/** The relations catalog facts and on-call lookups follow, in both directions. */
export const SNAPSHOT_RELATIONS = ['ownedBy', 'ownerOf', 'memberOf', 'hasMember', 'childOf', 'parentOf', 'partOf', 'hasPart'];

/** Of what groups own, the only kind a whole-catalog context holds: on-call's group ancestry asks for no other. */
const CONTEXT_OWNED_KINDS = ['rotation'];

export type SnapshotCatalog = Pick<CatalogStore, 'listEntities' | 'relationsFromMany' | 'kindsOf'>;

/**
 * The part of the catalog held in memory while facts are collected: entities with their bodies,
 * the relations facts follow from them, and other entities known only to exist (with their kind).
 * It answers the reads on-call resolution makes (getByRef, relationsFrom, groupAncestry …) from
 * memory, so that thousands of entities cost no query each.
 *
 * A whole-catalog evaluation never holds the whole catalog (the bodies and relations of 100,000
 * entities take a few hundred megabytes): `readContext` holds what every entity's facts may
 * read about others — Groups and Rotations, the members, parents and Rotations of Groups — and
 * `around` adds one page of entities with their own relations and their owners' kinds. A snapshot
 * made `around` another answers from its own entities and relations first: an entity held here had
 * every relation type of SNAPSHOT_RELATIONS read with it.
 */
export class CatalogSnapshot {
  private readonly byKey: Map<string, StoredEntity>;
  private readonly edges = new Map<string, RelationRow[]>();

  /**
   * `kinds`: entities known to exist (by ref key) without being held; `base`: the snapshot this one
   * was made around, which answers for every entity this one does not hold.
   */
  constructor(
    entities: StoredEntity[],
    relations: RelationRow[],
    private readonly others: { kinds?: Map<string, string>; base?: CatalogSnapshot } = {},
  ) {
    this.byKey = new Map(entities.map((entity) => [entity.refKey, entity]));
    for (const relation of relations) {
      const key = relation.sourceRef.toLowerCase();
      const list = this.edges.get(key);
      if (list) list.push(relation);
      else this.edges.set(key, [relation]);
    }
    for (const list of this.edges.values()) list.sort((a, b) => a.type.localeCompare(b.type) || a.targetRef.localeCompare(b.targetRef));
  }

  /**
   * What facts read about entities other than the one evaluated: every Group and Rotation, the
   * members and parents of Groups (members only as known to exist), and which Rotations each Group owns.
   */
  static async readContext(catalog: SnapshotCatalog): Promise<CatalogSnapshot> {
    const teams = await catalog.listEntities({ kinds: ['group', 'rotation'] });
    const keysOf = (kind: string) => teams.filter((entity) => entity.kind === kind).map((entity) => entity.refKey);
    const [groupRelations, rotationOwners] = await Promise.all([catalog.relationsFromMany(keysOf('group'), ['hasMember', 'childOf']), catalog.relationsFromMany(keysOf('rotation'), ['ownedBy'])]);
    // Read from the Rotations' side, so that no Group's ownerOf relations to everything else it owns are read.
    const ownedRotations = rotationOwners.map((relation) => ({ type: 'ownerOf', sourceRef: relation.targetRef, targetRef: relation.sourceRef }));
    const held = new Set(teams.map((entity) => entity.refKey));
    const members = new Set(groupRelations.filter((relation) => relation.type === 'hasMember').map((relation) => relation.targetRef.toLowerCase()).filter((key) => !held.has(key)));
    return new CatalogSnapshot(teams, [...groupRelations, ...ownedRotations], { kinds: await catalog.kindsOf([...members]) });
  }

  /** This snapshot with a page of entities added: their bodies, their relations, and whether their owners exist. */
  async around(catalog: SnapshotCatalog, entities: StoredEntity[]): Promise<CatalogSnapshot> {
    const relations = await catalog.relationsFromMany(entities.map((entity) => entity.refKey), SNAPSHOT_RELATIONS);
    const page = new Set(entities.map((entity) => entity.refKey));
    const owners = new Set(relations.filter((relation) => relation.type === 'ownedBy').map((relation) => relation.targetRef.toLowerCase()));
    const unknown = [...owners].filter((key) => !page.has(key) && this.kindOf(key) === undefined);
    return new CatalogSnapshot(entities, relations, { kinds: await catalog.kindsOf(unknown), base: this });
  }

  get(refKey: string): StoredEntity | undefined {
    const key = refKey.toLowerCase();
    return this.byKey.get(key) ?? this.others.base?.get(key);
  }

  /** The kind of an entity this snapshot holds or knows to exist; undefined for one it does not know of. */
  kindOf(refKey: string): string | undefined {
    const key = refKey.toLowerCase();
    return this.byKey.get(key)?.kind ?? this.others.kinds?.get(key) ?? this.others.base?.kindOf(key);
  }

  /** Targets of the entity's relations of one type, as ref keys. */
  targets(refKey: string, type: string): string[] {
    return this.edgesOf(refKey.toLowerCase())
      .filter((relation) => relation.type === type)
      .map((relation) => relation.targetRef.toLowerCase());
  }

  private edgesOf(key: string): RelationRow[] {
    const { base } = this.others;
    return base && !this.byKey.has(key) ? base.edgesOf(key) : (this.edges.get(key) ?? []);
  }

  // ---- the reads OnCallResolver makes (OnCallCatalog) --------------------------------------------

  async getByRef(refKey: string): Promise<StoredEntity | undefined> {
    return this.get(refKey);
  }

  async getManyByRef(refKeys: string[]): Promise<StoredEntity[]> {
    return refKeys.map((key) => this.get(key)).filter((entity): entity is StoredEntity => entity !== undefined).sort((a, b) => a.refKey.localeCompare(b.refKey));
  }

  async relationsFrom(refKey: string, types?: string[]): Promise<RelationRow[]> {
    const all = this.edgesOf(refKey.toLowerCase());
    return types ? all.filter((relation) => types.includes(relation.type)) : all;
  }

  /** As PgCatalogStore's: the first parent by ref at each level, stopping at a cycle or maxDepth. */
  async groupAncestry(groupRefKey: string, options: { ownedKinds: string[]; maxDepth: number }): Promise<Array<{ group: StoredEntity; owned: string[] }>> {
    const kinds = options.ownedKinds.map((kind) => kind.toLowerCase());
    if (kinds.some((kind) => !CONTEXT_OWNED_KINDS.includes(kind))) throw new Error(`a catalog snapshot knows which ${CONTEXT_OWNED_KINDS.join(', ')} entities groups own, not ${kinds.join(', ')}`);
    const chain: Array<{ group: StoredEntity; owned: string[] }> = [];
    const seen = new Set<string>();
    let key: string | undefined = groupRefKey.toLowerCase();
    for (let depth = 0; key && depth <= options.maxDepth && !seen.has(key); depth++) {
      seen.add(key);
      const group = this.get(key);
      if (group?.kind === 'group') {
        const owned = this.edgesOf(key).filter((relation) => relation.type === 'ownerOf' && kinds.includes(relation.targetRef.slice(0, relation.targetRef.indexOf(':')).toLowerCase())).map((relation) => relation.targetRef);
        chain.push({ group, owned });
      }
      key = this.targets(key, 'childOf').sort()[0];
    }
    return chain;
  }
}

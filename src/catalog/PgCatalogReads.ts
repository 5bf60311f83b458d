import type pg from 'pg';
import { ENTITY_COLUMNS, RELATION_TYPES, edgesFrom, entityColumnsOf, entityFromArray, jsonTextArray, toEntity, type EntityArray, type EntityRow, type StatementBatches } from './PgCatalogStatements';
import type { CatalogEntityReads, RelationRow, StoredEntity } from './store';

// The annotations /whoowns looks up have expression indexes (migrations); their SQL names the key
// literally, from this fixed list and never from input, so that the planner can use them.
const INDEXED_ANNOTATIONS: Record<string, string> = {
  'github.com/project-slug': `lower(body -> 'metadata' -> 'annotations' ->> 'github.com/project-slug') = $1::text`,
  'slack.com/channel': `kind = 'group' AND (body -> 'metadata' -> 'annotations' ->> 'slack.com/channel') = $1::text`,
};

/** Plain reads of the catalog: entities by ref, name, title, annotation or kind, and their relations. */
export class PgCatalogReads implements CatalogEntityReads {
  private constructor(
    private readonly pool: pg.Pool,
    private readonly batches: StatementBatches,
  ) {}

  static create(options: { pool: pg.Pool; batches: StatementBatches }): PgCatalogReads {
    return new PgCatalogReads(options.pool, options.batches);
  }

  async getByRef(refKey: string): Promise<StoredEntity | undefined> {
    const { rows } = await this.pool.query<EntityRow>(`SELECT ${ENTITY_COLUMNS} FROM entities WHERE ref_key = $1::text`, [refKey.toLowerCase()]);
    return rows[0] && toEntity(rows[0]);
  }

  async getManyByRef(refKeys: string[]): Promise<StoredEntity[]> {
    if (refKeys.length === 0) return [];
    const { rows } = await this.pool.query<EntityRow>(`SELECT ${ENTITY_COLUMNS} FROM entities WHERE ref_key = ANY($1::text[]) ORDER BY ref_key`, [refKeys.map((key) => key.toLowerCase())]);
    return rows.map(toEntity);
  }

  async findByName(name: string): Promise<StoredEntity[]> {
    const { rows } = await this.pool.query<EntityRow>(`SELECT ${ENTITY_COLUMNS} FROM entities WHERE name_key = $1::text ORDER BY ref_key LIMIT 50`, [name.toLowerCase()]);
    return rows.map(toEntity);
  }

  async findByTitle(title: string): Promise<StoredEntity[]> {
    const { rows } = await this.pool.query<EntityRow>(`SELECT ${ENTITY_COLUMNS} FROM entities WHERE title_key = $1::text ORDER BY ref_key LIMIT 50`, [title.toLowerCase()]);
    return rows.map(toEntity);
  }

  async findByNamePrefix(prefix: string, limit: number, kinds?: string[]): Promise<StoredEntity[]> {
    const pattern = `${prefix.toLowerCase().replace(/[\\%_]/g, '\\$&')}%`;
    const { rows } = await this.pool.query<EntityRow>(
      `SELECT ${ENTITY_COLUMNS} FROM entities WHERE name_key LIKE $1::text AND ($3::text[] IS NULL OR kind = ANY($3::text[])) ORDER BY name_key, ref_key LIMIT $2::int`,
      [pattern, limit, kinds ?? null],
    );
    return rows.map(toEntity);
  }

  async relationsFrom(refKey: string, types?: string[]): Promise<RelationRow[]> {
    const { rows } = await this.pool.query<{ type: string; source_ref: string; target_ref: string }>(
      `SELECT DISTINCT type, source_ref, target_ref FROM (${edgesFrom('$1::text', '$2::text[]')}) edges ORDER BY type, target_ref`,
      [refKey.toLowerCase(), types ?? RELATION_TYPES],
    );
    return rows.map(toRelation);
  }

  async groupAncestry(groupRefKey: string, options: { ownedKinds: string[]; maxDepth: number }): Promise<Array<{ group: StoredEntity; owned: string[] }>> {
    const kinds = [...new Set(options.ownedKinds.map((kind) => kind.toLowerCase()))].sort();
    const maxDepth = Math.max(0, Math.floor(options.maxDepth));
    return this.batches.batched(`ancestry.${maxDepth}.${JSON.stringify(kinds)}`, (keys) => this.groupAncestries(keys, kinds, maxDepth))(groupRefKey.toLowerCase());
  }

  /**
   * For each group, the group and its line of parents up to `maxDepth`, each with what it owns of
   * `kinds`: one statement for every group asked for at once, as a team's first cards are.
   */
  private async groupAncestries(keys: string[], kinds: string[], maxDepth: number): Promise<Array<Array<{ group: StoredEntity; owned: string[] }>>> {
    // A parent is stated either way round: a child's spec.parent (childOf) or a parent's
    // spec.children (parentOf). The first by ref is followed, as describeTeam does.
    const { rows } = await this.pool.query<{ levels: Array<[...EntityArray, string, string[]]> }>({
      name: `catalog.groupAncestry.${maxDepth}`,
      text: `WITH RECURSIVE chain(root, ref_key, depth, path) AS (
         SELECT key, key, 0, ARRAY[key] FROM (SELECT DISTINCT json_array_elements_text($1::json) AS key) asked
         UNION ALL
         SELECT chain.root, up.parent, chain.depth + 1, chain.path || up.parent
         FROM chain CROSS JOIN LATERAL (
           SELECT parent FROM (
             SELECT target_key AS parent FROM relations WHERE source_key = chain.ref_key AND type = 'childOf'
             UNION SELECT source_key FROM relations WHERE target_key = chain.ref_key AND type = 'parentOf'
           ) parents ORDER BY parent LIMIT 1
         ) up
         WHERE chain.depth < ${maxDepth} AND NOT up.parent = ANY(chain.path)
       ), kinds AS (SELECT ${jsonTextArray(2)} AS kinds)
       SELECT coalesce(json_agg(json_build_array(${entityColumnsOf('e')}, chain.root, ARRAY(
           SELECT r.source_ref FROM relations r
           WHERE r.target_key = chain.ref_key AND r.type = 'ownedBy' AND split_part(r.source_key, ':', 1) = ANY((SELECT kinds FROM kinds)::text[])
           ORDER BY r.source_key)) ORDER BY chain.root, chain.depth), '[]') AS levels
       FROM chain CROSS JOIN LATERAL (SELECT ${ENTITY_COLUMNS} FROM entities WHERE entities.ref_key = chain.ref_key AND kind = 'group') e`,
      values: [JSON.stringify(keys), JSON.stringify(kinds)],
    });
    const byRoot = new Map<string, Array<{ group: StoredEntity; owned: string[] }>>();
    for (const level of rows[0]!.levels) {
      const list = byRoot.get(level[7]) ?? [];
      list.push({ group: entityFromArray(level as unknown as EntityArray), owned: level[8] });
      byRoot.set(level[7], list);
    }
    return keys.map((key) => byRoot.get(key) ?? []);
  }

  async listEntities(options: { kinds?: string[]; after?: string; limit?: number } = {}): Promise<StoredEntity[]> {
    // Pages follow the primary key: each starts where the last ended, however far into the catalog.
    const { rows } = await this.pool.query<EntityRow>(
      `SELECT ${ENTITY_COLUMNS} FROM entities
        WHERE ($1::text[] IS NULL OR kind = ANY($1::text[]))${options.after === undefined ? '' : ' AND ref_key > $3::text'}
        ORDER BY ref_key LIMIT $2::int`,
      [options.kinds?.map((kind) => kind.toLowerCase()) ?? null, options.limit ?? null, ...(options.after === undefined ? [] : [options.after.toLowerCase()])],
    );
    return rows.map(toEntity);
  }

  async relationsFromMany(refKeys: string[], types: string[]): Promise<RelationRow[]> {
    if (refKeys.length === 0 || types.length === 0) return [];
    // Each relation is stored once; the other direction is the same row read backwards. The keys
    // (a thousand at a time) are read in a subquery: written as `$1::text[]` PostgreSQL plans for
    // each value (longer than the read), and as `IN (SELECT …)` it joins with parallel workers.
    const keys = jsonTextArray(1);
    const { rows } = await this.pool.query<{ type: string; source_ref: string; target_ref: string }>(
      `SELECT DISTINCT type, source_ref, target_ref FROM (
         SELECT type, source_ref, target_ref FROM relations WHERE source_key = ANY(${keys}) AND type = ANY($2::text[])
         UNION ALL
         SELECT relation_inverse(type), target_ref, source_ref FROM relations WHERE target_key = ANY(${keys}) AND type = ANY(ARRAY(SELECT relation_inverse(t) FROM unnest($2::text[]) t))
       ) edges`,
      [JSON.stringify(refKeys.map((key) => key.toLowerCase())), types],
    );
    return rows.map(toRelation);
  }

  async kindsOf(refKeys: string[]): Promise<Map<string, string>> {
    if (refKeys.length === 0) return new Map();
    // As in relationsFromMany: thousands of keys, planned for none of them.
    const { rows } = await this.pool.query<{ ref_key: string; kind: string }>(`SELECT ref_key, kind FROM entities WHERE ref_key = ANY(${jsonTextArray(1)})`, [JSON.stringify(refKeys.map((key) => key.toLowerCase()))]);
    return new Map(rows.map((row) => [row.ref_key, row.kind]));
  }

  async owningGroups(): Promise<StoredEntity[]> {
    // ownedBy is stored as the owned entity states it; an ownerOf row (the inverse) counts too.
    const { rows } = await this.pool.query<EntityRow>(
      `SELECT ${ENTITY_COLUMNS} FROM entities g
        WHERE g.kind = 'group'
          AND (EXISTS (SELECT 1 FROM relations r WHERE r.target_key = g.ref_key AND r.type = 'ownedBy')
            OR EXISTS (SELECT 1 FROM relations r WHERE r.source_key = g.ref_key AND r.type = 'ownerOf'))
        ORDER BY g.ref_key`,
    );
    return rows.map(toEntity);
  }

  async groupChannels(): Promise<Array<{ ref: string; channel: string }>> {
    const { rows } = await this.pool.query<{ ref: string; channel: string | null; notify: string | null }>(
      `SELECT ref, body -> 'metadata' -> 'annotations' ->> 'slack.com/channel' AS channel, body -> 'metadata' -> 'annotations' ->> 'slack.com/bot-notify' AS notify
         FROM entities WHERE kind = 'group' ORDER BY ref_key`,
    );
    // Trimmed as channelOf (src/health/facts/catalog.ts) trims what a card or a digest reads.
    return rows.flatMap((row) => {
      const channel = row.channel?.trim() || row.notify?.trim();
      return channel ? [{ ref: row.ref, channel }] : [];
    });
  }

  async findByAnnotation(key: string, value: string): Promise<StoredEntity[]> {
    const indexed = INDEXED_ANNOTATIONS[key];
    const { rows } = indexed
      ? await this.pool.query<EntityRow>(`SELECT ${ENTITY_COLUMNS} FROM entities WHERE ${indexed} ORDER BY ref_key LIMIT 50`, [indexed.includes('lower(') ? value.toLowerCase() : value])
      : await this.pool.query<EntityRow>(
          `SELECT ${ENTITY_COLUMNS} FROM entities WHERE body -> 'metadata' -> 'annotations' ->> $1::text = $2::text ORDER BY ref_key LIMIT 50`,
          [key, value],
        );
    return rows.map(toEntity);
  }

  async findUsersByEmail(email: string): Promise<StoredEntity[]> {
    const { rows } = await this.pool.query<EntityRow>(
      `SELECT ${ENTITY_COLUMNS} FROM entities WHERE kind = 'user' AND lower(body -> 'spec' -> 'profile' ->> 'email') = $1::text ORDER BY ref_key LIMIT 10`,
      [email.trim().toLowerCase()],
    );
    return rows.map(toEntity);
  }

  async userEmails(): Promise<string[]> {
    const { rows } = await this.pool.query<{ email: string }>(
      `SELECT DISTINCT lower(body -> 'spec' -> 'profile' ->> 'email') AS email FROM entities
       WHERE kind = 'user' AND body -> 'spec' -> 'profile' ->> 'email' <> '' ORDER BY 1`,
    );
    return rows.map((row) => row.email);
  }

  async countEntities(): Promise<number> {
    const { rows } = await this.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM entities');
    return rows[0]?.n ?? 0;
  }
}

function toRelation(row: { type: string; source_ref: string; target_ref: string }): RelationRow {
  return { type: row.type, sourceRef: row.source_ref, targetRef: row.target_ref };
}

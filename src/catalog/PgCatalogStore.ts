import { createHash } from 'node:crypto';
import type pg from 'pg';
import { copyRows } from '../db/copy';
import { batchPerTurn } from '../db/batch';
import { withTransaction } from '../db/pool';
import { settleClaims } from './claims';
import { isWord, searchTerms } from './searchTerms';
import { INVERSE_RELATION, type Entity } from './model';
import type { CatalogProblem, LocationTarget, ProcessedEntity } from './processing';
import type { CatalogChangeFeed, CatalogChangeHandlers, CatalogStore, IngestionStore, LocationState, LocationType, LocationWrite, Neighbourhood, NeighbourhoodRequest, RelationRow, StoredEntity, WriteCounts } from './store';

// Serialises concurrent ingestion writers, so two processes cannot both claim one ref.
const INGEST_LOCK = 727_002;
// Notified by triggers on entities and relations after every committed change (migrations/000011).
const CHANGES_CHANNEL = 'backline_catalog_changed';

interface EntityRow {
  ref: string;
  ref_key: string;
  kind: string;
  namespace: string;
  name: string;
  body: Entity;
  location_key: string;
}

interface LocationRow {
  key: string;
  type: LocationType;
  target: string;
  parent_key: string | null;
  content_hash: string | null;
  etag: string | null;
  children: LocationTarget[];
  dependencies: Array<{ file: string; hash: string }>;
  has_conflicts: boolean;
  status: LocationState['status'];
  entity_count: number;
}

interface ProblemRow {
  kind: CatalogProblem['kind'];
  file: string;
  document: number | null;
  line: number | null;
  col: number | null;
  entity_ref: string | null;
  message: string;
}

const ENTITY_COLUMNS = 'ref, ref_key, kind, namespace, name, body, location_key';
const RELATION_TYPES = Object.keys(INVERSE_RELATION);

/** ENTITY_COLUMNS of one table or subquery, where other columns share their names. */
function entityColumnsOf(alias: string): string {
  return ENTITY_COLUMNS.split(', ').map((column) => `${alias}.${column}`).join(', ');
}

/**
 * SQL for the relations leaving the given entities, in both directions: each relation is stored
 * once, with its origin as source, so the reverse direction is read through relations_target and
 * named by relation_inverse(). `sources` is a key expression or a subquery of keys; `types` an array.
 */
function edgesFrom(sources: string, types: string): string {
  return `SELECT source_key, type, source_ref, target_ref, target_key FROM relations
          WHERE source_key IN (${sources}) AND type = ANY(${types})
          UNION ALL
          SELECT target_key, relation_inverse(type), target_ref, source_ref, source_key FROM relations
          WHERE target_key IN (${sources}) AND type = ANY(ARRAY(SELECT relation_inverse(t) FROM unnest(${types}) t))`;
}
/**
 * A text[] parameter sent as JSON and read in a subquery, so that no plan depends on its values.
 * Written as `$n::text[]`, PostgreSQL plans each execution afresh with the values in hand (they
 * change its estimates, so a plan of its own always looks cheaper), and planning cost more than
 * running; hidden this way, every execution of a named statement estimates the same, and after its
 * first few PostgreSQL reuses one plan.
 */
function jsonTextArray(param: number): string {
  return `ARRAY(SELECT json_array_elements_text($${param}::json))`;
}
// Below this, a "suggestion" shares too little with what was typed to help.
const SIMILARITY_FLOOR = 0.2;
// From this on, a candidate is taken to be what was meant (a letter or two off a name of a few words).
const CONFIDENT_SIMILARITY = 0.5;

const INDEXED_ANNOTATIONS: Record<string, string> = {
  'github.com/project-slug': `lower(body -> 'metadata' -> 'annotations' ->> 'github.com/project-slug') = $1::text`,
  'slack.com/channel': `kind = 'group' AND (body -> 'metadata' -> 'annotations' ->> 'slack.com/channel') = $1::text`,
};

export class PgCatalogStore implements CatalogStore, IngestionStore, CatalogChangeFeed {
  // Batched one-step reads, by kind and request (see batched()).
  private readonly batches = new Map<string, (key: string) => Promise<unknown>>();

  private constructor(private readonly pool: pg.Pool) {}

  static create(options: { pool: pg.Pool }): PgCatalogStore {
    return new PgCatalogStore(options.pool);
  }

  // ---- read side -------------------------------------------------------------------------------

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

  async findByNameOrTitle(text: string, around?: NeighbourhoodRequest): Promise<{ byName: StoredEntity[]; byTitle: StoredEntity[]; neighbourhood?: Neighbourhood }> {
    if (!around) {
      const { rows } = await this.pool.query<EntityRow & { by_name: boolean }>({ name: 'catalog.findByNameOrTitle', text: `WITH ${NAMED} SELECT * FROM named`, values: [text.toLowerCase()] });
      return { byName: rows.filter((row) => row.by_name).map(toEntity), byTitle: rows.filter((row) => !row.by_name).map(toEntity) };
    }
    // The lookup and the neighbourhood of what it finds, in one round trip: a card's read of its
    // entity costs one statement, shared with the cards asked for at the same time. Names are read
    // around when there are a few of them, else titles.
    if (isOneStep(around)) return this.batched(`named.${neighbourhoodKey(around)}`, (texts) => this.findManyByNameOrTitleOneStep(texts, around))(text.toLowerCase());
    const namedColumn = `(SELECT coalesce(json_agg(json_build_array(${ENTITY_COLUMNS}, by_name)), '[]') FROM named) AS named`;
    const { rows } = await this.pool.query<NeighbourhoodRow & { named: Array<[...EntityArray, boolean]> }>({
      name: `catalog.findByNameOrTitle.around.${neighbourhoodKey(around)}`,
      text: neighbourhoodStatement(`${NAMED}, roots AS (${CHOSEN_ROOTS})`, around, `${namedColumn},`),
      values: [text.toLowerCase()],
    });
    const row = rows[0]!;
    return { ...splitNamed(row.named), neighbourhood: toNeighbourhood(row, around) };
  }

  async findByTitle(title: string): Promise<StoredEntity[]> {
    const { rows } = await this.pool.query<EntityRow>(`SELECT ${ENTITY_COLUMNS} FROM entities WHERE title_key = $1::text ORDER BY ref_key LIMIT 50`, [title.toLowerCase()]);
    return rows.map(toEntity);
  }

  async findSimilar(text: string, limit: number): Promise<Array<{ entity: StoredEntity; similarity: number }>> {
    const query = text.trim().toLowerCase();
    const terms = searchTerms(query);
    const words = terms.filter(isWord);
    if (words.length === 0) return [];
    const numbers = terms.filter((term) => !isWord(term));
    // Each word of the query, or the known word nearest to it by trigram distance.
    const { rows: corrected } = await this.pool.query<{ term: string | null }>({
      name: 'catalog.findSimilar.correct',
      text: `SELECT coalesce(
               (SELECT v.term FROM search_vocabulary v WHERE v.term = w.t),
               (SELECT v.term FROM search_vocabulary v ORDER BY v.term <-> w.t LIMIT 1)) AS term
             FROM json_array_elements_text($1::json) AS w(t)`,
      values: [JSON.stringify(words)],
    });
    const known = [...new Set(corrected.map((row) => row.term).filter((term): term is string => term !== null))];
    if (known.length === 0) return [];
    // A single typed word is scored by how well it matches some word of a name; longer queries by
    // whole-name similarity, which is cheaper and is what tells near misses apart.
    const score = words.length + numbers.length === 1
      ? `greatest(similarity(name_key, $1::text), coalesce(similarity(title_key, $1::text), 0), word_similarity($1::text, name_key) * 0.8)`
      : `greatest(similarity(name_key, $1::text), coalesce(similarity(title_key, $1::text), 0))`;
    // Candidates hold every corrected word (and the numbers), or else every word but one, in case a
    // typo was corrected to the wrong word. Each branch is bounded, so common words stay cheap. The
    // every-word-but-one branches are read only when no candidate holding every word is already a
    // close match: after a right correction they add nothing but arbitrary holders of a common word,
    // and reading those was most of a misspelled lookup's time in a large catalog.
    const strict = [[...known, ...numbers], known];
    const loose = known.length > 1 && known.length <= 4 ? known.map((_, skip) => known.filter((__, i) => i !== skip)) : [];
    const branch = (param: number, cap: number, gate = '') => `(SELECT ref_key, name_key, title_key FROM entities WHERE search_terms @> ${jsonTextArray(param)}${gate} LIMIT ${cap})`;
    const candidates = `WITH strict AS (${strict.map((_, i) => branch(i + 2, 100)).join(' UNION ')})${
      loose.length
        ? `, confident AS (SELECT EXISTS (SELECT 1 FROM strict WHERE ${score} >= ${CONFIDENT_SIMILARITY}) AS found),
           candidates AS (SELECT * FROM strict UNION ${loose.map((_, i) => branch(i + 2 + strict.length, 30, ' AND NOT (SELECT found FROM confident)')).join(' UNION ')})`
        : `, candidates AS (SELECT * FROM strict)`
    }`;
    // The best few come back whole, so suggestions cost no further read. The limit is part of the
    // statement: as a parameter, each execution's own plan would look cheaper than a shared one.
    const best = Math.max(1, Math.floor(limit));
    const withEntities = (ctes: string) =>
      `${ctes}
       SELECT e.*, best.score
       FROM (SELECT ref_key, ${score}::float8 AS score FROM candidates ORDER BY score DESC, ref_key LIMIT ${best}) best
       CROSS JOIN LATERAL (SELECT ${ENTITY_COLUMNS} FROM entities WHERE entities.ref_key = best.ref_key) e
       ORDER BY best.score DESC, e.ref_key`;
    // One prepared statement per shape of query, so each is planned once.
    const shape = `${words.length + numbers.length === 1 ? 'word' : 'words'}.${loose.length}.${best}`;
    const { rows: ranked } = await this.pool.query<EntityRow & { score: number }>({
      name: `catalog.findSimilar.${shape}`,
      text: withEntities(candidates),
      values: [query, ...[...strict, ...loose].map((terms) => JSON.stringify(terms))],
    });
    if (ranked.length === 0) {
      // Nothing holds the words together: anything holding one of them, scored the same way.
      const { rows: any } = await this.pool.query<EntityRow & { score: number }>({
        name: `catalog.findSimilar.any.${shape}`,
        text: withEntities(`WITH candidates AS (SELECT ref_key, name_key, title_key FROM entities WHERE search_terms && ${jsonTextArray(2)} LIMIT 300)`),
        values: [query, JSON.stringify(known)],
      });
      ranked.push(...any);
    }
    return ranked.filter((row) => row.score >= SIMILARITY_FLOOR).slice(0, limit).map((row) => ({ entity: toEntity(row), similarity: row.score }));
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
    return rows.map((row) => ({ type: row.type, sourceRef: row.source_ref, targetRef: row.target_ref }));
  }

  async neighbourhood(refKey: string, request: NeighbourhoodRequest): Promise<Neighbourhood> {
    const key = refKey.toLowerCase();
    if (readsOneStep(request)) return this.batched(`around.${neighbourhoodKey(request)}`, (keys) => this.oneStepNeighbourhoods(keys, request))(key);
    const { rows } = await this.pool.query<NeighbourhoodRow>({
      name: `catalog.neighbourhood.${neighbourhoodKey(request)}`,
      text: neighbourhoodStatement('roots AS (SELECT $1::text AS ref_key)', request),
      values: [key],
    });
    return toNeighbourhood(rows[0]!, request);
  }

  /**
   * The read named `id`, batched per turn of the event loop: the reads behind a card, asked for by
   * many cards at once under load, go to PostgreSQL as one statement.
   */
  private batched<V>(id: string, loadMany: (keys: string[]) => Promise<V[]>): (key: string) => Promise<V> {
    let load = this.batches.get(id) as ((key: string) => Promise<V>) | undefined;
    if (!load) {
      load = batchPerTurn(loadMany, { maxBatch: MAX_BATCH });
      this.batches.set(id, load as (key: string) => Promise<unknown>);
    }
    return load;
  }

  /**
   * For each text, the entities named or titled so, and the one-step neighbourhood of what was
   * found (the names, else the titles): one statement for them all. The texts are a JSON
   * parameter, not an array: PostgreSQL estimates an array's length from its value and so planned
   * each execution afresh, while a JSON list gets one generic plan per connection.
   */
  private async findManyByNameOrTitleOneStep(texts: string[], around: NeighbourhoodRequest): Promise<Array<{ byName: StoredEntity[]; byTitle: StoredEntity[]; neighbourhood: Neighbourhood }>> {
    // Alone, a text is read by a flat statement of its own, which costs PostgreSQL about 0.1 ms
    // less than a batch of one.
    if (texts.length === 1) return [await this.findByNameOrTitleOneStep(texts[0]!, around)];
    const { rows } = await this.pool.query<{ named: Array<[...EntityArray, boolean, number]>; roots: Array<[number, string]>; relations: OneStepRelation[] }>({
      name: `catalog.findManyByNameOrTitle.around.${neighbourhoodKey(around)}`,
      text: `WITH named AS (
               SELECT asked.i::int AS i, found.* FROM json_array_elements_text($1::json) WITH ORDINALITY AS asked(text, i)
               CROSS JOIN LATERAL (${namedOrTitled('asked.text')}) found
             ), roots AS (
               SELECT i, ref_key FROM (
                 SELECT i, ref_key, row_number() OVER (PARTITION BY i ORDER BY ref_key) AS rank FROM named
                 WHERE by_name OR NOT EXISTS (SELECT 1 FROM named same WHERE same.i = named.i AND same.by_name)) chosen
               WHERE rank <= ${NAMED_ROOTS}
             )
             SELECT (SELECT coalesce(json_agg(json_build_array(${ENTITY_COLUMNS}, by_name, i) ORDER BY i, ref_key), '[]') FROM named) AS named,
                    (SELECT coalesce(json_agg(json_build_array(i, ref_key) ORDER BY i, ref_key), '[]') FROM roots) AS roots,
                    ${oneStepRelations('ARRAY(SELECT DISTINCT ref_key FROM roots)', around)} AS relations`,
      values: [JSON.stringify(texts)],
    });
    const row = rows[0]!;
    const named = texts.map(() => [] as Array<[...EntityArray, boolean, number]>);
    for (const columns of row.named) named[columns[8] - 1]!.push(columns);
    const roots = texts.map(() => [] as string[]);
    for (const [i, key] of row.roots) roots[i - 1]!.push(key);
    const relations = relationsBySource(row.relations);
    return texts.map((_, i) => foundAround(named[i]!, roots[i]!, relations, around));
  }

  /** One text's entities by name or title, with the one-step neighbourhood of what was found. */
  private async findByNameOrTitleOneStep(text: string, around: NeighbourhoodRequest): Promise<{ byName: StoredEntity[]; byTitle: StoredEntity[]; neighbourhood: Neighbourhood }> {
    const { rows } = await this.pool.query<{ named: Array<[...EntityArray, boolean]>; roots: string[]; relations: OneStepRelation[] }>({
      name: `catalog.findByNameOrTitle.around.${neighbourhoodKey(around)}`,
      text: `WITH ${NAMED}, roots AS (SELECT ARRAY(${CHOSEN_ROOTS}) AS keys)
             SELECT (SELECT coalesce(json_agg(json_build_array(${ENTITY_COLUMNS}, by_name) ORDER BY ref_key), '[]') FROM named) AS named,
                    (SELECT to_json(keys) FROM roots) AS roots,
                    ${oneStepRelations('(SELECT keys FROM roots)', around)} AS relations`,
      values: [text],
    });
    const row = rows[0]!;
    return foundAround(row.named, row.roots, relationsBySource(row.relations), around);
  }

  /**
   * The one-step neighbourhood of each key (its entity, its own relations, and the entities its
   * relations of the `nextFollow` types lead to, such as a team's members), in one statement.
   */
  private async oneStepNeighbourhoods(keys: string[], request: NeighbourhoodRequest): Promise<Neighbourhood[]> {
    const asked = '(SELECT keys FROM asked)';
    const loads = loadedTypesOf(request);
    const loaded = loads.length
      ? `ref_key IN (SELECT unnest(${asked}::text[])
           UNION SELECT target_key FROM relations WHERE source_key = ANY(${asked}::text[]) AND type = ANY(${textArray(loads)})
           UNION SELECT source_key FROM relations WHERE target_key = ANY(${asked}::text[]) AND type = ANY(${textArray(loads.map((type) => INVERSE_RELATION[type]!))}))`
      : `ref_key = ANY(${asked}::text[])`;
    const { rows } = await this.pool.query<{ relations: OneStepRelation[]; entities: EntityArray[] }>({
      name: `catalog.neighbourhood.${neighbourhoodKey(request)}`,
      text: `WITH asked AS (SELECT ARRAY(SELECT json_array_elements_text($1::json)) AS keys)
             SELECT ${oneStepRelations(asked, request)} AS relations,
                    (SELECT coalesce(json_agg(json_build_array(${ENTITY_COLUMNS})), '[]') FROM entities WHERE ${loaded}) AS entities`,
      values: [JSON.stringify(keys)],
    });
    const row = rows[0]!;
    const relations = relationsBySource(row.relations);
    const entities = new Map(row.entities.map((columns) => [columns[1], entityFromArray(columns)]));
    return keys.map((key) => {
      const reached = [key];
      for (const relation of relations.get(key) ?? []) if (loads.includes(relation.type)) reached.push(relation.targetRef.toLowerCase());
      return oneStepNeighbourhood([key], relations, request, [...new Set(reached)], entities);
    });
  }

  async groupAncestry(groupRefKey: string, options: { ownedKinds: string[]; maxDepth: number }): Promise<Array<{ group: StoredEntity; owned: string[] }>> {
    const kinds = [...new Set(options.ownedKinds.map((kind) => kind.toLowerCase()))].sort();
    const maxDepth = Math.max(0, Math.floor(options.maxDepth));
    return this.batched(`ancestry.${maxDepth}.${JSON.stringify(kinds)}`, (keys) => this.groupAncestries(keys, kinds, maxDepth))(groupRefKey.toLowerCase());
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

  async listEntities(options: { kinds?: string[] } = {}): Promise<StoredEntity[]> {
    const { rows } = await this.pool.query<EntityRow>(
      `SELECT ${ENTITY_COLUMNS} FROM entities WHERE $1::text[] IS NULL OR kind = ANY($1::text[]) ORDER BY ref_key`,
      [options.kinds?.map((kind) => kind.toLowerCase()) ?? null],
    );
    return rows.map(toEntity);
  }

  async listRelations(types: string[]): Promise<RelationRow[]> {
    if (types.length === 0) return [];
    // Each relation is stored once; the other direction is the same row read backwards.
    const { rows } = await this.pool.query<{ type: string; source_ref: string; target_ref: string }>(
      `SELECT DISTINCT type, source_ref, target_ref FROM (
         SELECT type, source_ref, target_ref FROM relations WHERE type = ANY($1::text[])
         UNION ALL
         SELECT relation_inverse(type), target_ref, source_ref FROM relations WHERE type = ANY(ARRAY(SELECT relation_inverse(t) FROM unnest($1::text[]) t))
       ) edges`,
      [types],
    );
    return rows.map((row) => ({ type: row.type, sourceRef: row.source_ref, targetRef: row.target_ref }));
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

  async findByAnnotation(key: string, value: string): Promise<StoredEntity[]> {
    // The annotations /whoowns looks up have expression indexes; their SQL names the key literally
    // (from this fixed list, never from input) so that the planner can use them.
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

  /**
   * Listens for committed catalog changes on a connection of its own, held from the pool for as long
   * as it watches. A dropped connection is reported (`watching(false)`) and opened again, after 1 s
   * and then up to 30 s apart, until `stop`.
   */
  watchChanges(handlers: CatalogChangeHandlers, options: { retryMs?: number; maxRetryMs?: number } = {}): { ready: Promise<void>; stop(): Promise<void> } {
    const retryMs = options.retryMs ?? 1_000;
    const maxRetryMs = options.maxRetryMs ?? 30_000;
    let delay = retryMs;
    let stopped = false;
    let listening: pg.PoolClient | undefined;
    let retry: NodeJS.Timeout | undefined;
    const onNotification = (message: pg.Notification) => {
      if (message.channel === CHANGES_CHANNEL) handlers.changed();
    };
    const lose = (client: pg.PoolClient | undefined, error?: unknown) => {
      if (client) {
        if (listening !== client) return; // already handled
        listening = undefined;
        client.off('notification', onNotification);
        client.release(error instanceof Error ? error : true);
      }
      handlers.watching(false);
      if (stopped) return;
      retry = setTimeout(() => void connect(), delay);
      retry.unref();
      delay = Math.min(delay * 2, maxRetryMs);
    };
    const connect = async () => {
      let client: pg.PoolClient | undefined;
      try {
        client = await this.pool.connect();
        if (stopped) return client.release();
        listening = client;
        const lost = (error?: unknown) => lose(client, error);
        client.on('error', lost);
        client.on('end', () => lost());
        client.on('notification', onNotification);
        await client.query(`LISTEN ${CHANGES_CHANNEL}`);
        if (listening !== client) return;
        delay = retryMs;
        handlers.watching(true);
      } catch (error) {
        lose(client && listening === client ? client : undefined, error);
      }
    };
    const ready = connect();
    return {
      ready,
      stop: async () => {
        stopped = true;
        clearTimeout(retry);
        await ready;
        const client = listening;
        if (!client) return;
        listening = undefined;
        client.off('notification', onNotification);
        // The connection goes back to the pool, so it must stop listening first.
        try {
          await client.query(`UNLISTEN ${CHANGES_CHANNEL}`);
          client.release();
        } catch (error) {
          client.release(error instanceof Error ? error : true);
        }
      },
    };
  }

  async countEntities(): Promise<number> {
    const { rows } = await this.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM entities');
    return rows[0]?.n ?? 0;
  }

  // ---- write side ------------------------------------------------------------------------------

  async loadLocations(): Promise<Map<string, LocationState>> {
    const { rows } = await this.pool.query<LocationRow>('SELECT key, type, target, parent_key, content_hash, etag, children, dependencies, has_conflicts, status, entity_count FROM locations');
    return new Map(
      rows.map((row) => [
        row.key,
        { key: row.key, type: row.type, target: row.target, parentKey: row.parent_key, contentHash: row.content_hash, etag: row.etag, children: row.children, dependencies: row.dependencies, hasConflicts: row.has_conflicts, status: row.status, entityCount: row.entity_count },
      ]),
    );
  }

  async writeLocations(batch: LocationWrite[]): Promise<WriteCounts> {
    const counts: WriteCounts = { added: 0, updated: 0, unchanged: 0, removed: 0, conflicts: [] };
    if (batch.length === 0) return counts;
    return withTransaction(this.pool, async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [INGEST_LOCK]);
      const locationKeys = batch.map((location) => location.key);
      const incomingKeys = batch.flatMap((location) => location.entities.map((entity) => entity.refKey));
      const { rows: existing } = await client.query<{ ref_key: string; hash: string; location_key: string }>(
        'SELECT ref_key, hash, location_key FROM entities WHERE location_key = ANY($1::text[]) OR ref_key = ANY($2::text[])',
        [locationKeys, incomingKeys],
      );
      const current = new Map(existing.map((row) => [row.ref_key, row]));
      const claims = settleClaims(existing.map((row) => ({ refKey: row.ref_key, locationKey: row.location_key })), batch);
      const removed = claims.released;

      const upserts: Array<{ entity: ProcessedEntity; locationKey: string }> = [];
      const problems: Array<CatalogProblem & { locationKey: string }> = [];
      const conflicted = new Set<string>();
      const stored = new Map<string, number>();

      batch.forEach((location, i) => {
        const { kept, conflicts } = claims.locations[i]!;
        for (const conflict of conflicts) {
          problems.push({ ...conflict, locationKey: location.key });
          counts.conflicts.push(conflict);
          conflicted.add(location.key);
        }
        // Unchanged entities (same hash, same location) cost no write.
        for (const entity of kept) {
          const before = current.get(entity.refKey);
          if (before && before.hash === entity.hash && before.location_key === location.key) {
            counts.unchanged++;
            continue;
          }
          if (before) counts.updated++;
          else counts.added++;
          upserts.push({ entity, locationKey: location.key });
        }
        stored.set(location.key, kept.length);
        problems.push(...location.problems.map((problem) => ({ ...problem, locationKey: location.key })));
      });
      counts.removed = removed.length;

      await client.query(
        `INSERT INTO locations (key, type, target, parent_key, content_hash, children, dependencies, has_conflicts, status, last_error, entity_count, processed_at, last_ok_at, etag)
         SELECT key, type, target, parent_key, content_hash, children::jsonb, dependencies::jsonb, has_conflicts, 'ok', NULL, entity_count, now(), now(), etag
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bool[], $9::int[], $10::text[])
           AS l(key, type, target, parent_key, content_hash, children, dependencies, has_conflicts, entity_count, etag)
         ON CONFLICT (key) DO UPDATE SET type = excluded.type, target = excluded.target, parent_key = coalesce(locations.parent_key, excluded.parent_key),
           content_hash = excluded.content_hash, etag = excluded.etag, children = excluded.children, dependencies = excluded.dependencies, has_conflicts = excluded.has_conflicts,
           status = 'ok', last_error = NULL, entity_count = excluded.entity_count, processed_at = now(), last_ok_at = now()`,
        [
          locationKeys,
          batch.map((l) => l.type),
          batch.map((l) => l.target),
          batch.map((l) => l.parentKey),
          batch.map((l) => l.contentHash),
          batch.map((l) => JSON.stringify(l.children)),
          batch.map((l) => JSON.stringify(l.dependencies)),
          batch.map((l) => conflicted.has(l.key)),
          batch.map((l) => stored.get(l.key) ?? 0),
          batch.map((l) => l.etag),
        ],
      );

      // New entities have no relations yet; only replaced and removed ones need theirs cleared.
      const replaced = [...removed, ...upserts.filter((u) => current.has(u.entity.refKey)).map((u) => u.entity.refKey)];
      if (replaced.length) await client.query('DELETE FROM relations WHERE source_key = ANY($1::text[])', [replaced]);
      if (removed.length) await client.query('DELETE FROM entities WHERE ref_key = ANY($1::text[])', [removed]);
      if (upserts.length) {
        const terms = upserts.map((u) => searchTerms(u.entity.name, u.entity.title));
        // Keys are lower-cased here, as lookups lower-case what they are given: both sides agree.
        const rows = upserts.map((u, i) => ({ upsert: u, terms: terms[i]!, nameKey: u.entity.name.toLowerCase(), titleKey: u.entity.title?.toLowerCase() ?? null }));
        const added = rows.filter((row) => !current.has(row.upsert.entity.refKey));
        const changed = rows.filter((row) => current.has(row.upsert.entity.refKey));
        // Entities new to the catalog (every one, on a first ingestion) go in through COPY; under
        // the ingestion lock nothing else can have written their refs since `existing` was read.
        await copyRows(
          client,
          'entities',
          ['ref_key', 'ref', 'kind', 'namespace', 'name', 'name_key', 'title_key', 'search_terms', 'body', 'hash', 'location_key'],
          added.map(({ upsert: { entity, locationKey }, terms: words, nameKey, titleKey }) => [entity.refKey, entity.ref, entity.kind, entity.namespace, entity.name, nameKey, titleKey, arrayLiteral(words), entity.json, entity.hash, locationKey]),
        );
        if (changed.length) {
          // One JSON document per batch: pg escapes every quote of a text[] parameter in JavaScript,
          // which for entity bodies cost more than PostgreSQL's own work on them.
          await client.query(
            `INSERT INTO entities (ref_key, ref, kind, namespace, name, name_key, title_key, search_terms, body, hash, location_key)
             SELECT r, f, k, n, m, mk, tk, string_to_array(s, ' '), b, h, l
             FROM jsonb_to_recordset($1::jsonb) AS e(r text, f text, k text, n text, m text, mk text, tk text, s text, b jsonb, h text, l text)
             ON CONFLICT (ref_key) DO UPDATE SET ref = excluded.ref, kind = excluded.kind, namespace = excluded.namespace, name = excluded.name,
               name_key = excluded.name_key, title_key = excluded.title_key, search_terms = excluded.search_terms, body = excluded.body, hash = excluded.hash,
               location_key = excluded.location_key, updated_at = now()`,
            [
              // Each body goes in as the JSON text processing already made, rather than serialised again.
              `[${changed
                .map(({ upsert: { entity, locationKey }, terms: words, nameKey, titleKey }) => {
                  const row = { r: entity.refKey, f: entity.ref, k: entity.kind, n: entity.namespace, m: entity.name, mk: nameKey, tk: titleKey, s: words.join(' '), h: entity.hash, l: locationKey };
                  return `${JSON.stringify(row).slice(0, -1)},"b":${entity.json}}`;
                })
                .join(',')}]`,
            ],
          );
        }
        const vocabulary = [...new Set(terms.flat().filter(isWord))];
        await client.query('INSERT INTO search_vocabulary (term) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING', [vocabulary]);
        // Each relation once, as its entity stated it; the other direction is read backwards. They
        // are the most rows an ingestion writes, so they go through COPY.
        const relations = upserts.flatMap((u) => u.entity.relations.filter((relation) => relation.sourceKey === u.entity.refKey));
        await copyRows(client, 'relations', ['source_key', 'type', 'target_key', 'source_ref', 'target_ref'], relations.map((r) => [r.sourceKey, r.type, r.targetKey, r.sourceRef, r.targetRef]));
      }

      await client.query('DELETE FROM processing_errors WHERE location_key = ANY($1::text[])', [locationKeys]);
      if (problems.length) await insertProblems(client, problems);
      return counts;
    });
  }

  async recordLocationFailure(location: { key: string; type: LocationType; target: string; parentKey: string | null }, problem: CatalogProblem): Promise<void> {
    await withTransaction(this.pool, async (client) => {
      await client.query(
        `INSERT INTO locations (key, type, target, parent_key, status, last_error, processed_at)
         VALUES ($1::text, $2::text, $3::text, $4::text, 'error', $5::text, now())
         ON CONFLICT (key) DO UPDATE SET status = 'error', last_error = excluded.last_error, processed_at = now()`,
        [location.key, location.type, location.target, location.parentKey, problem.message],
      );
      await client.query('DELETE FROM processing_errors WHERE location_key = $1::text', [location.key]);
      await insertProblems(client, [{ ...problem, locationKey: location.key }]);
    });
  }

  async removeLocations(keys: string[]): Promise<number> {
    if (keys.length === 0) return 0;
    return withTransaction(this.pool, async (client) => {
      const { rows } = await client.query<{ key: string }>(
        `WITH RECURSIVE tree AS (
           SELECT key FROM locations WHERE key = ANY($1::text[])
           UNION SELECT l.key FROM locations l JOIN tree ON l.parent_key = tree.key
         ) SELECT key FROM tree`,
        [keys],
      );
      const subtree = rows.map((row) => row.key);
      const { rows: gone } = await client.query<{ ref_key: string }>('DELETE FROM entities WHERE location_key = ANY($1::text[]) RETURNING ref_key', [subtree]);
      if (gone.length) await client.query('DELETE FROM relations WHERE source_key = ANY($1::text[])', [gone.map((row) => row.ref_key)]);
      await client.query('DELETE FROM locations WHERE key = ANY($1::text[])', [subtree]);
      return gone.length;
    });
  }

  async afterWrites(): Promise<void> {
    // New entries of the search-terms GIN index wait in its pending list, which every fuzzy lookup
    // scans in full until autovacuum folds it in; after a large ingest that made suggestions several
    // times slower. Folding it in now, in bulk, is what the list is for.
    try {
      await this.pool.query(`SELECT gin_clean_pending_list('entities_search_terms'::regclass)`);
    } catch (error) {
      // Only the index's owner may do this; another role leaves it to autovacuum.
      if ((error as { code?: string }).code !== '42501') throw error;
    }
  }

  async problemsOf(locationKeys: string[]): Promise<CatalogProblem[]> {
    if (locationKeys.length === 0) return [];
    const { rows } = await this.pool.query<ProblemRow>(
      `SELECT kind, file, document, line, col, entity_ref, message FROM processing_errors
       WHERE location_key = ANY($1::text[]) ORDER BY file, document NULLS FIRST, id`,
      [locationKeys],
    );
    return rows.map((row) => ({
      kind: row.kind,
      file: row.file,
      ...(row.document !== null && { document: row.document }),
      ...(row.line !== null && { line: row.line }),
      ...(row.col !== null && { column: row.col }),
      ...(row.entity_ref !== null && { entityRef: row.entity_ref }),
      message: row.message,
    }));
  }
}

async function insertProblems(client: pg.PoolClient, problems: Array<CatalogProblem & { locationKey: string }>): Promise<void> {
  await client.query(
    `INSERT INTO processing_errors (location_key, file, document, line, col, entity_ref, kind, message)
     SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::int[], $5::int[], $6::text[], $7::text[], $8::text[])`,
    [
      problems.map((p) => p.locationKey),
      problems.map((p) => p.file),
      problems.map((p) => p.document ?? null),
      problems.map((p) => p.line ?? null),
      problems.map((p) => p.column ?? null),
      problems.map((p) => p.entityRef ?? null),
      problems.map((p) => p.kind),
      problems.map((p) => p.message),
    ],
  );
}

// Beyond this many entities of one name, only the one the card shows is read around.
const NAMED_ROOTS = 5;

interface NeighbourhoodRow {
  relations: OneStepRelation[];
  roots: string[];
  followed: string[];
  reached: string[];
  entities: EntityArray[];
}

/**
 * One statement for a neighbourhood read, from the entities a `roots` CTE names: their relations,
 * the relations of the targets they follow, and every entity reached.
 *
 * The request's relation types are written into the statement rather than passed as parameters.
 * With array parameters PostgreSQL judged its generic plan costlier than planning each execution
 * afresh, so every card paid for planning this large statement (about 3 ms of the server's CPU).
 * With only the looked-up key as a parameter, each connection settles on one generic plan.
 */
function neighbourhoodStatement(rootsCte: string, request: NeighbourhoodRequest, extraColumns = ''): string {
  const rootTypes = textArray(rootTypesOf(request));
  return `WITH ${rootsCte}, root AS (
       SELECT DISTINCT * FROM (${edgesFrom('SELECT ref_key FROM roots', rootTypes)}) edges
     ), followed AS (
       SELECT DISTINCT target_key AS ref_key FROM root WHERE type = ANY(${textArray(request.follow)}) AND target_key NOT IN (SELECT ref_key FROM roots)
     ), onward AS (
       SELECT DISTINCT * FROM (${edgesFrom('SELECT ref_key FROM followed', textArray(request.nextRelations))}) edges
     ), reached AS (
       SELECT ref_key FROM roots
       UNION SELECT ref_key FROM followed
       UNION SELECT target_key FROM root WHERE type = ANY(${textArray(request.nextFollow)})
       UNION SELECT target_key FROM onward WHERE type = ANY(${textArray(request.nextFollow)})
     )
     SELECT ${extraColumns}
       (SELECT coalesce(json_agg(json_build_array(source_key, type, source_ref, target_ref) ORDER BY source_key, type, target_ref), '[]')
          FROM (SELECT * FROM root UNION SELECT * FROM onward) read) AS relations,
       (SELECT coalesce(json_agg(ref_key), '[]') FROM roots) AS roots,
       (SELECT coalesce(json_agg(ref_key), '[]') FROM followed) AS followed,
       (SELECT coalesce(json_agg(ref_key), '[]') FROM reached) AS reached,
       (SELECT coalesce(json_agg(json_build_array(${ENTITY_COLUMNS})), '[]')
          FROM entities WHERE ref_key IN (SELECT ref_key FROM reached)) AS entities`;
}

/** A request that follows nothing: the roots, and their own relations. */
function isOneStep(request: NeighbourhoodRequest): boolean {
  return readsOneStep(request) && request.nextFollow.length === 0;
}

/**
 * A request that reads no relations beyond the roots' own, though it may load the entities some of
 * them lead to: a team with its members. One statement answers many of these at once.
 */
function readsOneStep(request: NeighbourhoodRequest): boolean {
  return request.follow.length === 0 && request.nextRelations.length === 0;
}

/** The relation types whose targets a one-step read loads as entities: those of `nextFollow` it reads. */
function loadedTypesOf(request: NeighbourhoodRequest): string[] {
  const read = rootTypesOf(request);
  return request.nextFollow.filter((type) => read.includes(type));
}

/** A relation as `oneStepRelations` reads it: source key, type, source ref, target ref. */
type OneStepRelation = [string, string, string, string];

// Most one-step reads a statement answers at once; more wait for the next statement.
const MAX_BATCH = 100;

/**
 * The relations of the entities whose keys `keys` (an SQL text[]) holds, both ways round, as one
 * JSON array: the whole of a one-step neighbourhood but its entities. Written flat, with the keys
 * as an array: the two-step statement's pipeline of CTEs costs PostgreSQL more to set up than the
 * rows cost to read (0.20–0.23 ms of its CPU here against 0.55–0.68 ms, for the same relations),
 * and a card reads its entity one step out.
 */
function oneStepRelations(keys: string, request: NeighbourhoodRequest): string {
  const types = rootTypesOf(request);
  return `(SELECT coalesce(json_agg(json_build_array(source_key, type, source_ref, target_ref) ORDER BY source_key, type, target_ref), '[]')
     FROM (SELECT source_key, type, source_ref, target_ref FROM relations WHERE source_key = ANY((${keys})::text[]) AND type = ANY(${textArray(types)})
           UNION SELECT target_key, relation_inverse(type), target_ref, source_ref FROM relations
           WHERE target_key = ANY((${keys})::text[]) AND type = ANY(${textArray(types.map((type) => INVERSE_RELATION[type]!))})) read)`;
}

/** The relation types read from the roots themselves: their own, and the next step's. */
function rootTypesOf(request: NeighbourhoodRequest): string[] {
  return [...new Set([...request.relations, ...request.nextRelations])];
}

/** Relation types as an SQL text[] constant; only known type names are accepted. */
function textArray(types: string[]): string {
  for (const type of types) if (!(type in INVERSE_RELATION)) throw new Error(`not a relation type: ${JSON.stringify(type)}`);
  return `ARRAY[${types.map((type) => `'${type}'`).join(', ')}]::text[]`;
}

const requestKeys = new WeakMap<NeighbourhoodRequest, string>();

/**
 * Names a request's prepared statements: one per distinct request, since its types are in the
 * text. A short hash, because PostgreSQL truncates statement names at 63 bytes.
 */
function neighbourhoodKey(request: NeighbourhoodRequest): string {
  let key = requestKeys.get(request);
  if (!key) {
    const types = [rootTypesOf(request), request.follow, request.nextRelations, request.nextFollow].map((list) => list.join(',')).join('|');
    key = createHash('sha256').update(types).digest('hex').slice(0, 16);
    requestKeys.set(request, key);
  }
  return key;
}

type EntityArray = [string, string, string, string, string, Entity, string];

/** The entities a name-or-title lookup found, as `json_build_array(ENTITY_COLUMNS, by_name)`, split by how. */
function splitNamed(named: Array<[...EntityArray, boolean, ...unknown[]]>): { byName: StoredEntity[]; byTitle: StoredEntity[] } {
  const byName: StoredEntity[] = [];
  const byTitle: StoredEntity[] = [];
  for (const columns of named) (columns[7] ? byName : byTitle).push(entityFromArray(columns));
  return { byName, byTitle };
}

/** An entity that came back as `json_build_array(ENTITY_COLUMNS, …)`; columns after these are the caller's. */
function entityFromArray([ref, ref_key, kind, namespace, name, body, location_key]: readonly [...EntityArray, ...unknown[]]): StoredEntity {
  return toEntity({ ref, ref_key, kind, namespace, name, body, location_key });
}

/**
 * Entities named, then entities titled, `text` (an SQL text expression), at most 50 of each, as
 * ENTITY_COLUMNS and by_name.
 */
function namedOrTitled(text: string): string {
  return `(SELECT ${ENTITY_COLUMNS}, true AS by_name FROM entities WHERE name_key = ${text} ORDER BY ref_key LIMIT 50)
          UNION ALL
          (SELECT ${ENTITY_COLUMNS}, false AS by_name FROM entities WHERE title_key = ${text} ORDER BY ref_key LIMIT 50)`;
}

// The entities named or titled $1, and of those the ones read around: the names when there are
// any, else the titles, the first few by ref.
const NAMED = `named AS (${namedOrTitled('$1::text')})`;
const CHOSEN_ROOTS = `SELECT ref_key FROM named WHERE by_name OR NOT EXISTS (SELECT 1 FROM named WHERE by_name) ORDER BY ref_key LIMIT ${NAMED_ROOTS}`;

/** A name-or-title lookup's answer, out of what it found and the relations read around its roots. */
function foundAround(named: Array<[...EntityArray, boolean, ...unknown[]]>, roots: string[], relations: Map<string, RelationRow[]>, around: NeighbourhoodRequest): { byName: StoredEntity[]; byTitle: StoredEntity[]; neighbourhood: Neighbourhood } {
  const { byName, byTitle } = splitNamed(named);
  // The roots were found by the lookup itself: their entities come with it.
  const rootKeys = new Set(roots);
  const rootEntities = new Map([...byName, ...byTitle].filter((entity) => rootKeys.has(entity.refKey)).map((entity) => [entity.refKey, entity]));
  return { byName, byTitle, neighbourhood: oneStepNeighbourhood(roots, relations, around, roots, rootEntities) };
}

/** Relations read for many entities, by source key, in the order read. */
function relationsBySource(rows: OneStepRelation[]): Map<string, RelationRow[]> {
  const relations = new Map<string, RelationRow[]>();
  for (const [sourceKey, type, sourceRef, targetRef] of rows) {
    const list = relations.get(sourceKey) ?? [];
    list.push({ type, sourceRef, targetRef });
    relations.set(sourceKey, list);
  }
  return relations;
}

/**
 * The one-step neighbourhood of `roots`, out of relations read for them and perhaps others: the
 * entities of `reached` (the roots, and what they lead to that was loaded) as found in `entities`.
 */
function oneStepNeighbourhood(roots: string[], relations: Map<string, RelationRow[]>, request: NeighbourhoodRequest, reached: string[], entities: Map<string, StoredEntity>): Neighbourhood {
  const types = rootTypesOf(request);
  const own = new Map<string, RelationRow[]>();
  for (const key of roots) {
    const read = relations.get(key);
    if (read) own.set(key, read);
  }
  const found = reached.flatMap((key) => (entities.has(key) ? [entities.get(key)!] : []));
  return { entities: found, entityKeysRead: reached, relations: own, relationTypesRead: new Map(roots.map((key) => [key, types])) };
}

function toNeighbourhood(row: NeighbourhoodRow, request: NeighbourhoodRequest): Neighbourhood {
  const relations = relationsBySource(row.relations);
  const rootTypes = rootTypesOf(request);
  const relationTypesRead = new Map<string, string[]>();
  for (const key of row.followed) relationTypesRead.set(key, request.nextRelations);
  for (const key of row.roots) relationTypesRead.set(key, rootTypes);
  return { entities: row.entities.map(entityFromArray), entityKeysRead: row.reached, relations, relationTypesRead };
}

/** A text[] literal for COPY. Every element is quoted, so a term such as "null" stays a word. */
function arrayLiteral(items: string[]): string {
  return `{${items.map((item) => `"${item.replace(/["\\]/g, (character) => `\\${character}`)}"`).join(',')}}`;
}

function toEntity(row: EntityRow): StoredEntity {
  return { ref: row.ref, refKey: row.ref_key, kind: row.kind, namespace: row.namespace, name: row.name, entity: row.body, locationKey: row.location_key };
}

import { createHash } from 'node:crypto';
import type pg from 'pg';
import { INVERSE_RELATION } from './model';
import { ENTITY_COLUMNS, edgesFrom, entityFromArray, textArray, toEntity, type EntityArray, type EntityRow, type StatementBatches } from './PgCatalogStatements';
import type { CatalogNeighbourhoodReads, Neighbourhood, NeighbourhoodRequest, RelationRow, StoredEntity } from './store';

// Beyond this many entities of one name, only the one the card shows is read around.
const NAMED_ROOTS = 5;

/** A name-or-title lookup's answer. */
type Found = { byName: StoredEntity[]; byTitle: StoredEntity[] };

/**
 * The reads behind a card: an entity found by name or title, or by key, with the relations and
 * entities around it, in one statement per card (or per batch of cards asked for at once). Each
 * statement is hand-written for PostgreSQL's planner; the why is beside each one.
 */
export class PgCatalogNeighbourhood implements CatalogNeighbourhoodReads {
  private constructor(
    private readonly pool: pg.Pool,
    private readonly batches: StatementBatches,
  ) {}

  static create(options: { pool: pg.Pool; batches: StatementBatches }): PgCatalogNeighbourhood {
    return new PgCatalogNeighbourhood(options.pool, options.batches);
  }

  async findByNameOrTitle(text: string, around?: NeighbourhoodRequest): Promise<Found & { neighbourhood?: Neighbourhood }> {
    if (!around) {
      const { rows } = await this.pool.query<EntityRow & { by_name: boolean }>({ name: 'catalog.findByNameOrTitle', text: `WITH ${NAMED} SELECT * FROM named`, values: [text.toLowerCase()] });
      return { byName: rows.filter((row) => row.by_name).map(toEntity), byTitle: rows.filter((row) => !row.by_name).map(toEntity) };
    }
    // The lookup and the neighbourhood of what it finds, in one round trip: a card's read of its
    // entity costs one statement, shared with the cards asked for at the same time. Names are read
    // around when there are a few of them, else titles.
    if (isOneStep(around)) return this.batches.batched(`named.${neighbourhoodKey(around)}`, (texts) => this.findManyByNameOrTitleOneStep(texts, around))(text.toLowerCase());
    const namedColumn = `(SELECT coalesce(json_agg(json_build_array(${ENTITY_COLUMNS}, by_name)), '[]') FROM named) AS named`;
    const { rows } = await this.pool.query<NeighbourhoodRow & { named: Array<[...EntityArray, boolean]> }>({
      name: `catalog.findByNameOrTitle.around.${neighbourhoodKey(around)}`,
      text: neighbourhoodStatement(`${NAMED}, roots AS (${CHOSEN_ROOTS})`, around, `${namedColumn},`),
      values: [text.toLowerCase()],
    });
    const row = rows[0]!;
    return { ...splitNamed(row.named), neighbourhood: toNeighbourhood(row, around) };
  }

  async neighbourhood(refKey: string, request: NeighbourhoodRequest): Promise<Neighbourhood> {
    const key = refKey.toLowerCase();
    if (readsOneStep(request)) return this.batches.batched(`around.${neighbourhoodKey(request)}`, (keys) => this.oneStepNeighbourhoods(keys, request))(key);
    const { rows } = await this.pool.query<NeighbourhoodRow>({
      name: `catalog.neighbourhood.${neighbourhoodKey(request)}`,
      text: neighbourhoodStatement('roots AS (SELECT $1::text AS ref_key)', request),
      values: [key],
    });
    return toNeighbourhood(rows[0]!, request);
  }

  /**
   * For each text, the entities named or titled so, and the one-step neighbourhood of what was
   * found (the names, else the titles): one statement for them all. The texts are a JSON
   * parameter, not an array: PostgreSQL estimates an array's length from its value and so plans
   * each execution afresh, while a JSON list gets one generic plan per connection.
   */
  private async findManyByNameOrTitleOneStep(texts: string[], around: NeighbourhoodRequest): Promise<Array<Found & { neighbourhood: Neighbourhood }>> {
    // Alone, a text is read by a flat statement of its own, which costs PostgreSQL less than a
    // batch of one.
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
  private async findByNameOrTitleOneStep(text: string, around: NeighbourhoodRequest): Promise<Found & { neighbourhood: Neighbourhood }> {
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
}

// ---- statements ------------------------------------------------------------------------------

interface NeighbourhoodRow {
  relations: OneStepRelation[];
  roots: string[];
  followed: string[];
  reached: string[];
  entities: EntityArray[];
}

/** A relation as `oneStepRelations` reads it: source key, type, source ref, target ref. */
type OneStepRelation = [string, string, string, string];

/**
 * One statement for a neighbourhood read, from the entities a `roots` CTE names: their relations,
 * the relations of the targets they follow, and every entity reached.
 *
 * The request's relation types are written into the statement rather than passed as parameters:
 * with array parameters PostgreSQL judges its generic plan costlier than planning each execution
 * afresh, and planning this large statement costs more than running it. With only the looked-up
 * key as a parameter, each connection settles on one generic plan.
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

/**
 * The relations of the entities whose keys `keys` (an SQL text[]) holds, both ways round, as one
 * JSON array: the whole of a one-step neighbourhood but its entities. Written flat, with the keys
 * as an array, because the two-step statement's pipeline of CTEs costs PostgreSQL more to set up
 * than the rows cost to read, and a card reads its entity one step out.
 */
function oneStepRelations(keys: string, request: NeighbourhoodRequest): string {
  const types = rootTypesOf(request);
  return `(SELECT coalesce(json_agg(json_build_array(source_key, type, source_ref, target_ref) ORDER BY source_key, type, target_ref), '[]')
     FROM (SELECT source_key, type, source_ref, target_ref FROM relations WHERE source_key = ANY((${keys})::text[]) AND type = ANY(${textArray(types)})
           UNION SELECT target_key, relation_inverse(type), target_ref, source_ref FROM relations
           WHERE target_key = ANY((${keys})::text[]) AND type = ANY(${textArray(types.map((type) => INVERSE_RELATION[type]!))})) read)`;
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

// ---- requests --------------------------------------------------------------------------------

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

/** The relation types read from the roots themselves: their own, and the next step's. */
function rootTypesOf(request: NeighbourhoodRequest): string[] {
  return [...new Set([...request.relations, ...request.nextRelations])];
}

// ---- rows to neighbourhoods ------------------------------------------------------------------

/** The entities a name-or-title lookup found, as `json_build_array(ENTITY_COLUMNS, by_name)`, split by how. */
function splitNamed(named: Array<[...EntityArray, boolean, ...unknown[]]>): Found {
  const byName: StoredEntity[] = [];
  const byTitle: StoredEntity[] = [];
  for (const columns of named) (columns[7] ? byName : byTitle).push(entityFromArray(columns));
  return { byName, byTitle };
}

/** A name-or-title lookup's answer, out of what it found and the relations read around its roots. */
function foundAround(named: Array<[...EntityArray, boolean, ...unknown[]]>, roots: string[], relations: Map<string, RelationRow[]>, around: NeighbourhoodRequest): Found & { neighbourhood: Neighbourhood } {
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

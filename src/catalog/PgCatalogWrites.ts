import type pg from 'pg';
import { copyRows } from '../db/copy';
import { withTransaction } from '../db/pool';
import { settleClaims } from './claims';
import { WARNING_KINDS, type CatalogProblem, type LocationTarget, type ProcessedEntity } from './processing';
import { isWord, searchTerms } from './searchTerms';
import { fieldTexts, lexiconWords, searchFields, type SearchFields } from './searchDocument';
import type { IngestionStore, LocationState, LocationType, LocationWrite, WriteCounts } from './store';

// Serialises concurrent ingestion writers, so two processes cannot both claim one ref.
const INGEST_LOCK = 727_002;

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

/**
 * The ingestion side of the catalog: each location's entities, relations and problems replaced
 * atomically, and only when it read and parsed, so that nothing is lost on bad input.
 */
export class PgCatalogWrites implements IngestionStore {
  private constructor(private readonly pool: pg.Pool) {}

  static create(options: { pool: pg.Pool }): PgCatalogWrites {
    return new PgCatalogWrites(options.pool);
  }

  async loadLocations(): Promise<Map<string, LocationState>> {
    const { rows } = await this.pool.query<LocationRow>('SELECT key, type, target, parent_key, content_hash, etag, children, dependencies, has_conflicts, status, entity_count FROM locations');
    return new Map(rows.map((row) => [row.key, toLocationState(row)]));
  }

  async writeLocations(batch: LocationWrite[]): Promise<WriteCounts> {
    const counts: WriteCounts = { added: 0, updated: 0, unchanged: 0, removed: 0, conflicts: [] };
    if (batch.length === 0) return counts;
    return withTransaction(this.pool, async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [INGEST_LOCK]);
      const locationKeys = batch.map((location) => location.key);
      const incomingKeys = batch.flatMap((location) => location.entities.map((entity) => entity.refKey));
      const { rows: existing } = await client.query<{ ref_key: string; hash: string; location_key: string; inferred: boolean | null }>(
        `SELECT e.ref_key, e.hash, e.location_key, l.inferred FROM entities e LEFT JOIN locations l ON l.key = e.location_key
         WHERE e.location_key = ANY($1::text[]) OR e.ref_key = ANY($2::text[])`,
        [locationKeys, incomingKeys],
      );
      const current = new Map(existing.map((row) => [row.ref_key, row]));
      const claims = settleClaims(existing.map((row) => ({ refKey: row.ref_key, locationKey: row.location_key, inferred: row.inferred ?? false })), batch);
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
        `INSERT INTO locations (key, type, target, parent_key, content_hash, children, dependencies, has_conflicts, status, last_error, entity_count, processed_at, last_ok_at, etag, inferred)
         SELECT key, type, target, parent_key, content_hash, children::jsonb, dependencies::jsonb, has_conflicts, 'ok', NULL, entity_count, now(), now(), etag, inferred
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bool[], $9::int[], $10::text[], $11::bool[])
           AS l(key, type, target, parent_key, content_hash, children, dependencies, has_conflicts, entity_count, etag, inferred)
         ON CONFLICT (key) DO UPDATE SET type = excluded.type, target = excluded.target, parent_key = coalesce(locations.parent_key, excluded.parent_key),
           content_hash = excluded.content_hash, etag = excluded.etag, children = excluded.children, dependencies = excluded.dependencies, has_conflicts = excluded.has_conflicts,
           status = 'ok', last_error = NULL, entity_count = excluded.entity_count, processed_at = now(), last_ok_at = now(), inferred = excluded.inferred`,
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
          batch.map((l) => l.inferred),
        ],
      );
      // An inferred location whose entity a declared one took claims it again once that one goes.
      if (claims.overridden.length) await client.query('UPDATE locations SET has_conflicts = true WHERE key = ANY($1::text[])', [claims.overridden.map((item) => item.locationKey)]);

      // New entities have no relations yet; only replaced and removed ones need theirs cleared.
      const replaced = [...removed, ...upserts.filter((u) => current.has(u.entity.refKey)).map((u) => u.entity.refKey)];
      if (replaced.length) await client.query('DELETE FROM relations WHERE source_key = ANY($1::text[])', [replaced]);
      if (removed.length) await client.query('DELETE FROM entities WHERE ref_key = ANY($1::text[])', [removed]);
      if (upserts.length) await writeEntities(client, upserts, current);

      await client.query('DELETE FROM processing_errors WHERE location_key = ANY($1::text[])', [locationKeys]);
      problems.push(...claims.overridden.map(({ locationKey, problem }) => ({ ...problem, locationKey })));
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
    // scans in full until autovacuum folds it in, so after a large ingest suggestions stay slow
    // until it does. Folding it in now, in bulk, is what the list is for.
    // The full-text indexes of /find the same.
    for (const index of ['entities_search_terms', 'entities_search_name', 'entities_search_document']) {
      try {
        await this.pool.query(`SELECT gin_clean_pending_list($1::regclass)`, [index]);
      } catch (error) {
        // Only the index's owner may do this; another role leaves it to autovacuum.
        if ((error as { code?: string }).code !== '42501') throw error;
      }
    }
  }

  async problemsOf(locationKeys: string[]): Promise<CatalogProblem[]> {
    if (locationKeys.length === 0) return [];
    const { rows } = await this.pool.query<ProblemRow>(
      `SELECT kind, file, document, line, col, entity_ref, message FROM processing_errors
       WHERE location_key = ANY($1::text[]) ORDER BY file, document NULLS FIRST, id`,
      [locationKeys],
    );
    return rows.map(toProblem);
  }

  async missingMembers(locationKeys: string[]): Promise<Array<{ file: string; groupRef: string; missing: string[] }>> {
    if (locationKeys.length === 0) return [];
    // A group's spec.members is stored as its own hasMember relations (see relationsOf).
    const { rows } = await this.pool.query<{ file: string; group_ref: string; missing: string[] }>(
      `SELECT l.target AS file, g.ref AS group_ref, array_agg(r.target_ref ORDER BY r.target_key) AS missing
       FROM entities g
       JOIN locations l ON l.key = g.location_key
       JOIN relations r ON r.source_key = g.ref_key AND r.type = 'hasMember'
       WHERE g.location_key = ANY($1::text[]) AND g.kind = 'group'
         AND NOT EXISTS (SELECT 1 FROM entities m WHERE m.ref_key = r.target_key)
       GROUP BY l.target, g.ref, g.ref_key
       ORDER BY l.target, g.ref_key`,
      [locationKeys],
    );
    return rows.map((row) => ({ file: row.file, groupRef: row.group_ref, missing: row.missing }));
  }

  async countProblems(): Promise<number> {
    // Warnings are kept with their files for owners to read, but nothing is wrong with the catalog.
    const { rows } = await this.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM processing_errors WHERE kind <> ALL($1::text[])', [WARNING_KINDS]);
    return rows[0]?.n ?? 0;
  }

  async hasLocation(key: string): Promise<boolean> {
    const { rowCount } = await this.pool.query('SELECT 1 FROM locations WHERE key = $1::text', [key]);
    return (rowCount ?? 0) > 0;
  }
}

/**
 * Writes the entities of a batch that are new or changed, with their search terms and the
 * relations they state. `current` holds the batch's refs as stored before it.
 */
async function writeEntities(client: pg.PoolClient, upserts: Array<{ entity: ProcessedEntity; locationKey: string }>, current: Map<string, unknown>): Promise<void> {
  const terms = upserts.map((u) => searchTerms(u.entity.name, u.entity.title));
  // Keys are lower-cased here, as lookups lower-case what they are given: both sides agree.
  const rows = upserts.map((u, i) => ({ upsert: u, terms: terms[i]!, nameKey: u.entity.name.toLowerCase(), titleKey: u.entity.title?.toLowerCase() ?? null, search: searchFieldsOf(u.entity) }));
  const added = rows.filter((row) => !current.has(row.upsert.entity.refKey));
  const changed = rows.filter((row) => current.has(row.upsert.entity.refKey));
  // Entities new to the catalog (every one, on a first ingestion) go in through COPY; under
  // the ingestion lock nothing else can have written their refs since `existing` was read.
  await copyRows(
    client,
    'entities',
    ['ref_key', 'ref', 'kind', 'namespace', 'name', 'name_key', 'title_key', 'search_terms', 'body', 'hash', 'location_key', 'search_fields'],
    added.map(({ upsert: { entity, locationKey }, terms: words, nameKey, titleKey, search }) => [entity.refKey, entity.ref, entity.kind, entity.namespace, entity.name, nameKey, titleKey, arrayLiteral(words), entity.json, entity.hash, locationKey, JSON.stringify(search)]),
  );
  if (changed.length) {
    // One JSON document per batch: pg escapes every quote of a text[] parameter in JavaScript,
    // which for entity bodies costs more than PostgreSQL's own work on them.
    await client.query(
      `INSERT INTO entities (ref_key, ref, kind, namespace, name, name_key, title_key, search_terms, body, hash, location_key, search_fields)
             SELECT r, f, k, n, m, mk, tk, string_to_array(s, ' '), b, h, l, sf
             FROM jsonb_to_recordset($1::jsonb) AS e(r text, f text, k text, n text, m text, mk text, tk text, s text, b jsonb, h text, l text, sf jsonb)
             ON CONFLICT (ref_key) DO UPDATE SET ref = excluded.ref, kind = excluded.kind, namespace = excluded.namespace, name = excluded.name,
               name_key = excluded.name_key, title_key = excluded.title_key, search_terms = excluded.search_terms, body = excluded.body, hash = excluded.hash,
               location_key = excluded.location_key, search_fields = excluded.search_fields, updated_at = now()`,
      [
        // Each body goes in as the JSON text processing already made, rather than serialised again.
        `[${changed
          .map(({ upsert: { entity, locationKey }, terms: words, nameKey, titleKey, search }) => {
            const row = { r: entity.refKey, f: entity.ref, k: entity.kind, n: entity.namespace, m: entity.name, mk: nameKey, tk: titleKey, s: words.join(' '), h: entity.hash, l: locationKey, sf: search };
            return `${JSON.stringify(row).slice(0, -1)},"b":${entity.json}}`;
          })
          .join(',')}]`,
      ],
    );
  }
  const vocabulary = [...new Set(terms.flat().filter(isWord))];
  await client.query('INSERT INTO search_vocabulary (term) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING', [vocabulary]);
  // Sorted, so that two writers of the lexicon (ingestion, the docs cache) take its locks in one order.
  const lexicon = lexiconWords(fieldTexts(rows.map((row) => row.search)));
  await client.query('INSERT INTO search_lexicon (word) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING', [lexicon]);
  // Each relation once, as its entity stated it; the other direction is read backwards. They
  // are the most rows an ingestion writes, so they go through COPY.
  const relations = upserts.flatMap((u) => u.entity.relations.filter((relation) => relation.sourceKey === u.entity.refKey));
  await copyRows(client, 'relations', ['source_key', 'type', 'target_key', 'source_ref', 'target_ref'], relations.map((r) => [r.sourceKey, r.type, r.targetKey, r.sourceRef, r.targetRef]));
}

/** What search reads of an entity: made by processing, or from its JSON for an entity made elsewhere. */
function searchFieldsOf(entity: ProcessedEntity): SearchFields {
  return entity.search ?? searchFields(JSON.parse(entity.json));
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

/** A text[] literal for COPY. Every element is quoted, so a term such as "null" stays a word. */
function arrayLiteral(items: string[]): string {
  return `{${items.map((item) => `"${item.replace(/["\\]/g, (character) => `\\${character}`)}"`).join(',')}}`;
}

function toLocationState(row: LocationRow): LocationState {
  return { key: row.key, type: row.type, target: row.target, parentKey: row.parent_key, contentHash: row.content_hash, etag: row.etag, children: row.children, dependencies: row.dependencies, hasConflicts: row.has_conflicts, status: row.status, entityCount: row.entity_count };
}

function toProblem(row: ProblemRow): CatalogProblem {
  return {
    kind: row.kind,
    file: row.file,
    ...(row.document !== null && { document: row.document }),
    ...(row.line !== null && { line: row.line }),
    ...(row.col !== null && { column: row.col }),
    ...(row.entity_ref !== null && { entityRef: row.entity_ref }),
    message: row.message,
  };
}

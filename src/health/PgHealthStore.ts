import type pg from 'pg';
import { copyRows } from '../db/copy';
import { withTransaction } from '../db/pool';
import type { CheckResult, CheckStatus, CheckTransition, FactValue, Facts, Level, NewWaiver, Waiver, WaiverKind } from './model';
import type { EntityEvaluation, EvaluationCounts, EvaluationWrite, HealthStore } from './store';

// Serialises evaluations (the scheduled job and `backline health` at the same moment), so a
// status change is compared with the latest state and recorded once.
const HEALTH_LOCK = 727_009;

interface ResultRow {
  entity_ref: string;
  check_id: string;
  status: CheckStatus;
  since: Date;
  evaluated_at: Date;
}

interface WaiverRow {
  id: string;
  entity_ref: string;
  check_id: string;
  kind: WaiverKind;
  reason: string | null;
  created_by: string;
  created_at: Date;
  expires_at: Date | null;
}

const WAIVER_COLUMNS = 'id::text, entity_ref, check_id, kind, reason, created_by, created_at, expires_at';

export class PgHealthStore implements HealthStore {
  private constructor(private readonly pool: pg.Pool) {}

  static create(options: { pool: pg.Pool }): PgHealthStore {
    return new PgHealthStore(options.pool);
  }

  async recordEvaluation(write: EvaluationWrite): Promise<EvaluationCounts> {
    const { at } = write;
    return withTransaction(this.pool, async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [HEALTH_LOCK]);
      const counts: EvaluationCounts = { entities: 0, factChanges: 0, transitions: 0 };
      // A slice of entities at a time: what is stored of them is read and the rows that change it
      // written before the next slice, and each page before the next page is asked for.
      for await (const page of write.entities) {
        const byKey = new Map(page.map((entity) => [entity.ref.toLowerCase(), entity]));
        const keys = [...byKey.keys()];
        for (let start = 0; start < keys.length; start += WRITE_SLICE) {
          const written = await recordSlice(client, keys.slice(start, start + WRITE_SLICE), byKey, at);
          counts.factChanges += written.factChanges;
          counts.transitions += written.transitions;
        }
        counts.entities += keys.length;
      }
      if (write.complete) {
        // Entities gone from the catalog: their current state goes; their history stays.
        await client.query('DELETE FROM health_results WHERE entity_key IN (SELECT entity_key FROM health_entities WHERE evaluated_at < $1::timestamptz)', [at]);
        await client.query('DELETE FROM health_entities WHERE evaluated_at < $1::timestamptz', [at]);
      }
      const teams = write.teams();
      if (teams.length) {
        await client.query(
          `INSERT INTO health_team_scores (team_key, team_ref, at, score, level, entities)
           SELECT lower(t), t, $5::timestamptz, s, l, n FROM unnest($1::text[], $2::real[], $3::text[], $4::int[]) AS x(t, s, l, n)
           ON CONFLICT (team_key, at) DO UPDATE SET score = excluded.score, level = excluded.level, entities = excluded.entities`,
          [teams.map((team) => team.ref), teams.map((team) => team.score), teams.map((team) => team.level), teams.map((team) => team.entities), at],
        );
      }
      return counts;
    });
  }

  async lastEvaluatedAt(): Promise<Date | null> {
    const { rows } = await this.pool.query<{ at: Date | null }>('SELECT max(evaluated_at) AS at FROM health_entities');
    return rows[0]?.at ?? null;
  }

  async currentResults(entityRefs?: string[]): Promise<CheckResult[]> {
    const { rows } = await this.pool.query<ResultRow>(
      `SELECT r.entity_ref, r.check_id, r.status, r.since, e.evaluated_at
         FROM health_results r JOIN health_entities e ON e.entity_key = r.entity_key
        WHERE $1::text[] IS NULL OR r.entity_key = ANY($1::text[])
        ORDER BY r.entity_key, r.check_id`,
      [entityRefs ? lowered(entityRefs) : null],
    );
    return rows.map(toResult);
  }

  async resultsAt(entityRefs: string[], at: Date): Promise<CheckResult[]> {
    const { rows } = await this.pool.query<ResultRow>(
      `SELECT DISTINCT ON (entity_key, check_id) entity_ref, check_id, to_status AS status, at AS since, $2::timestamptz AS evaluated_at
         FROM health_transitions WHERE entity_key = ANY($1::text[]) AND at <= $2::timestamptz
        ORDER BY entity_key, check_id, at DESC, id DESC`,
      [lowered(entityRefs), at],
    );
    return rows.map(toResult);
  }

  async currentFacts(entityRefs: string[]): Promise<Map<string, { facts: Facts; evaluatedAt: Date }>> {
    const { rows } = await this.pool.query<{ entity_key: string; facts: Facts; evaluated_at: Date }>(
      'SELECT entity_key, facts, evaluated_at FROM health_entities WHERE entity_key = ANY($1::text[])',
      [lowered(entityRefs)],
    );
    return new Map(rows.map((row) => [row.entity_key, { facts: row.facts, evaluatedAt: row.evaluated_at }]));
  }

  async scoreHistory(teamRef: string, since: Date): Promise<Array<{ at: Date; score: number | null; level: Level | null }>> {
    const { rows } = await this.pool.query<{ at: Date; score: number | null; level: Level | null }>(
      'SELECT at, score, level FROM health_team_scores WHERE team_key = $1::text AND at >= $2::timestamptz ORDER BY at',
      [teamRef.toLowerCase(), since],
    );
    return rows;
  }

  async transitions(options: { since: Date; until?: Date; entityRefs?: string[] }): Promise<CheckTransition[]> {
    const { rows } = await this.pool.query<{ entity_ref: string; check_id: string; from_status: CheckStatus | null; to_status: CheckStatus; at: Date }>(
      `SELECT entity_ref, check_id, from_status, to_status, at FROM health_transitions
        WHERE at > $1::timestamptz AND ($2::timestamptz IS NULL OR at <= $2::timestamptz)
          AND ($3::text[] IS NULL OR entity_key = ANY($3::text[]))
        ORDER BY at, id`,
      [options.since, options.until ?? null, options.entityRefs ? lowered(options.entityRefs) : null],
    );
    return rows.map((row) => ({ entityRef: row.entity_ref, checkId: row.check_id, from: row.from_status, to: row.to_status, at: row.at }));
  }

  async activeWaivers(options: { at: Date; entityRefs?: string[] }): Promise<Waiver[]> {
    const { rows } = await this.pool.query<WaiverRow>(
      `SELECT ${WAIVER_COLUMNS} FROM waivers
        WHERE created_at <= $1::timestamptz AND (expires_at IS NULL OR expires_at > $1::timestamptz)
          AND ($2::text[] IS NULL OR entity_key = ANY($2::text[]))
        ORDER BY id`,
      [options.at, options.entityRefs ? lowered(options.entityRefs) : null],
    );
    return rows.map(toWaiver);
  }

  async addWaivers(waiver: NewWaiver, createdAt: Date): Promise<Waiver[]> {
    if (waiver.entityRefs.length === 0) return [];
    const { rows } = await this.pool.query<WaiverRow>(
      `INSERT INTO waivers (entity_key, entity_ref, check_id, kind, reason, created_by, created_at, expires_at)
       SELECT lower(r), r, $2::text, $3::text, $4::text, $5::text, $6::timestamptz, $7::timestamptz FROM unnest($1::text[]) WITH ORDINALITY AS x(r, n) ORDER BY n
       RETURNING ${WAIVER_COLUMNS}`,
      [waiver.entityRefs, waiver.checkId, waiver.kind, waiver.reason, waiver.createdBy, createdAt, waiver.expiresAt],
    );
    return rows.map(toWaiver);
  }
}

/** Entities an evaluation records at a time, within its one transaction. */
const WRITE_SLICE = 2_000;

/**
 * Records the evaluation of some entities (by lower-cased ref, all in `byKey`): facts and results
 * that changed, with a history row or a transition each, and the evaluation time of the rest.
 */
async function recordSlice(client: pg.PoolClient, keys: string[], byKey: Map<string, EntityEvaluation>, at: Date): Promise<{ factChanges: number; transitions: number }> {
  // What is stored now, one row per entity (results folded into one array each): 20,000
  // entities cost 20,000 rows to read, not one per result.
  const { rows: current } = await client.query<{ entity_key: string; facts: Facts | null; results: Array<[string, CheckStatus]> | null }>(
    `SELECT k.entity_key, e.facts,
            (SELECT json_agg(json_build_array(r.check_id, r.status)) FROM health_results r WHERE r.entity_key = k.entity_key) AS results
       FROM unnest($1::text[]) AS k(entity_key) LEFT JOIN health_entities e ON e.entity_key = k.entity_key`,
    [keys],
  );
  const factRows: Array<{ k: string; r: string; f: Facts }> = [];
  // Entities seen for the first time (every one, on a first evaluation) go in through COPY:
  // under the lock nothing else can have written their rows since they were read.
  const newEntityRows: Array<Array<string | null>> = [];
  const newResultRows: Array<Array<string | null>> = [];
  const changeRows: Array<Array<string | null>> = [];
  const resultRows: Array<{ k: string; r: string; c: string; s: CheckStatus }> = [];
  const transitionRows: Array<Array<string | null>> = [];
  const goneResults: Array<{ k: string; c: string }> = [];
  const atText = at.toISOString();
  for (const { entity_key: key, facts: before, results } of current) {
    const entity = byKey.get(key)!;
    const changes = factChanges(before, entity.facts);
    if (changes) {
      if (before === null) newEntityRows.push([key, entity.ref, JSON.stringify(entity.facts), atText, atText]);
      else factRows.push({ k: key, r: entity.ref, f: entity.facts });
      changeRows.push([key, atText, JSON.stringify(changes)]);
    }
    const previous = new Map(results ?? []);
    for (const { checkId, status } of entity.results) {
      const was = previous.get(checkId);
      previous.delete(checkId);
      if (was === status) continue;
      if (results === null) newResultRows.push([key, entity.ref, checkId, status, atText]);
      else resultRows.push({ k: key, r: entity.ref, c: checkId, s: status });
      transitionRows.push([key, entity.ref, checkId, was ?? null, status, atText]);
    }
    // Checks removed from the scorecard, or that no longer apply: no current result any more.
    for (const checkId of previous.keys()) goneResults.push({ k: key, c: checkId });
  }
  await copyRows(client, 'health_entities', ['entity_key', 'entity_ref', 'facts', 'facts_changed_at', 'evaluated_at'], newEntityRows);
  await copyRows(client, 'health_fact_changes', ['entity_key', 'at', 'changes'], changeRows);
  if (factRows.length) {
    await client.query(
      `INSERT INTO health_entities (entity_key, entity_ref, facts, facts_changed_at, evaluated_at)
       SELECT k, r, f, $2::timestamptz, $2::timestamptz FROM jsonb_to_recordset($1::jsonb) AS i(k text, r text, f jsonb)
       ON CONFLICT (entity_key) DO UPDATE SET entity_ref = excluded.entity_ref, facts = excluded.facts, facts_changed_at = excluded.facts_changed_at, evaluated_at = excluded.evaluated_at`,
      [JSON.stringify(factRows), at],
    );
  }
  // Entities whose facts did not change only move their evaluation time.
  await client.query('UPDATE health_entities SET evaluated_at = $2::timestamptz WHERE entity_key = ANY($1::text[]) AND evaluated_at <> $2::timestamptz', [keys, at]);
  await copyRows(client, 'health_results', ['entity_key', 'entity_ref', 'check_id', 'status', 'since'], newResultRows);
  await copyRows(client, 'health_transitions', ['entity_key', 'entity_ref', 'check_id', 'from_status', 'to_status', 'at'], transitionRows);
  if (resultRows.length) {
    await client.query(
      `INSERT INTO health_results (entity_key, entity_ref, check_id, status, since)
       SELECT k, r, c, s, $2::timestamptz FROM jsonb_to_recordset($1::jsonb) AS i(k text, r text, c text, s text)
       ON CONFLICT (entity_key, check_id) DO UPDATE SET entity_ref = excluded.entity_ref, status = excluded.status, since = excluded.since`,
      [JSON.stringify(resultRows), at],
    );
  }
  if (goneResults.length) {
    await client.query(
      `DELETE FROM health_results r USING jsonb_to_recordset($1::jsonb) AS g(k text, c text) WHERE r.entity_key = g.k AND r.check_id = g.c`,
      [JSON.stringify(goneResults)],
    );
  }
  return { factChanges: changeRows.length, transitions: transitionRows.length };
}

/** The facts that changed, old and new value each; null when nothing did. A first observation changes every fact. */
function factChanges(before: Facts | null, after: Facts): Record<string, { from: FactValue; to: FactValue }> | null {
  const changes: Record<string, { from: FactValue; to: FactValue }> = {};
  let changed = false;
  for (const name of new Set([...Object.keys(before ?? {}), ...Object.keys(after)])) {
    const from = before?.[name] ?? null;
    const to = after[name] ?? null;
    if (before && name in before && name in after && from === to) continue;
    changes[name] = { from, to };
    changed = true;
  }
  return changed ? changes : null;
}

function lowered(refs: string[]): string[] {
  return refs.map((ref) => ref.toLowerCase());
}

function toResult(row: ResultRow): CheckResult {
  return { entityRef: row.entity_ref, checkId: row.check_id, status: row.status, since: row.since, evaluatedAt: row.evaluated_at };
}

function toWaiver(row: WaiverRow): Waiver {
  return { id: row.id, entityRef: row.entity_ref, checkId: row.check_id, kind: row.kind, reason: row.reason, createdBy: row.created_by, createdAt: row.created_at, expiresAt: row.expires_at };
}

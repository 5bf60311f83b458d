import type pg from 'pg';
import type { CatalogFileProblem, DigestSnapshot, FailingPair } from './digest';
import { nudgeId, slotId, type DigestRecord, type DigestStore, type NudgeRecord } from './digestStore';
import type { Level } from './model';

interface SnapshotRow {
  slot: Date;
  decided_at: Date;
  score: number | null;
  level: Level | null;
  failing: Array<[string, string]>;
}

/** The digests and nudges tables (migration 000010), and the team's catalog problems. */
export class PgDigestStore implements DigestStore {
  private constructor(private readonly pool: pg.Pool) {}

  static create(options: { pool: pg.Pool }): PgDigestStore {
    return new PgDigestStore(options.pool);
  }

  async lastSent(team: string): Promise<DigestSnapshot | null> {
    const { rows } = await this.pool.query<SnapshotRow>(
      `SELECT slot, decided_at, score, level, failing FROM digests WHERE team_key = $1::text AND sent ORDER BY slot DESC LIMIT 1`,
      [team.toLowerCase()],
    );
    const row = rows[0];
    if (!row) return null;
    return { slot: row.slot, sentAt: row.decided_at, score: row.score, level: row.level, failing: row.failing.map(([entityRef, checkId]): FailingPair => ({ entityRef, checkId })) };
  }

  async decided(slots: Array<{ team: string; slot: Date }>): Promise<Set<string>> {
    if (slots.length === 0) return new Set();
    const { rows } = await this.pool.query<{ team_key: string; slot: Date }>(
      `SELECT d.team_key, d.slot FROM digests d
       JOIN unnest($1::text[], $2::timestamptz[]) AS wanted(team_key, slot) ON d.team_key = wanted.team_key AND d.slot = wanted.slot`,
      [slots.map((entry) => entry.team.toLowerCase()), slots.map((entry) => entry.slot)],
    );
    return new Set(rows.map((row) => slotId(row.team_key, row.slot)));
  }

  async record(decision: DigestRecord): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `INSERT INTO digests (team_key, slot, team_ref, decided_at, sent, reason, score, level, failing)
       VALUES ($1::text, $2::timestamptz, $3::text, $4::timestamptz, $5::boolean, $6::text, $7::real, $8::text, $9::jsonb)
       ON CONFLICT (team_key, slot) DO NOTHING`,
      [
        decision.team.toLowerCase(),
        decision.slot,
        decision.team,
        decision.decidedAt,
        decision.sent,
        decision.reason,
        decision.score,
        decision.level,
        JSON.stringify(decision.failing.map((pair) => [pair.entityRef, pair.checkId])),
      ],
    );
    return rowCount === 1;
  }

  async nudged(transitions: Array<{ entityRef: string; checkId: string; transitionAt: Date }>): Promise<Set<string>> {
    if (transitions.length === 0) return new Set();
    const { rows } = await this.pool.query<{ entity_ref: string; check_id: string; transition_at: Date }>(
      `SELECT n.entity_ref, n.check_id, n.transition_at FROM nudges n
       JOIN unnest($1::text[], $2::text[], $3::timestamptz[]) AS wanted(entity_key, check_id, transition_at)
         ON n.entity_key = wanted.entity_key AND n.check_id = wanted.check_id AND n.transition_at = wanted.transition_at`,
      [transitions.map((t) => t.entityRef.toLowerCase()), transitions.map((t) => t.checkId), transitions.map((t) => t.transitionAt)],
    );
    return new Set(rows.map((row) => nudgeId({ entityRef: row.entity_ref, checkId: row.check_id, transitionAt: row.transition_at })));
  }

  async recordNudges(nudges: NudgeRecord[]): Promise<void> {
    if (nudges.length === 0) return;
    await this.pool.query(
      `INSERT INTO nudges (entity_key, check_id, transition_at, entity_ref, team_ref, hour)
       SELECT lower(entity_ref), check_id, transition_at, entity_ref, team_ref, hour
       FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::text[], $5::timestamptz[]) AS n(entity_ref, check_id, transition_at, team_ref, hour)
       ON CONFLICT DO NOTHING`,
      [nudges.map((n) => n.entityRef), nudges.map((n) => n.checkId), nudges.map((n) => n.transitionAt), nudges.map((n) => n.team), nudges.map((n) => n.hour)],
    );
  }

  async catalogProblems(team: string, limit: number): Promise<CatalogFileProblem[]> {
    // The files holding the group itself or anything it owns; ownership is stored once, in the
    // direction its origin stated it (an entity's spec.owner, or a group's ownerOf).
    const { rows } = await this.pool.query<{ file: string; line: number | null; message: string }>(
      `WITH owned AS (
         SELECT $1::text AS ref_key
         UNION SELECT source_key FROM relations WHERE target_key = $1::text AND type = 'ownedBy'
         UNION SELECT target_key FROM relations WHERE source_key = $1::text AND type = 'ownerOf'
       )
       SELECT file, line, message FROM processing_errors
       WHERE location_key IN (SELECT location_key FROM entities WHERE ref_key IN (SELECT ref_key FROM owned))
       ORDER BY file, document NULLS FIRST, id LIMIT $2::int`,
      [team.toLowerCase(), limit],
    );
    return rows.map((row) => ({ file: row.file, ...(row.line !== null && { line: row.line }), message: row.message }));
  }
}

import type pg from 'pg';
import type { DeclaredRepositories, OwnershipCorrection, OwnershipCorrections } from './corrections';

export class PgOwnershipCorrections implements OwnershipCorrections, DeclaredRepositories {
  private constructor(private readonly pool: pg.Pool) {}

  static create(options: { pool: pg.Pool }): PgOwnershipCorrections {
    return new PgOwnershipCorrections(options.pool);
  }

  async reject(correction: Omit<OwnershipCorrection, 'rejectedAt'>): Promise<{ recorded: boolean }> {
    const { rowCount } = await this.pool.query(
      `INSERT INTO ownership_corrections (repository, rejected_owner, entity_ref, rejected_by, evidence)
       VALUES (lower($1::text), lower($2::text), $3::text, $4::text, $5::text) ON CONFLICT DO NOTHING`,
      [correction.repository, correction.rejectedOwner, correction.entityRef, correction.rejectedBy, correction.evidence],
    );
    return { recorded: rowCount === 1 };
  }

  async rejectedOwners(org: string): Promise<Map<string, Set<string>>> {
    const { rows } = await this.pool.query<{ repository: string; rejected_owner: string }>(
      `SELECT repository, rejected_owner FROM ownership_corrections WHERE repository LIKE lower($1::text) || '/%'`,
      [org.replace(/[\\%_]/g, (c) => `\\${c}`)],
    );
    const byRepository = new Map<string, Set<string>>();
    for (const row of rows) byRepository.set(row.repository, (byRepository.get(row.repository) ?? new Set()).add(row.rejected_owner));
    return byRepository;
  }

  async declaredIn(org: string): Promise<Set<string>> {
    const { rows } = await this.pool.query<{ slug: string }>(
      `SELECT DISTINCT lower(e.body->'metadata'->'annotations'->>'github.com/project-slug') AS slug
       FROM entities e JOIN locations l ON l.key = e.location_key
       WHERE NOT l.inferred AND lower(e.body->'metadata'->'annotations'->>'github.com/project-slug') LIKE lower($1::text) || '/%'`,
      [org.replace(/[\\%_]/g, (c) => `\\${c}`)],
    );
    return new Set(rows.map((row) => row.slug));
  }
}

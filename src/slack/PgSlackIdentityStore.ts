import type pg from 'pg';

export interface CachedIdentity {
  email: string;
  slackUserId: string | null;
  deleted: boolean;
}

/** The cache of Slack identities looked up by email. */
export interface SlackIdentityStore {
  /** Unexpired entries for the given (lower-cased) emails, with when each expires. */
  fresh(emails: string[], now: Date): Promise<Map<string, CachedIdentity & { expiresAt: Date }>>;
  save(identities: Array<CachedIdentity & { displayName: string | null; expiresAt: Date }>): Promise<void>;
  /** The email cached for a Slack user, if any lookup has seen them. */
  emailOf(slackUserId: string): Promise<string | undefined>;
  /** When the latest complete listing of the workspace's people finished, if one ever did. */
  lastListingFinishedAt(): Promise<Date | null>;
  recordListing(listing: DirectoryListing): Promise<void>;
}

/** A complete pass over the workspace's people (users.list). */
export interface DirectoryListing {
  startedAt: Date;
  finishedAt: Date;
  /** Slack accounts with an email, deactivated ones included. */
  accounts: number;
  /** Catalog users' emails Slack has nobody for. */
  absent: number;
}

export class PgSlackIdentityStore implements SlackIdentityStore {
  private constructor(private readonly pool: pg.Pool) {}

  static create(options: { pool: pg.Pool }): PgSlackIdentityStore {
    return new PgSlackIdentityStore(options.pool);
  }

  async fresh(emails: string[], now: Date): Promise<Map<string, CachedIdentity & { expiresAt: Date }>> {
    if (emails.length === 0) return new Map();
    const { rows } = await this.pool.query<{ email: string; slack_user_id: string | null; deleted: boolean; expires_at: Date }>(
      'SELECT email, slack_user_id, deleted, expires_at FROM slack_identities WHERE email = ANY($1::text[]) AND expires_at > $2::timestamptz',
      [emails, now],
    );
    return new Map(rows.map((row) => [row.email, { email: row.email, slackUserId: row.slack_user_id, deleted: row.deleted, expiresAt: row.expires_at }]));
  }

  async save(identities: Array<CachedIdentity & { displayName: string | null; expiresAt: Date }>): Promise<void> {
    if (identities.length === 0) return;
    await this.pool.query(
      `INSERT INTO slack_identities (email, slack_user_id, display_name, deleted, fetched_at, expires_at)
       SELECT email, slack_user_id, display_name, deleted, now(), expires_at
       FROM unnest($1::text[], $2::text[], $3::text[], $4::bool[], $5::timestamptz[]) AS i(email, slack_user_id, display_name, deleted, expires_at)
       ON CONFLICT (email) DO UPDATE SET slack_user_id = excluded.slack_user_id, display_name = excluded.display_name,
         deleted = excluded.deleted, fetched_at = now(), expires_at = excluded.expires_at`,
      [identities.map((i) => i.email), identities.map((i) => i.slackUserId), identities.map((i) => i.displayName), identities.map((i) => i.deleted), identities.map((i) => i.expiresAt)],
    );
  }

  async emailOf(slackUserId: string): Promise<string | undefined> {
    const { rows } = await this.pool.query<{ email: string }>('SELECT email FROM slack_identities WHERE slack_user_id = $1::text ORDER BY fetched_at DESC LIMIT 1', [slackUserId]);
    return rows[0]?.email;
  }

  async lastListingFinishedAt(): Promise<Date | null> {
    const { rows } = await this.pool.query<{ finished_at: Date | null }>('SELECT max(finished_at) AS finished_at FROM slack_directory_listings');
    return rows[0]?.finished_at ?? null;
  }

  async recordListing(listing: DirectoryListing): Promise<void> {
    await this.pool.query(
      'INSERT INTO slack_directory_listings (started_at, finished_at, accounts, absent) VALUES ($1::timestamptz, $2::timestamptz, $3::int, $4::int)',
      [listing.startedAt, listing.finishedAt, listing.accounts, listing.absent],
    );
  }
}

import type pg from 'pg';
import { batchPerTurn } from '../db/batch';

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

type StoredIdentity = CachedIdentity & { expiresAt: Date };

// Emails read in one statement at most: a team's first cards, fifty at a time, ask for a few each.
const MAX_BATCH = 500;

export class PgSlackIdentityStore implements SlackIdentityStore {
  // The emails asked for in one turn of the event loop, read together (see batchPerTurn).
  private readonly identityOf = batchPerTurn((emails: string[]) => this.readMany(emails), { maxBatch: MAX_BATCH });

  private constructor(private readonly pool: pg.Pool) {}

  static create(options: { pool: pg.Pool }): PgSlackIdentityStore {
    return new PgSlackIdentityStore(options.pool);
  }

  async fresh(emails: string[], now: Date): Promise<Map<string, StoredIdentity>> {
    const found = await Promise.all(emails.map((email) => this.identityOf(email)));
    return new Map(found.filter((identity): identity is StoredIdentity => identity !== null && identity.expiresAt > now).map((identity) => [identity.email, identity]));
  }

  /** Each email's cached identity, expired or not (each caller judges by its own clock), or null. */
  private async readMany(emails: string[]): Promise<Array<StoredIdentity | null>> {
    const { rows } = await this.pool.query<{ email: string; slack_user_id: string | null; deleted: boolean; expires_at: Date }>({
      name: 'slackIdentities.readMany',
      text: 'SELECT email, slack_user_id, deleted, expires_at FROM slack_identities WHERE email IN (SELECT json_array_elements_text($1::json))',
      values: [JSON.stringify(emails)],
    });
    const byEmail = new Map(rows.map((row) => [row.email, { email: row.email, slackUserId: row.slack_user_id, deleted: row.deleted, expiresAt: row.expires_at }]));
    return emails.map((email) => byEmail.get(email) ?? null);
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

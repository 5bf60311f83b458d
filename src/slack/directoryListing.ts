import type { WebClient } from '@slack/web-api';
import type { Logger } from '../logger';
import type { ScheduledJob } from '../scheduler/ports';
import type { CachedIdentity, DirectoryListing, SlackIdentityStore } from './PgSlackIdentityStore';

const HOUR = 60 * 60 * 1000;

export interface DirectoryListingPorts {
  client: Pick<WebClient, 'users'>;
  store: Pick<SlackIdentityStore, 'save' | 'recordListing' | 'lastListingFinishedAt'>;
  /** Every email the catalog's users give, lower-cased: those Slack has nobody for are recorded too. */
  catalogEmails(): Promise<string[]>;
  now?: () => Date;
  /** How long a listed account is trusted; the hourly listing renews it long before. */
  foundTtlMs?: number;
  /** How long "Slack has nobody with this email" is trusted: past the next listing, short of a day. */
  absentTtlMs?: number;
  /** Accounts per users.list page; Slack recommends at most 200. */
  pageSize?: number;
  onApiCall?: (method: string, ok: boolean) => void;
  /** Stops a listing between pages (serve shutting down); what was read stays saved. */
  signal?: AbortSignal;
}

type Identity = CachedIdentity & { displayName: string | null; expiresAt: Date };

interface SlackMember {
  id?: string;
  deleted?: boolean;
  is_bot?: boolean;
  real_name?: string;
  profile?: { email?: string; real_name?: string };
}

/**
 * Lists the workspace's people (users.list, a page at a time) into the identity cache, so that a
 * team's first card finds its members' Slack accounts there instead of asking users.lookupByEmail
 * once per person while the user waits. Each page is saved as it arrives, so a listing cut short
 * keeps what it read. When the last page is in, the catalog's users Slack has nobody for are
 * recorded as such, and the listing itself, so a starting replica knows whether to list again.
 */
export async function listSlackDirectory(ports: DirectoryListingPorts): Promise<DirectoryListing> {
  const now = ports.now ?? (() => new Date());
  const foundTtl = ports.foundTtlMs ?? 24 * HOUR;
  const absentTtl = ports.absentTtlMs ?? 3 * HOUR;
  const startedAt = now();
  // email → whether an active account has it: a deactivated account never hides an active one.
  const listed = new Map<string, boolean>();
  let cursor: string | undefined;
  do {
    ports.signal?.throwIfAborted();
    const page = await ports.client.users.list({ limit: ports.pageSize ?? 200, ...(cursor && { cursor }) }).then(
      (answer) => {
        ports.onApiCall?.('users.list', true);
        return answer;
      },
      (error: unknown) => {
        ports.onApiCall?.('users.list', false);
        throw listingError(error);
      },
    );
    const identities: Identity[] = [];
    for (const member of (page.members ?? []) as SlackMember[]) {
      const email = member.profile?.email?.trim().toLowerCase();
      if (!email || !member.id || member.is_bot) continue;
      const active = !member.deleted;
      if (listed.get(email) === true && !active) continue;
      listed.set(email, active);
      identities.push({ email, slackUserId: member.id, deleted: !active, displayName: member.real_name ?? member.profile?.real_name ?? null, expiresAt: new Date(now().getTime() + foundTtl) });
    }
    await ports.store.save(identities);
    cursor = page.response_metadata?.next_cursor || undefined;
  } while (cursor);

  const catalogEmails = await ports.catalogEmails();
  const absent = catalogEmails.filter((email) => !listed.has(email));
  await ports.store.save(absent.map((email) => ({ email, slackUserId: null, deleted: false, displayName: null, expiresAt: new Date(now().getTime() + absentTtl) })));
  const listing = { startedAt, finishedAt: now(), accounts: listed.size, absent: absent.length };
  await ports.store.recordListing(listing);
  return listing;
}

/** The hourly listing, run by one replica per slot. */
export function directoryListingJob(ports: ReportingPorts): ScheduledJob {
  return {
    name: 'slack-directory',
    cron: '41 * * * *',
    run: async () => {
      try {
        await listAndReport(ports);
      } catch (error) {
        // Stopped by shutdown: what was read is saved, and the next slot lists again.
        if (ports.signal?.aborted) return;
        throw error;
      }
    },
  };
}

/** How recent a listing must be for a starting replica to skip its own. */
const FRESH_LISTING_MS = HOUR;

/**
 * A listing when serve starts and none finished in the last hour (a first installation, or a long
 * outage), so the first cards after an install show mentions at once. Replicas starting together
 * may each list; a failure is only logged, and cards fall back to users.lookupByEmail meanwhile.
 * Answers whether this replica listed.
 */
export async function listDirectoryOnStart(ports: ReportingPorts): Promise<boolean> {
  const now = ports.now ?? (() => new Date());
  try {
    const last = await ports.store.lastListingFinishedAt();
    if (last && now().getTime() - last.getTime() < FRESH_LISTING_MS) return false;
    await listAndReport(ports);
    return true;
  } catch (error) {
    if (ports.signal?.aborted) return false;
    ports.logger.error('listing Slack’s people at start failed; cards look people up one by one until the hourly listing succeeds', { error });
    return false;
  }
}

type ReportingPorts = DirectoryListingPorts & { logger: Logger };

async function listAndReport(ports: ReportingPorts): Promise<void> {
  const listing = await listSlackDirectory(ports);
  ports.logger.info(describeListing(listing));
}

function describeListing(listing: DirectoryListing): string {
  const seconds = ((listing.finishedAt.getTime() - listing.startedAt.getTime()) / 1000).toFixed(1);
  return `slack directory: listed ${listing.accounts} account(s) in ${seconds} s; ${listing.absent} catalog user(s) have no Slack account`;
}

/** Slack's refusal, with what the operator can do about it. */
function listingError(error: unknown): Error {
  const code = (error as { data?: { error?: string } }).data?.error;
  if (code === 'missing_scope') {
    return new Error('Slack refused users.list (missing_scope): the app needs the users:read and users:read.email bot scopes. Add them (manifest.yml has them) and reinstall the app.', { cause: error });
  }
  return new Error(`users.list failed${code ? ` (${code})` : ''}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
}

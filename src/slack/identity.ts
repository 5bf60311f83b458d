import type { WebClient } from '@slack/web-api';
import type { SlackAccount, SlackDirectory } from '../directory';
import type { CachedIdentity, SlackIdentityStore } from './PgSlackIdentityStore';

export interface DirectoryOptions {
  client: Pick<WebClient, 'users'>;
  store: Pick<SlackIdentityStore, 'fresh' | 'save' | 'emailOf'>;
  now?: () => Date;
  /** How long a found user is trusted before asking Slack again. */
  foundTtlMs?: number;
  /** How long "nobody with that email" is trusted: shorter, since people join. */
  missingTtlMs?: number;
  /** Emails looked up at once, to stay inside users.lookupByEmail's Tier 3 limit. */
  concurrency?: number;
  /** How long this process trusts an answer it has already read, before reading the shared cache again. */
  memoryTtlMs?: number;
  /** How many answers this process keeps in memory. */
  memoryEntries?: number;
  onApiCall?: (method: string, ok: boolean) => void;
}

const HOUR = 60 * 60 * 1000;

/** A cached identity as cards show it: a deactivated account is someone who left. */
function accountOf(identity: CachedIdentity): SlackAccount {
  return { slackUserId: identity.deleted ? null : identity.slackUserId, deactivated: identity.deleted };
}

interface Remembered {
  account: SlackAccount;
  until: number;
}

export interface CachingSlackDirectory extends SlackDirectory {
  /**
   * Replaces what this process remembers with the shared cache's answers for `emails` (as many as
   * it keeps), so the first cards of a team ask PostgreSQL nothing about its people: after a
   * listing of everyone (directoryListing.ts), and at start. Answers how many it found.
   */
  recall(emails: string[]): Promise<number>;
}

/** Looks people up through users.lookupByEmail, with the answers cached in PostgreSQL. */
export function createSlackDirectory(options: DirectoryOptions): CachingSlackDirectory {
  const now = options.now ?? (() => new Date());
  const foundTtl = options.foundTtlMs ?? 24 * HOUR;
  const missingTtl = options.missingTtlMs ?? HOUR;
  const concurrency = options.concurrency ?? 4;
  const memoryTtl = options.memoryTtlMs ?? 10 * 60 * 1000;
  const memoryEntries = options.memoryEntries ?? 20_000;
  // Every card asks about the same few hundred people again and again. Answers read from the
  // shared cache are kept here for a while (never past their own expiry), so a busy card costs no
  // identity query; other replicas' refreshes are seen within memoryTtl.
  const memory = new Map<string, Remembered>();
  const remember = (email: string, account: SlackAccount, expiresAt: number) => {
    memory.delete(email);
    if (memory.size >= memoryEntries) memory.delete(memory.keys().next().value!);
    memory.set(email, { account, until: Math.min(expiresAt, now().getTime() + memoryTtl) });
  };

  return {
    async recall(emails) {
      const wanted = [...new Set(emails.map((email) => email.trim().toLowerCase()).filter(Boolean))].slice(0, memoryEntries);
      const cached = await options.store.fresh(wanted, now());
      memory.clear();
      for (const [email, identity] of cached) remember(email, accountOf(identity), identity.expiresAt.getTime());
      return cached.size;
    },

    async accountsByEmail(emails) {
      const wanted = [...new Set(emails.map((email) => email.trim().toLowerCase()).filter(Boolean))];
      const result = new Map<string, SlackAccount>();
      const at = now().getTime();
      const unknown: string[] = [];
      for (const email of wanted) {
        const known = memory.get(email);
        if (known && known.until > at) result.set(email, known.account);
        else unknown.push(email);
      }
      if (unknown.length === 0) return result;
      const cached = await options.store.fresh(unknown, now());
      for (const [email, identity] of cached) {
        const account = accountOf(identity);
        result.set(email, account);
        remember(email, account, identity.expiresAt.getTime());
      }
      const missing = unknown.filter((email) => !cached.has(email));
      const fetched: Parameters<SlackIdentityStore['save']>[0] = [];
      let next = 0;
      const worker = async () => {
        while (next < missing.length) {
          const email = missing[next++]!;
          try {
            const answer = await options.client.users.lookupByEmail({ email });
            options.onApiCall?.('users.lookupByEmail', true);
            const user = answer.user as { id?: string; deleted?: boolean; real_name?: string } | undefined;
            const id = user?.id ?? null;
            result.set(email, { slackUserId: user?.deleted ? null : id, deactivated: Boolean(user?.deleted) });
            fetched.push({ email, slackUserId: id, deleted: Boolean(user?.deleted), displayName: user?.real_name ?? null, expiresAt: new Date(now().getTime() + foundTtl) });
          } catch (error) {
            const code = (error as { data?: { error?: string } }).data?.error;
            if (code === 'users_not_found') {
              options.onApiCall?.('users.lookupByEmail', true);
              result.set(email, { slackUserId: null, deactivated: false });
              fetched.push({ email, slackUserId: null, deleted: false, displayName: null, expiresAt: new Date(now().getTime() + missingTtl) });
            } else {
              // Rate limited or Slack is down: show a plain name now and ask again next time.
              options.onApiCall?.('users.lookupByEmail', false);
              result.set(email, { slackUserId: null, deactivated: false });
            }
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, missing.length) }, worker));
      await options.store.save(fetched);
      for (const identity of fetched) remember(identity.email, result.get(identity.email)!, identity.expiresAt.getTime());
      return result;
    },

    async emailOfUser(slackUserId) {
      const known = await options.store.emailOf(slackUserId);
      if (known) return known;
      try {
        const answer = await options.client.users.info({ user: slackUserId });
        options.onApiCall?.('users.info', true);
        const email = (answer.user as { profile?: { email?: string } } | undefined)?.profile?.email;
        return email ? email.toLowerCase() : null;
      } catch {
        options.onApiCall?.('users.info', false);
        return null;
      }
    },
  };
}

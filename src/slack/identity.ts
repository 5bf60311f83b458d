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
  onApiCall?: (method: string, ok: boolean) => void;
}

const HOUR = 60 * 60 * 1000;

/** A cached identity as cards show it: a deactivated account is someone who left. */
function accountOf(identity: CachedIdentity): SlackAccount {
  return { slackUserId: identity.deleted ? null : identity.slackUserId, deactivated: identity.deleted };
}

/**
 * Looks people up through users.lookupByEmail, with the answers cached in PostgreSQL, shared by
 * every replica and filled ahead of cards by the hourly listing (directoryListing.ts). The cards
 * in flight at one moment read it in one statement (PgSlackIdentityStore).
 */
export function createSlackDirectory(options: DirectoryOptions): SlackDirectory {
  const now = options.now ?? (() => new Date());
  const foundTtl = options.foundTtlMs ?? 24 * HOUR;
  const missingTtl = options.missingTtlMs ?? HOUR;
  const concurrency = options.concurrency ?? 4;

  return {
    async accountsByEmail(emails) {
      const wanted = [...new Set(emails.map((email) => email.trim().toLowerCase()).filter(Boolean))];
      const result = new Map<string, SlackAccount>();
      if (wanted.length === 0) return result;
      const cached = await options.store.fresh(wanted, now());
      for (const [email, identity] of cached) result.set(email, accountOf(identity));
      const missing = wanted.filter((email) => !cached.has(email));
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

import type { WebClient } from '@slack/web-api';
import { isValidTimeZone } from '../catalog/model';

/** The IANA time zone a Slack user set in their profile, or null when Slack cannot say. */
export type ViewerTimeZone = (slackUserId: string) => Promise<string | null>;

const HOUR = 60 * 60 * 1000;

/**
 * Time zones from `users.info`, remembered for an hour per user: people rarely move, and /oncall
 * should not spend a Web API call on every answer.
 */
export function createSlackTimeZones(options: { client: Pick<WebClient, 'users'>; now?: () => number; ttlMs?: number; onApiCall?: (method: string, ok: boolean) => void }): ViewerTimeZone {
  const now = options.now ?? Date.now;
  const ttl = options.ttlMs ?? HOUR;
  const known = new Map<string, { timeZone: string | null; expires: number }>();
  return async (slackUserId) => {
    const cached = known.get(slackUserId);
    if (cached && cached.expires > now()) return cached.timeZone;
    try {
      const answer = await options.client.users.info({ user: slackUserId });
      options.onApiCall?.('users.info', true);
      const tz = (answer.user as { tz?: unknown } | undefined)?.tz;
      const timeZone = typeof tz === 'string' && isValidTimeZone(tz) ? tz : null;
      if (known.size > 10_000) known.clear();
      known.set(slackUserId, { timeZone, expires: now() + ttl });
      return timeZone;
    } catch {
      // Unknown user or Slack unavailable: the answer shows times in UTC and says so.
      options.onApiCall?.('users.info', false);
      return null;
    }
  };
}

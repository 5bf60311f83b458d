import { WebClient, type Logger as SlackLogger, LogLevel } from '@slack/web-api';
import type { ClaimedMessage } from '../scheduler/ports';

/** The metadata every outbox message carries, so a restarted sender can find what it already posted. */
export const OUTBOX_EVENT_TYPE = 'backline_outbox';

export type PostOutcome =
  | { kind: 'sent'; channelId: string; ts: string }
  /** HTTP 429 (`scope: 'channel'`), or `ratelimited` for the whole method (`scope: 'method'`). */
  | { kind: 'rate-limited'; retryAfterMs: number; scope: 'channel' | 'method' }
  /** Worth trying again; `uncertain`: Slack may have posted it (timeout, network, 5xx). */
  | { kind: 'transient'; error: string; uncertain: boolean }
  /** Every message would fail until an operator acts (token, scopes): keep the message, pause. */
  | { kind: 'blocked'; error: string }
  /** This message can never be posted as it is; `error` says the fix. */
  | { kind: 'permanent'; error: string };

export type LookupOutcome =
  | { kind: 'found'; channelId: string; ts: string }
  | { kind: 'absent' }
  /** The history could not be read for a reason that posting will not fix either way (not a member). */
  | { kind: 'unchecked'; error: string }
  | { kind: 'rate-limited'; retryAfterMs: number }
  | { kind: 'blocked'; error: string }
  | { kind: 'transient'; error: string };

/** What the sender needs from Slack: post a message, and look for one it may already have posted. */
export interface DeliveryClient {
  post(message: ClaimedMessage): Promise<PostOutcome>;
  /** Looks for the message's metadata key in its channel's history since `oldest`. */
  findPosted(message: ClaimedMessage, oldest: Date): Promise<LookupOutcome>;
}

/** Slack's answers that no retry fixes, and what the operator should do about each. */
const PERMANENT: Record<string, (channel: string) => string> = {
  channel_not_found: (c) => `Slack has no channel ${c} that @backline can see: check the team's slack.com/channel annotation (a channel id such as C04PAYMENTS1, or its name), and invite @backline if the channel is private`,
  not_in_channel: (c) => `@backline is not in ${c}: invite it there (type /invite @backline in the channel)`,
  is_archived: (c) => `${c} is archived: unarchive it, or point the team's slack.com/channel annotation at its current channel`,
  channel_is_archived: (c) => `${c} is archived: unarchive it, or point the team's slack.com/channel annotation at its current channel`,
  restricted_action: (c) => `a workspace setting stops @backline posting in ${c}: ask a Slack admin to allow apps to post there`,
  restricted_action_read_only_channel: (c) => `${c} is read-only: ask a channel manager to let @backline post, or use another channel`,
  restricted_action_thread_only_channel: (c) => `${c} only allows replies in threads: use another channel for digests`,
  restricted_action_non_threadable_channel: (c) => `${c} refuses this kind of post: use another channel for digests`,
  team_access_not_granted: (c) => `@backline has no access to the workspace of ${c}: install the app there`,
  invalid_blocks: () => `Slack refused the message's blocks: this is a bug in the message's renderer, please report it with this log line`,
  invalid_blocks_format: () => `Slack refused the message's blocks: this is a bug in the message's renderer, please report it with this log line`,
  msg_too_long: () => `the message is longer than Slack accepts: this is a bug in the message's renderer, please report it with this log line`,
  msg_blocks_too_long: () => `the message's blocks are longer than Slack accepts: this is a bug in the message's renderer, please report it with this log line`,
  no_text: () => `the message has neither text nor blocks: this is a bug in the message's renderer, please report it`,
  invalid_metadata_format: () => `Slack refused the message metadata: please report this log line`,
  invalid_metadata_schema: () => `Slack refused the message metadata: please report this log line`,
  metadata_too_large: () => `Slack refused the message metadata as too large: please report this log line`,
  invalid_arguments: () => `Slack refused the call's arguments: please report this log line`,
};

const REINSTALL = 'https://api.slack.com/apps → your app → OAuth & Permissions → Reinstall to Workspace';
/** Answers that mean no message can go out until someone fixes the installation. */
const BLOCKED: Record<string, string> = {
  invalid_auth: `Slack rejected SLACK_BOT_TOKEN (invalid_auth): copy the Bot User OAuth Token again from ${REINSTALL.split(' → Reinstall')[0]}`,
  not_authed: 'Slack got no token: set SLACK_BOT_TOKEN',
  token_revoked: `SLACK_BOT_TOKEN was revoked: reinstall the app (${REINSTALL}) and set the new token`,
  token_expired: `SLACK_BOT_TOKEN expired: reinstall the app (${REINSTALL}) and set the new token`,
  account_inactive: `the bot's account is deactivated: reinstall the app (${REINSTALL}) and set the new token`,
  ekm_access_denied: 'the workspace admins suspended posting (EKM): ask them to restore access',
  missing_scope: `the app lacks a scope Backline needs (chat:write, channels:read, groups:read, channels:history, groups:history): update the app from manifest.yml and reinstall it (${REINSTALL})`,
};

/**
 * Slack over the Web API for the outbox sender. It uses a client of its own, made from Bolt's
 * client's token and URL, with WebClient's retries off and rate-limited calls rejected: a
 * WebClient that re-sends on its own could post a message twice, and one that sleeps through a
 * 429 would hold the message's claim instead of letting other channels go ahead.
 */
export function createDeliveryClient(options: {
  client: Pick<WebClient, 'token' | 'slackApiUrl'>;
  /** A post unanswered after this is abandoned and treated as uncertain. Default 10 s. */
  timeoutMs?: number;
  maxRequestConcurrency?: number;
  /** How long a channel-name → id listing is trusted. Default 5 minutes. */
  channelCacheMs?: number;
}): DeliveryClient {
  const web = new WebClient(options.client.token, {
    slackApiUrl: options.client.slackApiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: options.timeoutMs ?? 10_000,
    maxRequestConcurrency: options.maxRequestConcurrency ?? 100,
    // The sender logs every outcome with its message; WebClient's own warnings would repeat them.
    logger: quietLogger,
  });
  const names = channelNames(web, options.channelCacheMs ?? 300_000);

  return {
    async post(message) {
      const where = describeChannel(message.channel);
      try {
        const answer = await web.chat.postMessage({
          channel: message.channelId ?? (isChannelId(message.channel) ? message.channel : `#${message.channel}`),
          text: message.text,
          blocks: message.blocks,
          metadata: { event_type: OUTBOX_EVENT_TYPE, event_payload: { key: message.idempotencyKey } },
          unfurl_links: false,
        });
        return { kind: 'sent', channelId: answer.channel ?? message.channelId ?? message.channel, ts: answer.ts ?? '' };
      } catch (error) {
        const failure = classify(error);
        if (failure.kind === 'rate-limited') return { kind: 'rate-limited', retryAfterMs: failure.retryAfterMs, scope: 'channel' };
        if (failure.kind !== 'platform') return failure;
        const { code, detail } = failure;
        if (code === 'ratelimited' || code === 'rate_limited') return { kind: 'rate-limited', retryAfterMs: 1_000, scope: 'method' };
        if (BLOCKED[code]) return { kind: 'blocked', error: `${BLOCKED[code]} (Slack: ${code}${detail})` };
        const fix = PERMANENT[code];
        if (fix) return { kind: 'permanent', error: `Slack refused the message for ${where} (${code}${detail}): ${fix(where)}` };
        return { kind: 'transient', error: `Slack answered ${code}${detail} for ${where}`, uncertain: false };
      }
    },

    async findPosted(message, oldest) {
      const where = describeChannel(message.channel);
      try {
        const channel = message.channelId ?? (isChannelId(message.channel) ? message.channel : await names.idOf(message.channel));
        // A name no listing knows is a channel the bot cannot see, so an earlier post cannot be there.
        if (!channel) return { kind: 'absent' };
        let cursor: string | undefined;
        for (let page = 0; page < 50; page += 1) {
          const answer = await web.conversations.history({ channel, oldest: (oldest.getTime() / 1000).toFixed(6), include_all_metadata: true, limit: 200, ...(cursor && { cursor }) });
          const match = (answer.messages ?? []).find((m) => m.metadata?.event_type === OUTBOX_EVENT_TYPE && (m.metadata.event_payload as { key?: unknown } | undefined)?.key === message.idempotencyKey);
          if (match?.ts) return { kind: 'found', channelId: channel, ts: match.ts };
          cursor = answer.response_metadata?.next_cursor || undefined;
          if (!answer.has_more || !cursor) return { kind: 'absent' };
        }
        return { kind: 'unchecked', error: `${where} has more history since ${oldest.toISOString()} than Backline reads (50 pages)` };
      } catch (error) {
        const failure = classify(error);
        if (failure.kind === 'rate-limited') return failure;
        if (failure.kind !== 'platform') return { kind: 'transient', error: failure.error };
        const { code, detail } = failure;
        if (code === 'ratelimited' || code === 'rate_limited') return { kind: 'rate-limited', retryAfterMs: 1_000 };
        if (code === 'missing_scope') return { kind: 'blocked', error: `Backline cannot read ${where}'s history to check for a copy it may already have posted: ${BLOCKED.missing_scope} (Slack: ${code}${detail})` };
        if (BLOCKED[code]) return { kind: 'blocked', error: `${BLOCKED[code]} (Slack: ${code}${detail})` };
        if (code === 'not_in_channel' || code === 'channel_not_found') {
          return { kind: 'unchecked', error: `Backline could not read ${where}'s history (${code}) to check for a copy it may already have posted before a restart; invite @backline to ${where} so that a restart never repeats a message` };
        }
        return { kind: 'transient', error: `Slack answered ${code}${detail} to conversations.history for ${where}` };
      }
    },
  };
}

type Classified =
  | { kind: 'rate-limited'; retryAfterMs: number }
  | { kind: 'platform'; code: string; detail: string }
  | { kind: 'transient'; error: string; uncertain: boolean };

/** Sorts WebClient's errors (matched by their `code`, which survives duplicate copies of the package). */
function classify(error: unknown): Classified {
  const e = error as { code?: string; retryAfter?: number; data?: { error?: string; response_metadata?: { messages?: string[] } }; statusCode?: number; original?: Error; message?: string };
  switch (e.code) {
    case 'slack_webapi_rate_limited_error':
      return { kind: 'rate-limited', retryAfterMs: Math.max(1, e.retryAfter ?? 1) * 1000 };
    case 'slack_webapi_platform_error': {
      const messages = e.data?.response_metadata?.messages ?? [];
      return { kind: 'platform', code: e.data?.error ?? 'unknown_error', detail: messages.length ? `: ${messages.slice(0, 5).join('; ')}` : '' };
    }
    case 'slack_webapi_http_error': {
      const status = e.statusCode ?? 0;
      // A 5xx may come after Slack acted on the request; a 4xx other than 429 never does.
      return status >= 500
        ? { kind: 'transient', error: `Slack answered HTTP ${status}`, uncertain: true }
        : { kind: 'transient', error: `Slack answered HTTP ${status}: check SLACK_API_URL if it is set`, uncertain: false };
    }
    case 'slack_webapi_request_error':
      return { kind: 'transient', error: `could not reach Slack: ${e.original?.message ?? e.message ?? 'request failed'} (check the network, or SLACK_API_URL if it is set)`, uncertain: true };
    default:
      return { kind: 'transient', error: `calling Slack failed: ${e.message ?? String(error)}`, uncertain: true };
  }
}

/** Channel ids (C…, G…, D…) are upper-case; Slack channel names never are. */
function isChannelId(channel: string): boolean {
  return /^[CGD][A-Z0-9]+$/.test(channel);
}

function describeChannel(channel: string): string {
  return isChannelId(channel) ? `channel ${channel}` : `#${channel}`;
}

/** Channel name → id from conversations.list, listed at most once per `cacheMs` (the method is Tier 2). */
function channelNames(web: WebClient, cacheMs: number): { idOf(name: string): Promise<string | undefined> } {
  let listing: { at: number; ids: Promise<Map<string, string>> } | undefined;
  const list = async () => {
    const ids = new Map<string, string>();
    let cursor: string | undefined;
    do {
      const answer = await web.conversations.list({ types: 'public_channel,private_channel', exclude_archived: true, limit: 1000, ...(cursor && { cursor }) });
      for (const channel of answer.channels ?? []) if (channel.name && channel.id) ids.set(channel.name, channel.id);
      cursor = answer.response_metadata?.next_cursor || undefined;
    } while (cursor);
    return ids;
  };
  return {
    async idOf(name) {
      if (!listing || Date.now() - listing.at > cacheMs) {
        const current = { at: Date.now(), ids: list() };
        listing = current;
        // A failed listing is not cached: the next lookup asks again.
        current.ids.catch(() => {
          if (listing === current) listing = undefined;
        });
      }
      const ids = await listing.ids;
      return ids.get(name) ?? ids.get(name.toLowerCase());
    },
  };
}

/** The Web API client's own logging, silenced: failures reach Backline as errors it reports itself. */
export const quietLogger: SlackLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  setLevel: () => undefined,
  getLevel: () => LogLevel.ERROR,
  setName: () => undefined,
};

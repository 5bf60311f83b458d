import { WebClient } from '@slack/web-api';
import type { SlackAnswer, SlackChannelState, SlackProbe } from '../doctor/ports';
import { quietLogger } from './deliveryClient';

/** 50 pages of 1,000: larger workspaces name their channels by id in the catalog. */
const MAX_CHANNEL_PAGES = 50;

/**
 * The Slack port of `backline doctor` over the Web API: no retries (a doctor reports what Slack
 * answers now), rate-limited calls answered rather than waited for, and each call bounded.
 */
export function createSlackProbe(options: { botToken: string | undefined; appToken: string | undefined; apiUrl: string | undefined; timeoutMs: number }): SlackProbe {
  const clientOptions = { ...(options.apiUrl && { slackApiUrl: options.apiUrl }), retryConfig: { retries: 0 }, rejectRateLimitedCalls: true, timeout: options.timeoutMs, logger: quietLogger };
  const bot = new WebClient(options.botToken, clientOptions);

  return {
    identify: () =>
      answerOf(async () => {
        const answer = await bot.auth.test();
        return {
          team: answer.team ?? '',
          teamId: answer.team_id ?? '',
          user: answer.user ?? '',
          userId: answer.user_id ?? '',
          // WebClient reads Slack's x-oauth-scopes header into response_metadata.scopes.
          scopes: answer.response_metadata?.scopes ?? null,
        };
      }),
    openSocketConnection: () =>
      answerOf(async () => {
        // The answer holds a single-use wss:// URL; asking for it proves the token, and nothing connects.
        await new WebClient(options.appToken, clientOptions).apps.connections.open();
        return null;
      }),
    channel: (id) =>
      answerOf(async () => {
        const answer = await bot.conversations.info({ channel: id });
        return stateOf(answer.channel ?? {}, id);
      }),
    channels: () =>
      answerOf(async () => {
        const channels: SlackChannelState[] = [];
        let cursor: string | undefined;
        for (let page = 0; page < MAX_CHANNEL_PAGES; page++) {
          const answer = await bot.conversations.list({ types: 'public_channel,private_channel', exclude_archived: false, limit: 1000, ...(cursor && { cursor }) });
          channels.push(...(answer.channels ?? []).map((channel) => stateOf(channel, channel.id ?? '')));
          cursor = answer.response_metadata?.next_cursor || undefined;
          if (!cursor) break;
        }
        return channels;
      }),
  };
}

function stateOf(channel: { id?: string; name?: string; is_member?: boolean; is_archived?: boolean; is_private?: boolean }, id: string): SlackChannelState {
  return { id: channel.id ?? id, name: channel.name ?? '', isMember: channel.is_member === true, isArchived: channel.is_archived === true, isPrivate: channel.is_private === true };
}

/** WebClient's errors as answers, matched by their `code` (which survives duplicate copies of the package). */
async function answerOf<T>(call: () => Promise<T>): Promise<SlackAnswer<T>> {
  try {
    return { ok: true, value: await call() };
  } catch (error) {
    const e = error as { code?: string; data?: { error?: string; needed?: string }; statusCode?: number; retryAfter?: number; original?: Error; message?: string };
    switch (e.code) {
      case 'slack_webapi_platform_error':
        return { ok: false, error: e.data?.error ?? 'unknown_error', ...(e.data?.needed && { needed: e.data.needed }) };
      case 'slack_webapi_rate_limited_error':
        return { ok: false, error: 'ratelimited', detail: `retry after ${e.retryAfter ?? '?'} s` };
      case 'slack_webapi_http_error':
        return { ok: false, error: `http_${e.statusCode ?? 0}` };
      default:
        return { ok: false, error: 'unreachable', detail: e.original?.message ?? e.message ?? String(error) };
    }
  }
}

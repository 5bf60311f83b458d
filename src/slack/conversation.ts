import type { App } from '@slack/bolt';
import type { CommandSet } from '../../commands';
import type { CommandContext, CommandReply } from '../../commands/types';
import type { Logger } from '../logger';
import type { BacklineMetrics } from '../metrics';
import { failureReply } from './replies';

/** What the conversation listeners use of the listeners' dependencies. */
export interface ConversationDependencies {
  commands: CommandSet;
  logger: Logger;
  metrics: BacklineMetrics;
  /** Registers work that continues after the ack, so shutdown can wait for it. */
  /** Keeps work under way known, named, so that stopping waits for it (and says what it cut). */
  track: (work: Promise<unknown>, what: string) => void;
}

/** The part of an app_mention or message event a reply needs. */
interface MessageEvent {
  channel?: string;
  user?: string;
  text?: string;
  ts?: string;
  thread_ts?: string;
  bot_id?: string;
  subtype?: string;
  channel_type?: string;
  team?: string;
}

interface LinkSharedEvent {
  channel: string;
  user?: string;
  message_ts: string;
  unfurl_id?: string;
  source?: string;
  links?: Array<{ domain?: string; url?: string }>;
}

/**
 * Backline in conversation: `@backline …` in a channel and direct messages are answered in the
 * thread by the command the words ask for, and pasted repository, TechDocs and catalog links unfurl
 * into an ownership card. Bots are never answered, Backline least of all. (A delivery Slack
 * retries is dropped before this, by the receipt check every event passes.)
 */
export function registerConversation(app: App, deps: ConversationDependencies): void {
  const { commands, metrics } = deps;

  const answer = async (event: MessageEvent, client: App['client'], via: 'mention' | 'dm', botUserId: string | undefined) => {
    const started = performance.now();
    const asked: CommandContext = { userId: event.user ?? null, channelId: event.channel ?? null, channelName: null };
    const logger = deps.logger.child({ command: via, userId: event.user, channelId: event.channel });
    let outcome = 'ok';
    let reply: CommandReply;
    try {
      reply = await commands.converse!(event.text ?? '', asked, { botUserId });
    } catch (error) {
      outcome = 'error';
      reply = failureReply(error, { what: 'that question', logger, fields: { text: event.text } });
    }
    try {
      await client.chat.postMessage({ channel: event.channel!, thread_ts: event.thread_ts ?? event.ts, text: reply.text, blocks: reply.blocks });
      metrics.slackCalls.inc({ method: 'chat.postMessage', outcome: 'ok' });
    } catch (error) {
      outcome = 'error';
      metrics.slackCalls.inc({ method: 'chat.postMessage', outcome: 'error' });
      logger.error('could not answer in the thread', { error });
    } finally {
      metrics.requests.inc({ command: via, outcome });
      metrics.latency.observe({ command: via }, (performance.now() - started) / 1000);
    }
  };

  const fromABot = (event: MessageEvent, botUserId: string | undefined) => Boolean(event.bot_id) || event.subtype === 'bot_message' || (botUserId !== undefined && event.user === botUserId);

  app.event('app_mention', async ({ event, client, context }) => {
    const message = event as MessageEvent;
    if (!commands.converse || fromABot(message, context.botUserId) || !message.channel || !message.user) return;
    // In a direct message the message event answers; a mention there must not answer twice.
    if (message.channel.startsWith('D')) return;
    const work = answer(message, client, 'mention', context.botUserId);
    deps.track(work, 'a mention');
    await work;
  });

  app.event('message', async ({ event, client, context }) => {
    const message = event as MessageEvent;
    // Edits, deletions, joins and bots' posts carry a subtype: only what a person wrote is answered.
    if (!commands.converse || message.channel_type !== 'im' || message.subtype !== undefined || fromABot(message, context.botUserId) || !message.channel || !message.user) return;
    const work = answer(message, client, 'dm', context.botUserId);
    deps.track(work, 'a direct message');
    await work;
  });

  app.event('link_shared', async ({ event, client, context }) => {
    const shared = event as unknown as LinkSharedEvent;
    if (!commands.unfurl || (context.botUserId && shared.user === context.botUserId)) return;
    const urls = (shared.links ?? []).map((link) => link.url).filter((url): url is string => typeof url === 'string');
    const logger = deps.logger.child({ command: 'unfurl', channelId: shared.channel });
    const work = (async () => {
      let outcome = 'ok';
      try {
        const cards = await commands.unfurl!(urls);
        // Links Backline does not know are left to Slack: no call at all when none is known.
        if (cards.size === 0) {
          outcome = 'ignored';
          return;
        }
        const unfurls = Object.fromEntries([...cards].map(([url, blocks]) => [url, { blocks }]));
        const target = shared.source === 'composer' && shared.unfurl_id ? { unfurl_id: shared.unfurl_id, source: 'composer' as const } : { channel: shared.channel, ts: shared.message_ts };
        await client.chat.unfurl({ ...target, unfurls } as Parameters<App['client']['chat']['unfurl']>[0]).then(
          () => metrics.slackCalls.inc({ method: 'chat.unfurl', outcome: 'ok' }),
          (error: unknown) => {
            metrics.slackCalls.inc({ method: 'chat.unfurl', outcome: 'error' });
            throw error;
          },
        );
      } catch (error) {
        outcome = 'error';
        logger.error('could not unfurl links', { error, urls });
      } finally {
        metrics.requests.inc({ command: 'unfurl', outcome });
      }
    })();
    deps.track(work, 'a link unfurl');
    await work;
  });
}

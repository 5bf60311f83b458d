import type { App, RespondFn, ViewResponseAction } from '@slack/bolt';
import type { CommandSet } from '../../commands';
import type { CommandContext, CommandReply } from '../../commands/types';
import type { Logger } from '../logger';
import type { BacklineMetrics } from '../metrics';
import type { EventReceiptStore } from './PgEventReceiptStore';
import type { SubmissionAnswer, ViewStateValues } from '../../commands/createService';
import { openModalThenLoad } from './modals';
import { buttonPressKey, claimChannelPost, type ButtonAction } from './buttonPosts';
import { answerWithin, failureReply } from './replies';
import { requestKey, type AnswerOnce } from './answerOnce';
import { registerConversation } from './conversation';

export interface ListenerDependencies {
  commands: CommandSet;
  logger: Logger;
  metrics: BacklineMetrics;
  receipts: EventReceiptStore;
  /** Which delivery of a request answers it, when Socket Mode delivers it more than once. */
  answers: AnswerOnce;
  /** How long an answer may take before the ack goes out empty and the answer follows. */
  ackBudgetMs: number;
  /** Registers work that continues after the handler returns, so shutdown can wait for it. */
  track: (work: Promise<unknown>, what: string) => void;
}

/**
 * Every Slack listener. Each only parses the request, acks, calls the command set, and delivers
 * the reply; failures go through failureReply, the one place that words them for users.
 */
export function registerListeners(app: App, deps: ListenerDependencies): void {
  const { commands, metrics } = deps;

  // Slack redelivers events it believes failed (X-Slack-Retry-Num, or retry_attempt in Socket
  // Mode); each is handled once.
  app.use(async ({ body, next, logger }) => {
    const eventId = (body as { event_id?: unknown }).event_id;
    if (typeof eventId === 'string' && !(await deps.receipts.firstDelivery(eventId))) {
      logger.debug(`ignoring a repeated delivery of ${eventId}`);
      return;
    }
    await next();
  });

  app.command(/^\/.+/, async ({ command, ack, respond, client, context: boltContext }) => {
    const started = performance.now();
    const context: CommandContext = { userId: command.user_id, channelId: command.channel_id, channelName: command.channel_name ?? null };
    const logger = deps.logger.child({ command: command.command, userId: command.user_id, teamId: command.team_id, channelId: command.channel_id });
    const turn = await deps.answers.claim(requestKey(command, boltContext));
    if (!turn.answers) {
      await ack().catch(() => undefined);
      return;
    }
    let outcome = 'ok';
    const counted = () => {
      metrics.requests.inc({ command: command.command, outcome });
      metrics.latency.observe({ command: command.command }, (performance.now() - started) / 1000);
    };
    try {
      const modal = commands.modal?.(command.command, command.text ?? '', context);
      if (modal) {
        // The modal opens through the Web API with the trigger_id, whether or not the ack went out.
        await ack().catch((error: unknown) => logger.warn('could not acknowledge the command; opening its modal anyway', { error }));
        turn.settle();
        await openModalThenLoad(client, command.trigger_id, modal, modal.load)
          .catch(async (error: unknown) => {
            outcome = 'error';
            await deliver(respond, failureReply(error, { what: command.command, logger, fields: { text: command.text } }), metrics);
          })
          .finally(counted);
        return;
      }
      await answerWithin(
        deps.ackBudgetMs,
        () => commands.run(command.command, command.text ?? '', context),
        {
          ack: async (reply) => {
            try {
              await ack(reply ? toResponse(reply) : undefined);
              if (reply) await turn.answeredInAck();
            } catch (error) {
              logger.info(`the ack could not go out (${(error as Error).message}); answering through response_url`);
              throw error;
            } finally {
              turn.settle();
            }
          },
          later: (reply) => deliver(respond, reply, metrics),
        },
        (error) => {
          outcome = 'error';
          return failureReply(error, { what: command.command, logger, fields: { text: command.text } });
        },
      ).finally(counted);
    } finally {
      turn.settle();
    }
  });

  app.action({ type: 'block_actions' }, async ({ ack, body, action, respond, client, context: boltContext }) => {
    const actionId = (action as { action_id?: string }).action_id ?? '';
    const value = (action as { value?: string }).value ?? '';
    const context: CommandContext = { userId: body.user.id, channelId: body.channel?.id ?? null, channelName: body.channel?.name ?? null };
    const logger = deps.logger.child({ action: actionId, userId: body.user.id, channelId: context.channelId });
    const turn = await deps.answers.claim(requestKey(body, boltContext));
    // A button is answered through response_url or the Web API, whether or not the ack went out.
    await ack().catch((error: unknown) => logger.warn('could not acknowledge the button press; answering it anyway', { error }));
    turn.settle();
    if (!turn.answers) return;
    const started = performance.now();
    let outcome = 'ok';
    const view = (body as { view?: ActionView }).view;
    if (view && commands.change) {
      // A field that decides a form's branch changed, or Back: the modal is redrawn in place. The
      // hash makes Slack refuse an update computed from a view another action has replaced meanwhile.
      try {
        const next = await commands.change({ callbackId: view.callback_id, privateMetadata: view.private_metadata ?? '', values: (view.state?.values ?? {}) as ViewStateValues, userId: body.user.id, actionId, blockId: (action as { block_id?: string }).block_id ?? '' });
        if (next) {
          await client.views.update({ view_id: view.id, hash: view.hash, view: next }).then(
            () => metrics.slackCalls.inc({ method: 'views.update', outcome: 'ok' }),
            (error: unknown) => {
              const code = (error as { data?: { error?: string } }).data?.error;
              metrics.slackCalls.inc({ method: 'views.update', outcome: code === 'hash_conflict' ? 'conflict' : 'error' });
              // A newer update won the race; this one is stale and dropping it is right.
              if (code !== 'hash_conflict') throw error;
            },
          );
          metrics.requests.inc({ command: `view-action:${view.callback_id}`, outcome });
          return;
        }
      } catch (error) {
        metrics.requests.inc({ command: `view-action:${view.callback_id}`, outcome: 'error' });
        logger.error('could not redraw the form', { error, callbackId: view.callback_id });
        return;
      }
    }
    const modal = commands.actionModal?.(actionId, value, context);
    if (modal) {
      await openModalThenLoad(client, body.trigger_id, modal, modal.load)
        .catch(async (error: unknown) => {
          outcome = 'error';
          const failed = { ...failureReply(error, { what: 'that button', logger, fields: { value } }), replaceOriginal: false };
          if (body.response_url) await deliver(respond, failed, metrics);
        })
        .finally(() => metrics.requests.inc({ command: `action:${actionId}`, outcome }));
      return;
    }
    let reply: CommandReply | undefined;
    let release: () => Promise<void> = async () => undefined;
    const thread = threadOf(body as ThreadedPress);
    try {
      reply = await commands.act(actionId, value, context);
      if (!reply) {
        // URL buttons and buttons of features not answering here arrive too; they need nothing.
        outcome = 'ignored';
        return;
      }
      // An ephemeral card has no thread: what would go there goes to the presser alone.
      if (reply.inThread && !thread) reply = { ...reply, inThread: false, visibility: 'ephemeral', replaceOriginal: false };
      // A double click or a replayed request must not post to the channel twice, on any replica.
      const press = { key: buttonPressKey(body, action as ButtonAction), userId: body.user.id };
      const claimed = await claimChannelPost(deps.receipts, press, reply);
      ({ reply, release } = claimed);
      if (claimed.repeated) outcome = 'repeated';
    } catch (error) {
      outcome = 'error';
      reply = { ...failureReply(error, { what: 'that button', logger, fields: { value } }), replaceOriginal: false };
    } finally {
      metrics.requests.inc({ command: `action:${actionId.split(':').slice(0, 2).join(':')}`, outcome });
      metrics.latency.observe({ command: `action:${actionId.split(':').slice(0, 2).join(':')}` }, (performance.now() - started) / 1000);
    }
    if (reply && (body.response_url || (reply.inThread && thread))) {
      const privately = { ...reply, inThread: false, visibility: 'ephemeral' as const, replaceOriginal: false };
      const delivered =
        reply.inThread && thread
          ? postInThread(client, thread, reply, metrics).catch(async (error: unknown) => {
              // Slack refuses a thread the bot cannot post in (a private channel it is not in): the presser still hears.
              if (!body.response_url) throw error;
              logger.warn('could not reply in the thread; answering the presser alone', { error });
              await deliver(respond, privately, metrics);
            })
          : deliver(respond, reply, metrics);
      await delivered.catch(async (error: unknown) => {
        await release().catch(() => undefined);
        throw error;
      });
    }
    if (reply?.followUp) deps.track(reply.followUp(), `button ${actionId.split(':').slice(0, 2).join(':')}: follow-up`);
  });

  // Modal submissions: inline errors, the next page, or close and start the work.
  app.view(/.*/, async ({ ack, body, view, context: boltContext }) => {
    const logger = deps.logger.child({ view: view.callback_id, userId: body.user.id });
    const turn = await deps.answers.claim(requestKey(body, boltContext));
    // A form's answer exists only as its ack: when that cannot go out, the next delivery of the
    // submission answers it, and nothing (such as starting a task) happens here.
    const answered = async (response?: ViewResponseAction): Promise<boolean> => {
      try {
        await ack(response);
        return true;
      } catch (error) {
        await turn.release();
        logger.warn('could not acknowledge the form; its next delivery answers it', { error });
        return false;
      } finally {
        turn.settle();
      }
    };
    if (!turn.answers) {
      await answered();
      return;
    }
    let answer: SubmissionAnswer | undefined;
    try {
      answer = await commands.submit?.({ callbackId: view.callback_id, privateMetadata: view.private_metadata, values: view.state.values as ViewStateValues, userId: body.user.id });
    } catch (error) {
      const reply = failureReply(error, { what: 'that form', logger, fields: { callbackId: view.callback_id } });
      await answered({ response_action: 'update', view: { type: 'modal', title: { type: 'plain_text', text: 'Backline' }, close: { type: 'plain_text', text: 'Close' }, blocks: reply.blocks } });
      return;
    }
    metrics.requests.inc({ command: `view:${view.callback_id}`, outcome: answer ? answer.action : 'ignored' });
    if (!answer) await answered();
    else if (answer.action === 'errors') await answered({ response_action: 'errors', errors: answer.errors });
    else if (answer.action === 'update') await answered({ response_action: 'update', view: answer.view });
    else if ((await answered({ response_action: 'clear' })) && answer.followUp) deps.track(answer.followUp(), `form ${view.callback_id}: follow-up`);
  });

  app.options({ type: 'block_suggestion' }, async ({ ack, body }) => {
    try {
      const options = (await commands.suggest(body.action_id, body.value ?? '')) ?? [];
      await ackOptions(ack, options.map((option) => ({ text: { type: 'plain_text', text: option.text }, value: option.value })));
    } catch (error) {
      deps.logger.error('entity suggestions failed', { error, actionId: body.action_id });
      await ackOptions(ack, []);
    }
  });

  app.event('app_home_opened', async ({ event, client, logger }) => {
    if (event.tab !== 'home') return;
    const view = await commands.home(event.user);
    await client.views.publish({ user_id: event.user, view: { type: 'home', blocks: view } }).then(
      () => metrics.slackCalls.inc({ method: 'views.publish', outcome: 'ok' }),
      (error: unknown) => {
        metrics.slackCalls.inc({ method: 'views.publish', outcome: 'error' });
        logger.error(`views.publish failed: ${(error as Error).message}`);
      },
    );
  });

  // @backline mentions, direct messages and pasted links.
  registerConversation(app, deps);

  // Bolt calls this with { error, body, context } because the app sets extendedErrorHandler, but
  // its overloads type the argument as the bare error.
  app.error((async ({ error, body }: { error: Error; body?: { type?: unknown } }) => {
    // Errors that escaped a listener (its own failure handling failed too): log with context.
    deps.logger.error('unhandled Slack listener error', { error, type: body?.type });
  }) as unknown as Parameters<App['error']>[0]);
}

/** The part of a block action's `view` a form redraw needs. */
interface ActionView {
  id: string;
  hash?: string;
  callback_id: string;
  private_metadata?: string;
  state?: { values?: unknown };
}

/** What a block_actions payload says about the message a button was on. */
interface ThreadedPress {
  container?: { type?: string; channel_id?: string; message_ts?: string; is_ephemeral?: boolean } | null;
  message?: { ts?: string; thread_ts?: string } | null;
}

/**
 * The thread of the channel message a button was on (the thread it is itself in, when it is a
 * reply), or undefined for an ephemeral message or a view, which have none.
 */
function threadOf(press: ThreadedPress): { channel: string; ts: string } | undefined {
  const container = press.container;
  if (!container || container.type !== 'message' || container.is_ephemeral || !container.channel_id || !container.message_ts) return undefined;
  return { channel: container.channel_id, ts: press.message?.thread_ts ?? container.message_ts };
}

async function postInThread(client: App['client'], thread: { channel: string; ts: string }, reply: CommandReply, metrics: BacklineMetrics): Promise<void> {
  try {
    await client.chat.postMessage({ channel: thread.channel, thread_ts: thread.ts, text: reply.text, blocks: reply.blocks });
    metrics.slackCalls.inc({ method: 'chat.postMessage', outcome: 'ok' });
  } catch (error) {
    metrics.slackCalls.inc({ method: 'chat.postMessage', outcome: 'error' });
    throw error;
  }
}

/** Bolt types options acks for legacy dialogs too; block suggestions answer with option objects. */
function ackOptions(ack: unknown, options: Array<{ text: { type: 'plain_text'; text: string }; value: string }>): Promise<void> {
  return (ack as (response: { options: typeof options }) => Promise<void>)({ options });
}

function toResponse(reply: CommandReply) {
  return { response_type: reply.visibility, text: reply.text, blocks: reply.blocks };
}

async function deliver(respond: RespondFn, reply: CommandReply, metrics: BacklineMetrics): Promise<void> {
  try {
    await respond({ ...toResponse(reply), replace_original: reply.replaceOriginal ?? false });
    metrics.slackCalls.inc({ method: 'response_url', outcome: 'ok' });
  } catch (error) {
    metrics.slackCalls.inc({ method: 'response_url', outcome: 'error' });
    throw error;
  }
}

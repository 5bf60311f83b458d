import type { CommandReply } from '../../commands/types';
import { asAppError, UserFacingError } from '../errors';
import type { Logger } from '../logger';
import { messageText, mrkdwn, section } from '../../commands/blockKit/mrkdwn';

/**
 * The one place failures become words for the person who asked. Logs the error with its context;
 * answers with what failed and what to do, never a stack trace.
 */
export function failureReply(error: unknown, context: { what: string; logger: Logger; fields?: Record<string, unknown> }): CommandReply {
  const appError = asAppError(error);
  if (appError instanceof UserFacingError) {
    context.logger.info('request refused', { ...context.fields, reason: appError.message });
    // A refusal's message may quote what was asked or what the catalog holds: it is text, never markup.
    return { text: messageText(mrkdwn`${appError.message}`), blocks: [section(mrkdwn`:information_source: ${appError.message}`)], visibility: 'ephemeral' };
  }
  const reference = Math.random().toString(36).slice(2, 8);
  context.logger.error(`${context.what} failed`, { ...context.fields, reference, error });
  const text =
    appError.code === 'DATABASE_UNAVAILABLE'
      ? mrkdwn`:warning: Sorry, ${context.what} failed: the catalog database is not answering. Try again in a minute; if it keeps failing, tell whoever runs Backline (operators: see /readyz; reference ${reference}).`
      : mrkdwn`:warning: Sorry, ${context.what} failed. Try again; if it keeps failing, tell whoever runs Backline (reference ${reference}).`;
  return { text: messageText(text), blocks: [section(text)], visibility: 'ephemeral' };
}

/**
 * Answers inside Slack's 3-second ack when the work is quick, and through response_url when it
 * is not: the ack never waits longer than `budgetMs`.
 */
export async function answerWithin(
  budgetMs: number,
  work: () => Promise<CommandReply>,
  deliver: { ack: (reply?: CommandReply) => Promise<void>; later: (reply: CommandReply) => Promise<void> },
  onFailure: (error: unknown) => CommandReply,
): Promise<void> {
  const settled = work().then(
    (reply) => reply,
    (error: unknown) => onFailure(error),
  );
  let timer: NodeJS.Timeout | undefined;
  const quick = await Promise.race([settled, new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), budgetMs)))]);
  clearTimeout(timer);
  if (quick) {
    try {
      await deliver.ack(quick);
      return;
    } catch {
      // The ack could not go out (Bolt gave up on the HTTP request after 3 s, or the Socket Mode
      // connection it came on closed): the answer still reaches the user through response_url.
      await deliver.later(quick);
      return;
    }
  }
  await deliver.ack().catch(() => undefined);
  await deliver.later(await settled);
}

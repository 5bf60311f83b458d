import type { View } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import type { z } from 'zod';
import { AppError, UserFacingError } from '../errors';
import { BLOCK_KIT_LIMITS } from './blockKitLimits';
import { mrkdwn, section } from './mrkdwn';

/**
 * State carried from one modal step to the next in `private_metadata`. Slack caps it at 3,000
 * characters; anything larger belongs in PostgreSQL with only its id carried here.
 */
export function encodePrivateMetadata(value: unknown): string {
  const text = JSON.stringify(value);
  if (text.length > BLOCK_KIT_LIMITS.privateMetadata) {
    throw new AppError('INTERNAL', `private_metadata would be ${text.length} characters, over Slack's limit of ${BLOCK_KIT_LIMITS.privateMetadata}: keep the state in the database and carry its id instead.`);
  }
  return text;
}

/** Reads private_metadata back; a modal from an older version or a tampered one gets a clear answer. */
export function decodePrivateMetadata<T>(text: string | undefined, schema: z.ZodType<T>): T {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text ?? '');
  } catch {
    throw new UserFacingError('This form is out of date. Close it and open it again.');
  }
  const result = schema.safeParse(parsed);
  if (!result.success) throw new UserFacingError('This form is out of date. Close it and open it again.');
  return result.data;
}

/**
 * Opens a modal at once with a loading view, then fills it in. Slack's trigger_id expires after
 * 3 seconds and works once, so the modal must open before any slow I/O (GitHub, the catalog).
 */
export async function openModalThenLoad(
  client: Pick<WebClient, 'views'>,
  triggerId: string,
  loading: { callbackId: string; title: string },
  load: () => Promise<View>,
): Promise<string> {
  const opened = await client.views.open({
    trigger_id: triggerId,
    view: {
      type: 'modal',
      callback_id: loading.callbackId,
      title: { type: 'plain_text', text: loading.title.slice(0, BLOCK_KIT_LIMITS.modalTitle) },
      blocks: [section(mrkdwn`:hourglass_flowing_sand: Loading…`)],
    },
  });
  const viewId = opened.view?.id;
  if (!viewId) throw new AppError('INTERNAL', 'Slack opened the modal without returning its id.');
  let view: View;
  try {
    view = await load();
  } catch (error) {
    const message = error instanceof UserFacingError ? error.message : 'Something went wrong while preparing this form. Close it and try again.';
    await client.views.update({
      view_id: viewId,
      hash: opened.view?.hash,
      view: { type: 'modal', callback_id: loading.callbackId, title: { type: 'plain_text', text: loading.title.slice(0, BLOCK_KIT_LIMITS.modalTitle) }, close: { type: 'plain_text', text: 'Close' }, blocks: [section(mrkdwn`:warning: ${message}`)] },
    });
    throw error;
  }
  await client.views.update({ view_id: viewId, hash: opened.view?.hash, view });
  return viewId;
}

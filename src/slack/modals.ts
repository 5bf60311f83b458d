import type { View } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import { AppError, UserFacingError } from '../errors';
import { BLOCK_KIT_LIMITS } from '../../commands/blockKit/limits';
import { mrkdwn, section } from '../../commands/blockKit/mrkdwn';

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

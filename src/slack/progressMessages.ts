import type { WebClient } from '@slack/web-api';
import type { ProgressMessenger } from '../../commands/createService';
import { AppError } from '../errors';

/**
 * Progress messages through the Web API: posted to the person (channel = their user id, which opens
 * the app's DM with them) and then edited in place with chat.update, so a task is one message.
 */
export function createSlackProgressMessenger(client: Pick<WebClient, 'chat'>, onApiCall?: (method: string, ok: boolean) => void): ProgressMessenger {
  const observe = async <T>(method: string, call: () => Promise<T>): Promise<T> => {
    try {
      const result = await call();
      onApiCall?.(method, true);
      return result;
    } catch (error) {
      onApiCall?.(method, false);
      throw error;
    }
  };
  return {
    async post(channel, message) {
      const posted = await observe('chat.postMessage', () => client.chat.postMessage({ channel, text: message.text, blocks: message.blocks }));
      if (!posted.channel || !posted.ts) throw new AppError('INTERNAL', 'Slack posted the progress message without saying where.');
      return { channel: posted.channel, ts: posted.ts };
    },
    async update(target, message) {
      await observe('chat.update', () => client.chat.update({ channel: target.channel, ts: target.ts, text: message.text, blocks: message.blocks }));
    },
  };
}

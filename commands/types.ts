/**
 * The vocabulary every command and every surface shares: who asked, and what is answered.
 * Surfaces (Slack listeners, the shell) import it; it imports only Block Kit types and the mrkdwn
 * text type.
 */
import type { KnownBlock, View } from '@slack/types';
import type { MessageText } from './blockKit/mrkdwn';

/** Who asked, and where: what a slash command or a button press carries. */
export interface CommandContext {
  userId: string | null;
  channelId: string | null;
  channelName: string | null;
}

/** An answer in Block Kit, shown only to the asker unless shared. */
export interface CommandReply {
  /** Slack parses it for pings as it does blocks: built through commands/blockKit/mrkdwn. */
  text: MessageText;
  blocks: KnownBlock[];
  visibility: 'ephemeral' | 'in_channel';
  /** For button presses: replace the message the button was on, rather than add one. */
  replaceOriginal?: boolean;
  /**
   * For button presses on a message in a channel: post as a reply in its thread, where everyone
   * there sees it (visibility in_channel). On an ephemeral card, which has no thread, the presser
   * alone gets it.
   */
  inThread?: boolean;
  /** Work to start once the reply is delivered (a retried task that keeps updating the message). */
  followUp?: () => Promise<void>;
}

/** A command that answers with a modal: opened at once with a loading view, then `load`ed. */
export interface ModalRequest {
  callbackId: string;
  title: string;
  load(): Promise<View>;
}

export interface CommandInfo {
  name: string;
  usage: string;
  description: string;
}

import { createHash } from 'node:crypto';
import type { CommandReply } from '../../commands/types';
import { mention, messageText, mrkdwn, section } from '../../commands/blockKit/mrkdwn';
import type { EventReceiptStore } from './PgEventReceiptStore';

/** What a block_actions payload says about where a button was pressed. */
export interface ButtonPress {
  team?: { id?: string } | null;
  channel?: { id?: string } | null;
  container?: { channel_id?: string; message_ts?: string; view_id?: string } | null;
  response_url?: string;
}

export interface ButtonAction {
  action_id?: string;
  block_id?: string;
  value?: string;
}

/**
 * The same button on the same message, whoever pressed it and however often: the team, the
 * channel, the message's ts and the action with its value. A double click or a replayed request
 * gives the same key; the same button on another message (another /whoowns) gives another.
 */
export function buttonPressKey(press: ButtonPress, action: ButtonAction): string {
  const container = press.container ?? {};
  const where = container.message_ts ?? container.view_id ?? press.response_url ?? '';
  const parts = [press.team?.id ?? '', container.channel_id ?? press.channel?.id ?? '', where, action.action_id ?? '', action.block_id ?? '', action.value ?? ''];
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

/** A reply that adds a message everyone in the channel sees, rather than answering the presser. */
export function postsToChannel(reply: CommandReply): boolean {
  return reply.visibility === 'in_channel' && !reply.replaceOriginal;
}

/** What to deliver for a press, and how to give its claim back if delivering fails. */
export interface ClaimedReply {
  reply: CommandReply;
  /** True when an earlier press of this button on this message posted already. */
  repeated: boolean;
  release(): Promise<void>;
}

/**
 * Lets a reply that posts to the channel go out once per button and message: the first press
 * keeps its reply, later ones get a private "already shared" instead. Other replies pass as they are.
 */
export async function claimChannelPost(receipts: Pick<EventReceiptStore, 'claimPost' | 'releasePost'>, press: { key: string; userId: string | null }, reply: CommandReply): Promise<ClaimedReply> {
  const nothing = { release: async () => undefined };
  if (!postsToChannel(reply)) return { reply, repeated: false, ...nothing };
  const claim = await receipts.claimPost(press.key, press.userId);
  if (!claim.first) return { reply: alreadyPosted(claim.by), repeated: true, ...nothing };
  return { reply, repeated: false, release: () => receipts.releasePost(press.key) };
}

function alreadyPosted(by: string | null): CommandReply {
  const text = mrkdwn`:information_source: Already shared: ${mention.user(by, 'someone')} posted this in the channel, so it is not posted again.`;
  return { text: messageText(text), blocks: [section(text)], visibility: 'ephemeral', replaceOriginal: false };
}

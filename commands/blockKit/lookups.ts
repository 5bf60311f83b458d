import type { ActionsBlock, Button, KnownBlock } from '@slack/types';
import { truncate } from './limits';
import { join, mrkdwn, section, type Mrkdwn } from './mrkdwn';

/** An entity a card offers to look up next: a "did you mean", or another entity of the same name. */
export interface LookupTarget {
  ref: string;
  label: string;
}

const LOOKUP_LIMIT = 5;

/**
 * The entities a card offers next, at most five, under a heading ("Did you mean:"): a button each
 * that looks it up again (its value `ref:<entity ref>`, its action id `<actionId>:<position>`), or,
 * for output nobody can press a button in (the CLI), a list that gives the ref to type instead.
 */
export function lookupChoices(heading: Mrkdwn, targets: LookupTarget[], ids: { blockId: string; actionId: string }, options: { noButtons?: boolean } = {}): KnownBlock[] {
  const shown = targets.slice(0, LOOKUP_LIMIT);
  if (options.noButtons) return [section(join([heading, ...shown.map((target) => mrkdwn`• ${target.label}  \`${target.ref}\``)], '\n'))];
  const buttons: ActionsBlock = {
    type: 'actions',
    block_id: ids.blockId,
    // action_id must be unique within a block, so each button carries its position.
    elements: shown.map((target, index) => button(target.label, `${ids.actionId}:${index}`, `ref:${target.ref}`)),
  };
  return [section(heading), buttons];
}

/** A button that sends `value` to the command's action handler. */
export function button(text: string, actionId: string, value: string, style?: 'primary' | 'danger'): Button {
  return { type: 'button', text: { type: 'plain_text', text: truncate(text, 75), emoji: true }, action_id: actionId, value: truncate(value, 2000), ...(style && { style }) };
}

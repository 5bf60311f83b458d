import type { KnownBlock } from '@slack/types';
import { renderBlocksAsText } from '../../commands/blockKit/text';

/**
 * How the CLI asks the card renderers for a card: people by name (there is no Slack to mention them
 * in) and no buttons (nothing reads a key press after the command exits).
 */
export const CLI_CARD = { plainNames: true, noButtons: true } as const;

/** Where the text goes: wrap at this many columns (default 80), with ANSI styles or without. */
export interface CardTerminal {
  columns?: number;
  color?: boolean;
}

/**
 * A command's card as the text `backline whoowns`, `oncall` and `docs` print: the same blocks the
 * Slack app sends, read as `backline shell` shows them.
 */
export function cardText(blocks: KnownBlock[], terminal: CardTerminal = {}): string {
  return `${renderBlocksAsText(blocks, { width: terminal.columns || 80, color: terminal.color ?? false }).text.trimEnd()}\n`;
}

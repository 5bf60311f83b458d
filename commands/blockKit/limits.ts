/**
 * Block Kit's limits, and the helpers renderers use to stay inside them.
 *
 * Slack rejects a whole message or view when any one part breaks a limit (`invalid_blocks`,
 * `msg_blocks_too_long`, `view_too_large`), and the user sees nothing. Renderers use `truncate` and
 * `limitList` to stay inside the limits; checks.ts finds what breaks one.
 *
 * Lengths are counted in UTF-16 code units (`string.length`), which is never fewer than the characters
 * Slack counts, so a payload that passes here passes there.
 */

export const BLOCK_KIT_LIMITS = {
  messageBlocks: 50,
  viewBlocks: 100,
  sectionText: 3000,
  sectionFields: 10,
  sectionFieldText: 2000,
  headerText: 150,
  contextElements: 10,
  actionsElements: 25,
  modalTitle: 24,
  modalSubmit: 24,
  modalClose: 24,
  privateMetadata: 3000,
  blockId: 255,
  actionId: 255,
  callbackId: 255,
  externalId: 255,
  buttonText: 75,
  buttonValue: 2000,
  buttonUrl: 3000,
  staticSelectOptions: 100,
  optionGroups: 100,
  optionText: 75,
  optionValue: 75,
  overflowOptions: 5,
  checkboxOptions: 10,
  radioOptions: 10,
  inputLabel: 2000,
  inputHint: 2000,
  /** Slack truncates message text beyond 40,000 characters; Backline keeps to 4,000. */
  messageText: 4000,
  /** Serialized `blocks` JSON; beyond roughly this Slack answers `msg_blocks_too_long`. */
  messageBlocksJson: 13_000,
  /** Serialized view JSON in bytes; beyond this Slack answers `view_too_large`. */
  viewJsonBytes: 250_000,
} as const;

/** Block types Slack (and @slack/types) know; anything else is rejected as `invalid_blocks`. */
export const KNOWN_BLOCK_TYPES: ReadonlySet<string> = new Set([
  'actions',
  'alert',
  'card',
  'carousel',
  'container',
  'context',
  'context_actions',
  'data_table',
  'divider',
  'file',
  'header',
  'image',
  'input',
  'markdown',
  'plan',
  'rich_text',
  'section',
  'table',
  'task_card',
  'video',
]);

/**
 * Shortens `text` to at most `max` characters, ending in '…' when anything was cut.
 * Never splits a surrogate pair (an emoji stays whole or goes).
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return '';
  let end = max - 1;
  const last = text.charCodeAt(end - 1);
  if (end > 0 && last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}

/** The first `max` items, and how many were left out (for an "and 3 more" line). */
export function limitList<T>(items: readonly T[], max: number): { shown: T[]; more: number } {
  const shown = items.slice(0, Math.max(0, max));
  return { shown, more: items.length - shown.length };
}

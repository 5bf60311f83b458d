/**
 * The only way Backline writes Slack mrkdwn.
 *
 * Slack reads `&`, `<` and `>` as markup in every mrkdwn text object and in a message's `text`:
 * `<!channel>`, `<@U…>`, `<#C…>`, `<!subteam^S…>` and `<url|label>` ping people and make links. So
 * anything that did not come from Backline's own code (the catalog, PagerDuty, Opsgenie, GitHub, a
 * docs search index, what a user typed) is escaped, and pings and links are built here only, from
 * ids and URLs checked first.
 *
 * A `Mrkdwn` value is text that is safe to hand to Slack. The `mrkdwn` tag keeps its own literal
 * parts as written (they are Backline's markup) and escapes every string interpolated into it; a
 * `Mrkdwn` interpolated stays as it is. The block helpers take only `Mrkdwn`, so a renderer cannot
 * put a raw string into a mrkdwn field without it going through here.
 */
import type { ContextBlock, MrkdwnElement, SectionBlock } from '@slack/types';
import { BLOCK_KIT_LIMITS, truncate } from './limits';

const BUILT_HERE = Symbol('mrkdwn');

/** Text Slack may read as mrkdwn: escaped, or built by this module. */
export class Mrkdwn {
  readonly text: string;

  constructor(origin: typeof BUILT_HERE, text: string) {
    // Only this module holds the symbol, so a Mrkdwn cannot be made from an unchecked string elsewhere.
    if (origin !== BUILT_HERE) throw new TypeError('Mrkdwn is built through the mrkdwn tag and its helpers.');
    this.text = text;
  }

  toString(): string {
    return this.text;
  }
}

/** What may be interpolated into `mrkdwn`: strings and numbers are escaped, Mrkdwn is kept. */
export type Interpolation = Mrkdwn | string | number;

declare const messageTextBrand: unique symbol;
/** A message's fallback `text`: escaped and within the 4,000 characters Backline keeps to. */
export type MessageText = string & { readonly [messageTextBrand]: true };

const built = (text: string) => new Mrkdwn(BUILT_HERE, text);

/** Slack's escaping: these three characters and no others. */
function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function piece(value: Interpolation): string {
  return value instanceof Mrkdwn ? value.text : escape(String(value));
}

/** ``mrkdwn`*${title}* is owned by ${team}` ``: the literal parts are markup, the values are text. */
export function mrkdwn(strings: TemplateStringsArray, ...values: Interpolation[]): Mrkdwn {
  let text = strings[0] ?? '';
  values.forEach((value, index) => {
    text += piece(value) + (strings[index + 1] ?? '');
  });
  return built(text);
}

/** Text shown as written: `<!channel>` reads as those characters and pings nobody. */
export function literal(text: string): Mrkdwn {
  return built(escape(text));
}

/** Joins parts (strings escaped) with a separator, itself shown as written. */
export function join(parts: readonly Interpolation[], separator: string): Mrkdwn {
  return built(parts.map(piece).join(escape(separator)));
}

// Whitespace and control characters end a link early or hide what follows; `|` and `>` end its URL.
const UNSAFE_IN_LINK = /[\s|<>\u0000-\u001f\u007f-\u009f]/;

/**
 * The URL as Slack may be given it, or null: only http and https, as `new URL` normalises it, with
 * nothing in it that could end the `<…>` it goes in. Also what a button's `url` takes.
 */
export function httpUrl(raw: string): string | null {
  if (raw.length > BLOCK_KIT_LIMITS.buttonUrl) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  return UNSAFE_IN_LINK.test(url.href) ? null : url.href;
}

/**
 * `<url|label>` for an http(s) URL that passes `httpUrl`; anything else is shown as text, never as a
 * link. The label is escaped and kept on one line.
 */
export function link(url: string, label?: string): Mrkdwn {
  const shown = (label ?? '').replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim();
  const href = httpUrl(url);
  if (!href) return literal(shown && shown !== url ? `${shown} (${truncate(url, 200)})` : truncate(url, 200));
  return built(`<${escape(href)}|${escape(shown || href)}>`);
}

const USER_ID = /^[UW][A-Z0-9]+$/;
const USER_GROUP_ID = /^S[A-Z0-9]+$/;
const CHANNEL_ID = /^[CG][A-Z0-9]+$/;

/** Slack ids as Slack writes them; anything else from an annotation or a provider is not an id. */
export const slackId = {
  isUser: (id: string | null | undefined): id is string => typeof id === 'string' && USER_ID.test(id),
  isUserGroup: (id: string | null | undefined): id is string => typeof id === 'string' && USER_GROUP_ID.test(id),
  isChannel: (id: string | null | undefined): id is string => typeof id === 'string' && CHANNEL_ID.test(id),
};

/** Pings, from ids checked first; an id that is not one shows the name given instead. */
export const mention = {
  /** `<@U…>`, or the person's name. */
  user(id: string | null | undefined, name: string): Mrkdwn {
    return slackId.isUser(id) ? built(`<@${id}>`) : literal(name);
  },
  /** `<!subteam^S…>`, or `@handle`. */
  userGroup(id: string | null | undefined, handle: string): Mrkdwn {
    return slackId.isUserGroup(id) ? built(`<!subteam^${id}>`) : literal(`@${handle.replace(/^@/, '')}`);
  },
  /** `<#C…>`, or `#name`. */
  channel(id: string | null | undefined, name: string): Mrkdwn {
    return slackId.isChannel(id) ? built(`<#${id}>`) : literal(`#${name.replace(/^#/, '')}`);
  },
};

/**
 * A time Slack shows in each reader's own time zone (`<!date^…>`); `format` is one of Slack's
 * date tokens, and `fallback` is what clients that cannot show it read.
 */
export function date(at: Date | number, format: '{date_short}' | '{date_short_pretty} {time}', fallback: string): Mrkdwn {
  const seconds = Math.floor((typeof at === 'number' ? at : at.getTime()) / 1000);
  return built(`<!date^${seconds}^${format}|${escape(fallback)}>`);
}

/**
 * At most `max` characters, ending in '…' when cut, and never cut inside a `<…>` or an `&…;`: half a
 * link or entity could join with what follows it into markup nobody wrote.
 */
export function truncateMrkdwn(value: Mrkdwn, max: number): Mrkdwn {
  return value.text.length <= max ? value : built(cutBuilt(value.text, max));
}

/** Cuts text this module built, keeping its markup whole (see truncateMrkdwn). */
function cutBuilt(text: string, max: number): string {
  const cut = truncate(text, max);
  let kept = cut.endsWith('…') ? cut.slice(0, -1) : cut;
  const open = kept.lastIndexOf('<');
  if (open > kept.lastIndexOf('>')) kept = kept.slice(0, open);
  const entity = /&[a-z]*$/.exec(kept);
  if (entity) kept = kept.slice(0, entity.index);
  return `${kept}…`;
}

/**
 * Blocks whose JSON fits Slack's limit for a message (about 13,000 characters, beyond which Slack
 * answers `msg_blocks_too_long` and shows nothing): while over it, the longest mrkdwn text is cut
 * to half. Each field is already within its own limit, but a catalog entry can fill every field.
 */
export function fitMessageBlocks<T>(blocks: T[]): T[] {
  if (JSON.stringify(blocks).length <= BLOCK_KIT_LIMITS.messageBlocksJson) return blocks;
  const fitted = structuredClone(blocks);
  const texts = mrkdwnTextsOf(fitted);
  while (JSON.stringify(fitted).length > BLOCK_KIT_LIMITS.messageBlocksJson) {
    const longest = texts.reduce<MrkdwnElement | undefined>((best, element) => (!best || element.text.length > best.text.length ? element : best), undefined);
    if (!longest || longest.text.length <= 100) break;
    longest.text = cutBuilt(longest.text, Math.floor(longest.text.length / 2));
  }
  return fitted;
}

function mrkdwnTextsOf(value: unknown, found: MrkdwnElement[] = []): MrkdwnElement[] {
  if (Array.isArray(value)) for (const item of value) mrkdwnTextsOf(item, found);
  else if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if (record.type === 'mrkdwn' && typeof record.text === 'string') found.push(record as unknown as MrkdwnElement);
    else for (const item of Object.values(record)) mrkdwnTextsOf(item, found);
  }
  return found;
}

/** A message's fallback `text`. Slack parses it for pings as it does blocks. */
export function messageText(value: Mrkdwn): MessageText {
  return truncateMrkdwn(value, BLOCK_KIT_LIMITS.messageText).text as MessageText;
}

/** A mrkdwn text object of at most `max` characters. */
export function mrkdwnObject(value: Mrkdwn, max: number = BLOCK_KIT_LIMITS.sectionText): MrkdwnElement {
  return { type: 'mrkdwn', text: truncateMrkdwn(value, max).text };
}

export function section(value: Mrkdwn): SectionBlock {
  return { type: 'section', text: mrkdwnObject(value) };
}

export function context(value: Mrkdwn): ContextBlock {
  return { type: 'context', elements: [mrkdwnObject(value)] };
}

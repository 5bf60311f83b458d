/**
 * Block Kit → console text, for `backline shell` (like Hubot's shell adapter) and the text output
 * of `backline whoowns`, `oncall`, `docs` and `digest --dry-run`: the same blocks a user would see in
 * Slack, readable in a terminal, with interactive elements turned into numbered choices the shell
 * can act on. Pure: no I/O, no colours unless asked.
 */

export interface TextChoice {
  /** 1-based, in the order the choices appear. */
  number: number;
  label: string;
  actionId: string;
  /** Button value, or the option value for a select/overflow option. */
  value?: string;
  url?: string;
  blockId?: string;
}

export interface RenderTextOptions {
  /** Wrap prose at this many columns and draw dividers this wide. Default 80. */
  width?: number;
  /** Use ANSI styles (bold header and *bold*, dim context, cyan choice numbers). Default false. */
  color?: boolean;
}

export interface RenderedText {
  text: string;
  choices: TextChoice[];
}

const ANSI = {
  bold: ['\u001b[1m', '\u001b[22m'],
  dim: ['\u001b[2m', '\u001b[22m'],
  italic: ['\u001b[3m', '\u001b[23m'],
  strike: ['\u001b[9m', '\u001b[29m'],
  cyan: ['\u001b[36m', '\u001b[39m'],
} as const;

type Style = keyof typeof ANSI;

export function renderBlocksAsText(blocks: unknown[], options: RenderTextOptions = {}): RenderedText {
  const renderer = new TextRenderer(options.width ?? 80, options.color ?? false);
  for (const block of blocks) renderer.block(block);
  return { text: renderer.lines.join('\n'), choices: renderer.choices };
}

/**
 * Slack mrkdwn → readable plain text: links become `label (url)`, mentions `@user`/`#channel`,
 * bold/italic/strike markers are dropped (or styled with `color`), and HTML entities unescaped.
 */
export function mrkdwnToText(mrkdwn: string, color = false): string {
  const style = (name: Style, text: string): string => (color ? `${ANSI[name][0]}${text}${ANSI[name][1]}` : text);
  const withoutTokens = mrkdwn.replace(/<([^<>\n]*)>/g, (_match, inner: string) => renderToken(inner)).replace(/:([a-z0-9_+-]+):/g, (code, name: string) => EMOJI[name] ?? code);
  const edge = '(^|[\\s(\\[{"\'])';
  const close = '(?=$|[\\s)\\]}.,;:!?"\'])';
  // Like Slack: a marker pair only formats when its content neither starts nor ends with a space,
  // so "2 * 3 * 4" and snake_case_names stay as written.
  const pair = (m: string) => new RegExp(`${edge}\\${m}([^${m}\\s](?:[^${m}\\n]*[^${m}\\s])?)\\${m}${close}`, 'g');
  return unescapeEntities(
    withoutTokens
      .replace(pair('*'), (_m, pre: string, t: string) => pre + style('bold', t))
      .replace(pair('_'), (_m, pre: string, t: string) => pre + style('italic', t))
      .replace(pair('~'), (_m, pre: string, t: string) => pre + style('strike', t)),
  );
}

/** The emoji shortcodes Backline's own messages use, as the characters a terminal can show. */
const EMOJI: Record<string, string> = {
  warning: '⚠️',
  information_source: 'ℹ️',
  hourglass_flowing_sand: '⏳',
  white_check_mark: '✅',
  x: '❌',
  rotating_light: '🚨',
  books: '📚',
  pager: '📟',
  mag: '🔍',
  page_facing_up: '📄',
  grey_question: '❔',
  no_entry_sign: '🚫',
};

function renderToken(inner: string): string {
  const bar = inner.indexOf('|');
  const target = bar === -1 ? inner : inner.slice(0, bar);
  const label = bar === -1 ? '' : inner.slice(bar + 1);
  if (target.startsWith('#')) return `#${label || target.slice(1)}`;
  if (target.startsWith('@')) return `@${label.replace(/^@/, '') || target.slice(1)}`;
  if (target.startsWith('!subteam^')) return label ? `@${label.replace(/^@/, '')}` : `@${target.slice('!subteam^'.length)}`;
  if (target.startsWith('!date^')) return label || target;
  if (target.startsWith('!')) return `@${label || target.slice(1)}`;
  if (!label || label === target || `mailto:${label}` === target) return label || target;
  return `${label} (${target})`;
}

function unescapeEntities(text: string): string {
  // &amp; last, so "&amp;lt;" becomes the literal "&lt;" it was meant to be.
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

class TextRenderer {
  readonly lines: string[] = [];
  readonly choices: TextChoice[] = [];
  private previous: unknown = undefined;

  constructor(
    private readonly width: number,
    private readonly color: boolean,
  ) {}

  /**
   * Slack leaves space between blocks, so a blank line goes between them; except after a header
   * (its underline sets it apart), beside a divider, and before a context or actions block, which
   * are the caption and the buttons of the block above.
   */
  block(block: unknown): void {
    if (!isRecord(block)) return;
    const type = block.type;
    const spaced = this.lines.length > 0 && this.previous !== 'header' && this.previous !== 'divider' && type !== 'divider' && type !== 'context' && type !== 'actions';
    const start = this.lines.length;
    if (spaced) this.lines.push('');
    this.render(block);
    // A block that showed nothing (a context of images only) leaves no gap either.
    if (this.lines.length === start + (spaced ? 1 : 0)) this.lines.length = start;
    else this.previous = type;
  }

  private render(block: Record<string, unknown>): void {
    const blockId = typeof block.block_id === 'string' ? block.block_id : undefined;
    switch (block.type) {
      case 'header': {
        const title = plain(block.text);
        this.lines.push(this.style('bold', title), '='.repeat(Math.min(Math.max(title.length, 1), this.width)));
        return;
      }
      case 'section': {
        if (isRecord(block.text)) this.prose(this.textObject(block.text));
        if (Array.isArray(block.fields)) for (const field of block.fields) this.prose(this.field(field));
        if (block.accessory !== undefined) this.element(block.accessory, blockId);
        return;
      }
      case 'context': {
        const parts = Array.isArray(block.elements)
          ? block.elements.filter((e) => isRecord(e) && e.type !== 'image').map((e) => this.textObject(e))
          : [];
        if (parts.length > 0) this.prose(parts.join(' · '), '  ', 'dim');
        return;
      }
      case 'divider':
        this.lines.push('-'.repeat(this.width));
        return;
      case 'actions':
        if (Array.isArray(block.elements)) for (const element of block.elements) this.element(element, blockId);
        return;
      case 'image':
        this.lines.push(`[image: ${stringOr(block.alt_text, 'image')}]${typeof block.image_url === 'string' ? ` (${block.image_url})` : ''}`);
        return;
      case 'input': {
        const optional = block.optional === true ? ' (optional)' : '';
        this.lines.push(`${plain(block.label)}${optional}: ${describeInput(block.element)}`);
        if (isRecord(block.hint)) this.prose(plain(block.hint), '  ', 'dim');
        return;
      }
      case 'markdown':
        this.prose(stringOr(block.text, ''));
        return;
      case 'rich_text':
        if (Array.isArray(block.elements)) for (const element of block.elements) this.richText(element);
        return;
      case 'video':
        this.lines.push(`[video: ${plain(block.title)}] (${stringOr(block.video_url, '')})`);
        return;
      default:
        this.lines.push(`[${String(block.type)} block]`);
    }
  }

  private field(field: unknown): string {
    const text = this.textObject(field);
    const newline = text.indexOf('\n');
    if (newline === -1) return text;
    const label = text.slice(0, newline).trim().replace(/:$/, '');
    const value = text
      .slice(newline + 1)
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line.length > 0)
      .join(', ');
    return `${label}: ${value}`;
  }

  private element(element: unknown, blockId: string | undefined): void {
    if (!isRecord(element)) return;
    const actionId = stringOr(element.action_id, '');
    switch (element.type) {
      case 'button': {
        const url = typeof element.url === 'string' ? element.url : undefined;
        const label = plain(element.text);
        this.choice({ label, actionId, value: optionalString(element.value), url, blockId }, url ? `${label} (${url})` : label);
        return;
      }
      case 'static_select':
      case 'multi_static_select':
      case 'overflow':
      case 'radio_buttons':
      case 'checkboxes': {
        if (isRecord(element.placeholder)) this.lines.push(`${plain(element.placeholder)}:`);
        for (const option of selectOptions(element)) {
          const label = this.textObject(option.text);
          const url = optionalString(option.url);
          this.choice({ label, actionId, value: optionalString(option.value), url, blockId }, url ? `${label} (${url})` : label);
        }
        return;
      }
      case 'image':
        return;
      default:
        this.lines.push(`(${describeInput(element)})`);
    }
  }

  private choice(choice: Omit<TextChoice, 'number'>, shown: string): void {
    const number = this.choices.length + 1;
    const entry: TextChoice = { number, label: choice.label, actionId: choice.actionId };
    if (choice.value !== undefined) entry.value = choice.value;
    if (choice.url !== undefined) entry.url = choice.url;
    if (choice.blockId !== undefined) entry.blockId = choice.blockId;
    this.choices.push(entry);
    this.lines.push(`${this.style('cyan', `[${number}]`)} ${shown}`);
  }

  private richText(element: unknown, indent = ''): void {
    if (!isRecord(element) || !Array.isArray(element.elements)) return;
    switch (element.type) {
      case 'rich_text_list': {
        element.elements.forEach((item, i) => {
          const bullet = element.style === 'ordered' ? `${i + 1}. ` : '• ';
          this.prose(`${bullet}${richInline(item)}`, indent);
        });
        return;
      }
      case 'rich_text_quote':
        this.prose(`> ${richInline(element)}`, indent);
        return;
      case 'rich_text_preformatted':
        for (const line of richInline(element).split('\n')) this.lines.push(`${indent}    ${line}`);
        return;
      default:
        this.prose(richInline(element), indent);
    }
  }

  private textObject(value: unknown): string {
    if (!isRecord(value) || typeof value.text !== 'string') return '';
    return value.type === 'mrkdwn' ? mrkdwnToText(value.text, this.color) : value.text;
  }

  /** Adds text line by line, wrapping at word boundaries; ``` code blocks are kept as written. */
  private prose(text: string, prefix = '', style?: Style): void {
    let inCode = false;
    for (const line of text.split('\n')) {
      const fence = line.trimStart().startsWith('```');
      const wrapped = inCode || fence ? [line] : wrap(line, this.width - prefix.length);
      if (fence && (line.match(/```/g) ?? []).length % 2 === 1) inCode = !inCode;
      for (const part of wrapped) this.lines.push(prefix + (style ? this.style(style, part) : part));
    }
  }

  private style(name: Style, text: string): string {
    if (!this.color) return text;
    const [open, close] = ANSI[name];
    // Bold and dim share one reset code, so re-open the outer style after each inner reset.
    return `${open}${text.split(close).join(`${close}${open}`)}${close}`;
  }
}

function wrap(line: string, width: number): string[] {
  if (visibleLength(line) <= width || width < 10) return [line];
  const indent = /^\s*(?:[•*-] |\d+\. |> )?/.exec(line)?.[0] ?? '';
  const continuation = ' '.repeat(indent.length);
  const words = line.slice(indent.length).split(' ');
  const out: string[] = [];
  let current = indent;
  for (const word of words) {
    const candidate = current.length === indent.length || current === continuation ? current + word : `${current} ${word}`;
    if (visibleLength(candidate) > width && current.trim().length > 0) {
      out.push(current.trimEnd());
      current = continuation + word;
    } else {
      current = candidate;
    }
  }
  out.push(current);
  return out;
}

function visibleLength(text: string): number {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*m/g, '').length;
}

function richInline(container: unknown): string {
  if (!isRecord(container) || !Array.isArray(container.elements)) return '';
  return container.elements
    .map((el) => {
      if (!isRecord(el)) return '';
      switch (el.type) {
        case 'text':
          return stringOr(el.text, '');
        case 'link':
          return typeof el.text === 'string' && el.text !== el.url ? `${el.text} (${stringOr(el.url, '')})` : stringOr(el.url, '');
        case 'user':
          return `@${stringOr(el.user_id, '')}`;
        case 'usergroup':
          return `@${stringOr(el.usergroup_id, '')}`;
        case 'channel':
          return `#${stringOr(el.channel_id, '')}`;
        case 'broadcast':
          return `@${stringOr(el.range, '')}`;
        case 'emoji':
          return typeof el.unicode === 'string'
            ? String.fromCodePoint(...el.unicode.split('-').map((hex) => Number.parseInt(hex, 16)))
            : `:${stringOr(el.name, '')}:`;
        case 'date':
          return stringOr(el.fallback, String(el.timestamp));
        default:
          return richInline(el);
      }
    })
    .join('');
}

function selectOptions(element: Record<string, unknown>): Array<Record<string, unknown>> {
  const direct = Array.isArray(element.options) ? element.options : [];
  const grouped = Array.isArray(element.option_groups)
    ? element.option_groups.flatMap((group) => (isRecord(group) && Array.isArray(group.options) ? group.options : []))
    : [];
  return [...direct, ...grouped].filter(isRecord);
}

const INPUT_DESCRIPTIONS: Record<string, string> = {
  plain_text_input: 'text',
  number_input: 'number',
  email_text_input: 'email',
  url_text_input: 'URL',
  rich_text_input: 'text',
  datepicker: 'date',
  timepicker: 'time',
  datetimepicker: 'date and time',
  users_select: 'a user',
  multi_users_select: 'users',
  conversations_select: 'a conversation',
  multi_conversations_select: 'conversations',
  channels_select: 'a channel',
  multi_channels_select: 'channels',
  external_select: 'type to search',
  multi_external_select: 'type to search',
  file_input: 'files',
};

function describeInput(element: unknown): string {
  if (!isRecord(element)) return 'input';
  const kind = typeof element.type === 'string' ? (INPUT_DESCRIPTIONS[element.type] ?? element.type) : 'input';
  const options = selectOptions(element).map((option) => plain(option.text));
  if (options.length > 0) return `one of ${options.join(' | ')}`;
  return isRecord(element.placeholder) ? `${kind}, e.g. ${plain(element.placeholder)}` : kind;
}

function plain(value: unknown): string {
  if (!isRecord(value) || typeof value.text !== 'string') return '';
  return value.type === 'mrkdwn' ? mrkdwnToText(value.text) : value.text;
}

function stringOr(value: unknown, fallback: string): string {
  return typeof value === 'string' ? value : fallback;
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

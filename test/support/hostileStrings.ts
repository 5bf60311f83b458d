/**
 * What anyone who can commit a catalog-info.yaml (or answer as PagerDuty, or type a command) might
 * put in a string, and the check that none of it became Slack markup. Every renderer test that
 * feeds hostile input takes its strings from here.
 */

export const HOSTILE_STRINGS: ReadonlyArray<readonly [what: string, value: string]> = [
  ['a channel ping', '<!channel>'],
  ['a here ping', '<!here>'],
  ['an everyone ping', '<!everyone>'],
  ['a user mention', '<@U123ABC>'],
  ['a channel mention', '<#C123>'],
  ['a user group ping', '<!subteam^S123>'],
  ['a foreign link', '<https://evil.example|click>'],
  ['a foreign link with a ping for its label', '<https://evil.example|<!here>>'],
  ['text that looks escaped already', '&lt;!channel&gt; &amp;lt;@U123ABC&amp;gt; R&D'],
  ['a javascript: URL', 'javascript:alert(1)'],
  ['a URL that ends its own link early', 'https://ok.example/a|b>c'],
  ['a URL with a ping in its path', 'https://ok.example/<!here>'],
  ['a URL with a space before a ping', 'https://ok.example/a <!channel>'],
  ['an id followed by a ping', 'U123ABC><!channel'],
  ['a handle with a ping', '@team <!here>'],
  ['control characters around a ping', 'a\u0000b\u0007\u001b[31m\r\n<!channel>\u2028<@U123ABC>\u0085'],
  ['a 50,000-character string', `<!channel> ${'<@U123ABC> &'.repeat(4_166)}`],
];

/** Ids, channels, groups and link origins a fixture may legitimately produce markup for. */
export interface LegitimateMarkup {
  users?: string[];
  channels?: string[];
  userGroups?: string[];
  /** Origins (`https://github.com`) that links may point to. */
  linkOrigins?: string[];
  /** Whole URLs that links may point to: a hostile string that is itself a valid URL, in a field that holds one. */
  linkTargets?: string[];
}

/** The link a hostile string may legitimately become, in a field that holds a URL: itself, if it is a valid http(s) URL. */
export function linkTargetsOf(hostile: string): string[] {
  try {
    const url = new URL(hostile);
    return url.protocol === 'https:' || url.protocol === 'http:' ? [url.href] : [];
  } catch {
    return [];
  }
}

/**
 * The `<…>` tokens in `text` that Backline did not build from validated data: any ping that is not a
 * date, a mention of an id the fixture did not give as valid, or a link that is not a normalised
 * http(s) URL on an origin the fixture links to. Slack reads a token as `<` up to the next `>`.
 */
export function foreignMarkup(text: string, legitimate: LegitimateMarkup): string[] {
  const foreign: string[] = [];
  for (const [token, inner] of text.matchAll(/<([^<>]*)>/g)) {
    if (!isLegitimate(inner!, legitimate)) foreign.push(token);
  }
  return foreign;
}

function isLegitimate(inner: string, legitimate: LegitimateMarkup): boolean {
  if (/^!date\^\d+\^\{[a-z_ {}]+\}\|[^|]*$/.test(inner)) return true;
  if (inner.startsWith('!subteam^')) return (legitimate.userGroups ?? []).includes(inner.slice('!subteam^'.length));
  if (inner.startsWith('@')) return (legitimate.users ?? []).includes(inner.slice(1));
  if (inner.startsWith('#')) return (legitimate.channels ?? []).includes(inner.slice(1));
  if (inner.startsWith('!')) return false;
  const bar = inner.indexOf('|');
  const target = (bar === -1 ? inner : inner.slice(0, bar)).replace(/&amp;/g, '&');
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return false;
  }
  const expected = (legitimate.linkOrigins ?? []).includes(url.origin) || (legitimate.linkTargets ?? []).includes(target);
  return (url.protocol === 'https:' || url.protocol === 'http:') && url.href === target && !/[\s|]/.test(target) && expected;
}

/** Every mrkdwn text in a block tree (sections, fields, context elements, options, …). */
export function mrkdwnTexts(blocks: unknown): string[] {
  const texts: string[] = [];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') {
      const record = value as Record<string, unknown>;
      if (record.type === 'mrkdwn' && typeof record.text === 'string') texts.push(record.text);
      Object.values(record).forEach(walk);
    }
  };
  walk(blocks);
  return texts;
}

/** Every `url` a block tree gives Slack (buttons), for checking that each is plain http(s). */
export function blockUrls(blocks: unknown): string[] {
  const urls: string[] = [];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') {
      const record = value as Record<string, unknown>;
      if (typeof record.url === 'string') urls.push(record.url);
      Object.values(record).forEach(walk);
    }
  };
  walk(blocks);
  return urls;
}

import { date, httpUrl, join, link, literal, mention, messageText, mrkdwn, mrkdwnObject, Mrkdwn, truncateMrkdwn } from '../../commands/blockKit/mrkdwn';

describe('escaping', () => {
  it('escapes &, < and > and nothing else', () => {
    expect(literal(`<!channel> & "quotes" 'single' *bold* _it_ ~x~ \`code\` :emoji: é`).text).toBe(`&lt;!channel&gt; &amp; "quotes" 'single' *bold* _it_ ~x~ \`code\` :emoji: é`);
  });

  it('escapes text that looks escaped already, so it reads as it was written', () => {
    expect(literal('&lt;!here&gt;').text).toBe('&amp;lt;!here&amp;gt;');
  });

  it('keeps the literal parts of a template as markup and escapes what is interpolated', () => {
    const team = '<!subteam^S123>';
    expect(mrkdwn`*Owner*\n${team} · ${3} · ${mrkdwn`_ours_`}`.text).toBe('*Owner*\n&lt;!subteam^S123&gt; · 3 · _ours_');
  });

  it('joins parts, escaping strings and keeping built markup', () => {
    expect(join(['<a>', mention.user('U0ALICE', 'Alice')], ', ').text).toBe('&lt;a&gt;, <@U0ALICE>');
  });

  it('cannot be built from a raw string outside the module', () => {
    expect(() => new (Mrkdwn as unknown as new (origin: symbol, text: string) => Mrkdwn)(Symbol('mrkdwn'), '<!channel>')).toThrow(TypeError);
  });
});

describe('links', () => {
  it('links http and https URLs with an escaped label', () => {
    expect(link('https://docs.example/a?b=1&c=2', 'Run <book>').text).toBe('<https://docs.example/a?b=1&amp;c=2|Run &lt;book&gt;>');
    expect(link('http://docs.example').text).toBe('<http://docs.example/|http://docs.example/>');
  });

  it.each([
    ['a javascript: URL', 'javascript:alert(1)'],
    ['a mailto: URL', 'mailto:someone@example.com'],
    ['a URL with a bar', 'https://ok.example/a|b>c'],
    ['something that is not a URL', '<https://evil.example|click>'],
    ['a relative path', '/docs/index.html'],
  ])('shows %s as text, not as a link', (_what, url) => {
    const shown = link(url, 'Docs').text;
    expect(shown).not.toContain('<');
    expect(shown).toContain('Docs (');
  });

  it('links a URL whose < and > the URL parser encodes, so nothing ends the link early', () => {
    expect(link('https://ok.example/<!here>', 'x').text).toBe('<https://ok.example/%3C!here%3E|x>');
  });

  it('keeps a label on one line, so the link stays whole', () => {
    expect(link('https://ok.example/', 'a\nb\u0000c').text).toBe('<https://ok.example/|a b c>');
  });

  it('gives buttons only URLs that pass the same checks', () => {
    expect(httpUrl('https://pagerduty.example/incidents')).toBe('https://pagerduty.example/incidents');
    expect(httpUrl('javascript:alert(1)')).toBeNull();
    expect(httpUrl('https://ok.example/a|b')).toBeNull();
    expect(httpUrl(`https://ok.example/${'x'.repeat(3000)}`)).toBeNull();
  });
});

describe('mentions', () => {
  it('mentions people, user groups and channels by valid ids', () => {
    expect([mention.user('U0ALICE', 'Alice'), mention.user('W0ALICE', 'Alice'), mention.userGroup('S0TEAM', 'team'), mention.channel('C0TEAM', 'team'), mention.channel('G0TEAM', 'team')].map(String)).toEqual([
      '<@U0ALICE>',
      '<@W0ALICE>',
      '<!subteam^S0TEAM>',
      '<#C0TEAM>',
      '<#G0TEAM>',
    ]);
  });

  it.each([['<@U123ABC>'], ['U123ABC><!channel'], ['u0alice'], ['B0BOT'], [''], [null]])('falls back to the escaped name when the id is %p', (id) => {
    expect(mention.user(id, '<Alice>').text).toBe('&lt;Alice&gt;');
    expect(mention.userGroup(id, '@<team>').text).toBe('@&lt;team&gt;');
    expect(mention.channel(id, '#<team>').text).toBe('#&lt;team&gt;');
  });

  it('writes dates with an escaped fallback', () => {
    expect(date(new Date(Date.UTC(2026, 4, 11)), '{date_short}', '<today>').text).toBe('<!date^1778457600^{date_short}|&lt;today&gt;>');
  });
});

describe('length', () => {
  it('caps fallback text at 4,000 characters', () => {
    expect(messageText(literal('x'.repeat(50_000)))).toHaveLength(4000);
  });

  it('never cuts inside a link or an escaped character', () => {
    const text = mrkdwn`${'x'.repeat(10)}${link('https://docs.example/runbook', 'Runbook')}`;
    expect(truncateMrkdwn(text, 25).text).toBe('xxxxxxxxxx…');
    expect(truncateMrkdwn(literal('abc<def'), 6).text).toBe('abc…');
    expect(mrkdwnObject(literal('a&b'), 4).text).toBe('a…');
  });
});

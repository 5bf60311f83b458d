import { literal } from '../../commands/blockKit/mrkdwn';
import { mrkdwnToText, renderBlocksAsText } from '../../commands/blockKit/text';

const plain = (text: string) => ({ type: 'plain_text', text });
const mrkdwn = (text: string) => ({ type: 'mrkdwn', text });

describe('renderBlocksAsText', () => {
  it('renders a whoowns card as readable text with numbered choices', () => {
    const blocks = [
      { type: 'header', text: plain('payments-api') },
      { type: 'section', text: mrkdwn('*Component* owned by <!subteam^S0PAY|@payments> in <#C0PAY|payments>') },
      { type: 'section', fields: [mrkdwn('*Owner*\nTeam Payments'), mrkdwn('*On call now*\n<@U0JANE>\n<@U0BOB>')] },
      { type: 'divider' },
      { type: 'context', elements: [mrkdwn('Docs built 3 days ago'), { type: 'image', image_url: 'https://x/i.png', alt_text: 'icon' }, plain('Source: GitHub')] },
      {
        type: 'actions',
        block_id: 'card-actions',
        elements: [
          { type: 'button', text: plain('Share in channel'), action_id: 'share', value: 'component:default/payments-api' },
          { type: 'button', text: plain('Open docs'), action_id: 'open-docs', url: 'https://docs.example.com/payments-api' },
        ],
      },
    ];

    expect(renderBlocksAsText(blocks, { width: 40 })).toEqual({
      text: [
        'payments-api',
        '============',
        'Component owned by @payments in',
        '#payments',
        '',
        'Owner: Team Payments',
        'On call now: @U0JANE, @U0BOB',
        '----------------------------------------',
        '  Docs built 3 days ago · Source: GitHub',
        '[1] Share in channel',
        '[2] Open docs (https://docs.example.com/payments-api)',
      ].join('\n'),
      choices: [
        { number: 1, label: 'Share in channel', actionId: 'share', value: 'component:default/payments-api', blockId: 'card-actions' },
        { number: 2, label: 'Open docs', actionId: 'open-docs', url: 'https://docs.example.com/payments-api', blockId: 'card-actions' },
      ],
    });
  });

  it('numbers section accessory buttons and static select options in order', () => {
    const blocks = [
      {
        type: 'section',
        block_id: 'suggest',
        text: mrkdwn('No entity called *paymnts*. Did you mean:'),
        accessory: { type: 'button', text: plain('payments'), action_id: 'pick', value: 'component:default/payments' },
      },
      {
        type: 'actions',
        elements: [
          {
            type: 'static_select',
            action_id: 'template',
            placeholder: plain('Pick a template'),
            options: [
              { text: plain('Node service'), value: 'node' },
              { text: plain('Go service'), value: 'go' },
            ],
          },
        ],
      },
    ];

    expect(renderBlocksAsText(blocks)).toEqual({
      text: ['No entity called paymnts. Did you mean:', '[1] payments', 'Pick a template:', '[2] Node service', '[3] Go service'].join('\n'),
      choices: [
        { number: 1, label: 'payments', actionId: 'pick', value: 'component:default/payments', blockId: 'suggest' },
        { number: 2, label: 'Node service', actionId: 'template', value: 'node' },
        { number: 3, label: 'Go service', actionId: 'template', value: 'go' },
      ],
    });
  });

  it('wraps long prose at the width, keeping list indentation', () => {
    const blocks = [{ type: 'section', text: mrkdwn('• one two three four five six seven') }];
    expect(renderBlocksAsText(blocks, { width: 20 }).text).toBe(['• one two three four', '  five six seven'].join('\n'));
  });

  it('leaves no spaces at the end of a line it wraps', () => {
    const blocks = [{ type: 'context', elements: [mrkdwn('PagerDuty · service-id: PQ7   `component:default/payments`')] }];
    expect(renderBlocksAsText(blocks, { width: 40 }).text).toBe(['  PagerDuty · service-id: PQ7', '  `component:default/payments`'].join('\n'));
  });

  it('puts a blank line between blocks, but not under a header, beside a divider, or above a context or actions block', () => {
    const blocks = [
      { type: 'header', text: plain('Title') },
      { type: 'section', text: mrkdwn('First') },
      { type: 'context', elements: [mrkdwn('caption of the first')] },
      { type: 'section', text: mrkdwn('Second') },
      { type: 'actions', elements: [{ type: 'button', text: plain('Go'), action_id: 'go' }] },
      { type: 'divider' },
      { type: 'section', text: mrkdwn('Third') },
      { type: 'context', elements: [{ type: 'image', image_url: 'https://x/i.png', alt_text: 'icon' }] },
      { type: 'section', text: mrkdwn('Fourth') },
    ];
    expect(renderBlocksAsText(blocks, { width: 10 }).text).toBe(
      ['Title', '=====', 'First', '  caption of the first', '', 'Second', '[1] Go', '-'.repeat(10), 'Third', '', 'Fourth'].join('\n'),
    );
  });

  it('keeps code blocks as written, however long', () => {
    const code = '```\nbackline catalog validate --json ./catalog-info.yaml\n```';
    expect(renderBlocksAsText([{ type: 'section', text: mrkdwn(code) }], { width: 20 }).text).toBe(code);
  });

  it('describes modal inputs as prompts', () => {
    const blocks = [
      { type: 'input', label: plain('Service name'), element: { type: 'plain_text_input', placeholder: plain('payments-api') }, hint: plain('Lowercase, dashes allowed') },
      { type: 'input', optional: true, label: plain('Owner'), element: { type: 'static_select', options: [{ text: plain('payments'), value: 'p' }, { text: plain('search'), value: 's' }] } },
    ];
    expect(renderBlocksAsText(blocks).text).toBe(
      ['Service name: text, e.g. payments-api', '  Lowercase, dashes allowed', '', 'Owner (optional): one of payments | search'].join('\n'),
    );
  });

  it('renders rich_text lists and quotes', () => {
    const blocks = [
      {
        type: 'rich_text',
        elements: [
          { type: 'rich_text_section', elements: [{ type: 'text', text: 'Owners: ' }, { type: 'user', user_id: 'U1' }] },
          { type: 'rich_text_list', style: 'bullet', elements: [{ type: 'rich_text_section', elements: [{ type: 'link', url: 'https://a.example', text: 'A' }] }] },
          { type: 'rich_text_quote', elements: [{ type: 'text', text: 'be kind' }] },
        ],
      },
    ];
    expect(renderBlocksAsText(blocks).text).toBe(['Owners: @U1', '• A (https://a.example)', '> be kind'].join('\n'));
  });

  it('marks blocks it cannot show instead of dropping them silently', () => {
    expect(renderBlocksAsText([{ type: 'table', rows: [] }]).text).toBe('[table block]');
  });

  it('uses no ANSI escape codes unless color is on', () => {
    const blocks = [
      { type: 'header', text: plain('Title') },
      { type: 'context', elements: [mrkdwn('*quiet*')] },
      { type: 'actions', elements: [{ type: 'button', text: plain('Go'), action_id: 'go' }] },
    ];
    expect(renderBlocksAsText(blocks).text).not.toContain('\u001b[');
    expect(renderBlocksAsText(blocks, { color: true }).text).toBe(
      ['\u001b[1mTitle\u001b[22m', '=====', '  \u001b[2m\u001b[1mquiet\u001b[22m\u001b[2m\u001b[22m', '\u001b[36m[1]\u001b[39m Go'].join('\n'),
    );
  });

  it('renders nothing for no blocks', () => {
    expect(renderBlocksAsText([])).toEqual({ text: '', choices: [] });
  });
});

describe('text that Backline escaped for Slack', () => {
  it('reads exactly as it was written, pings and markup included, with nothing left escaped', () => {
    const written = 'R&D <payments> pings <!channel> and <@U0ALICE01> at <https://evil.example|click> &amp;';
    const blocks = [
      { type: 'header', text: plain(written) },
      { type: 'section', text: mrkdwn(escapeForSlack(written)), fields: [mrkdwn(`*Owner*\n${escapeForSlack(written)}`)] },
      { type: 'context', elements: [mrkdwn(`:warning: ${escapeForSlack(written)}`)] },
    ];
    const lines = renderBlocksAsText(blocks, { width: 200 }).text.split('\n');
    expect(lines).toEqual([written, '='.repeat(written.length), written, `Owner: ${written}`, `  ⚠️ ${written}`]);
  });
});

const escapeForSlack = (text: string) => literal(text).text;

describe('mrkdwnToText', () => {
  it.each([
    ['*bold* and _italic_ and ~gone~', 'bold and italic and gone'],
    ['*a*, (*b*) and *two words*.', 'a, (b) and two words.'],
    ['see <https://x.example/docs|the docs>', 'see the docs (https://x.example/docs)'],
    ['see <https://x.example/docs>', 'see https://x.example/docs'],
    ['<mailto:jane@example.com|jane@example.com>', 'jane@example.com'],
    ['ask in <#C123|payments>', 'ask in #payments'],
    ['ask in <#C123>', 'ask in #C123'],
    ['ping <@U123>', 'ping @U123'],
    ['ping <@U123|jane>', 'ping @jane'],
    ['team <!subteam^S1|@handle>', 'team @handle'],
    ['team <!subteam^S1>', 'team @S1'],
    ['<!here> and <!channel>', '@here and @channel'],
    ['built <!date^1392734382^{date_short}|Feb 18, 2014>', 'built Feb 18, 2014'],
    ['R&amp;D &lt;team&gt; &amp;lt;', 'R&D <team> &lt;'],
    ['team_a_b and snake_case stay', 'team_a_b and snake_case stay'],
    ['2 * 3 * 4', '2 * 3 * 4'],
  ])('turns %j into %j', (input, expected) => {
    expect(mrkdwnToText(input)).toBe(expected);
  });
});

describe('emoji shortcodes', () => {
  it('shows the ones Backline uses as characters and leaves unknown ones as written', () => {
    const { text } = renderBlocksAsText([{ type: 'section', text: { type: 'mrkdwn', text: ':warning: stale :custom-party:' } }]);
    expect(text.trim()).toBe('⚠️ stale :custom-party:');
  });
});

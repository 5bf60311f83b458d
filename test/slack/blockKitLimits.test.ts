import { BLOCK_KIT_LIMITS, limitList, truncate } from '../../commands/blockKit/limits';
import { checkMessageLimits, checkViewLimits } from '../../commands/blockKit/checks';

const plain = (text: string) => ({ type: 'plain_text', text });
const mrkdwn = (text: string) => ({ type: 'mrkdwn', text });
const section = (text: string) => ({ type: 'section', text: mrkdwn(text) });
const button = (text: string, extra: Record<string, unknown> = {}) => ({ type: 'button', text: plain(text), action_id: 'go', ...extra });
const option = (text: string, value = text) => ({ text: plain(text), value });
const x = (n: number) => 'x'.repeat(n);

describe('checkMessageLimits', () => {
  it('accepts a typical card with header, section, fields, context and buttons', () => {
    const blocks = [
      { type: 'header', text: plain('payments-api') },
      { type: 'section', text: mrkdwn('*Owner* <!subteam^S1|@payments>'), fields: [mrkdwn('*On call*\n<@U1>')] },
      { type: 'divider' },
      { type: 'context', elements: [mrkdwn('Docs built 3 days ago')] },
      { type: 'actions', elements: [button('Share in channel'), button('Open docs', { action_id: 'docs', url: 'https://docs.example.com' })] },
    ];
    expect(checkMessageLimits({ text: 'payments-api is owned by Payments', blocks })).toEqual([]);
  });

  it('accepts a payload with text only', () => {
    expect(checkMessageLimits({ text: 'hello' })).toEqual([]);
  });

  it('accepts every limit exactly at its maximum', () => {
    const blocks = [
      { type: 'header', text: plain(x(150)) },
      { type: 'section', text: mrkdwn(x(3000)) },
      { type: 'section', fields: Array.from({ length: 10 }, () => mrkdwn(x(200))) },
      { type: 'actions', block_id: x(255), elements: [button(x(75), { value: x(2000), action_id: x(255) })] },
    ];
    expect(checkMessageLimits({ text: x(4000), blocks })).toEqual([]);
  });

  it('reports message text over 4000 characters', () => {
    expect(checkMessageLimits({ text: x(4001) })).toEqual(["text: message text is 4001 characters, over Slack's limit of 4000"]);
  });

  it('reports more than 50 blocks in a message', () => {
    const blocks = Array.from({ length: 51 }, () => ({ type: 'divider' }));
    expect(checkMessageLimits({ blocks })).toEqual(["blocks: 51 blocks in a message, over Slack's limit of 50"]);
  });

  it('reports section text over 3000 characters', () => {
    expect(checkMessageLimits({ blocks: [section(x(3001))] })).toEqual([
      "blocks[0].text.text: section text is 3001 characters, over Slack's limit of 3000",
    ]);
  });

  it('reports more than 10 fields and any field over 2000 characters', () => {
    const fields = [mrkdwn(x(2001)), ...Array.from({ length: 10 }, () => mrkdwn('ok'))];
    expect(checkMessageLimits({ blocks: [{ type: 'section', fields }] })).toEqual([
      "blocks[0].fields: 11 section fields, over Slack's limit of 10",
      "blocks[0].fields[0].text: section field is 2001 characters, over Slack's limit of 2000",
    ]);
  });

  it('reports a header over 150 characters and a mrkdwn header', () => {
    expect(checkMessageLimits({ blocks: [{ type: 'header', text: plain(x(151)) }, { type: 'header', text: mrkdwn('*hi*') }] })).toEqual([
      "blocks[0].text.text: header text is 151 characters, over Slack's limit of 150",
      'blocks[1].text.type: header text must be plain_text, not mrkdwn',
    ]);
  });

  it('reports more than 10 context elements', () => {
    const elements = Array.from({ length: 11 }, (_, i) => mrkdwn(`part ${i}`));
    expect(checkMessageLimits({ blocks: [{ type: 'context', elements }] })).toEqual([
      "blocks[0].elements: 11 context elements, over Slack's limit of 10",
    ]);
  });

  it('reports button text, value and url over their limits', () => {
    const blocks = [{ type: 'actions', elements: [button(x(76), { value: x(2001), url: `https://${x(2993)}` })] }];
    expect(checkMessageLimits({ blocks })).toEqual([
      "blocks[0].elements[0].text.text: button text is 76 characters, over Slack's limit of 75",
      "blocks[0].elements[0].value: button value is 2001 characters, over Slack's limit of 2000",
      "blocks[0].elements[0].url: button url is 3001 characters, over Slack's limit of 3000",
    ]);
  });

  it('reports more than 25 elements in an actions block', () => {
    const elements = Array.from({ length: 26 }, (_, i) => button(`b${i}`, { action_id: `a${i}` }));
    expect(checkMessageLimits({ blocks: [{ type: 'actions', elements }] })).toEqual([
      "blocks[0].elements: 26 actions elements, over Slack's limit of 25",
    ]);
  });

  it('reports a static_select with more than 100 options, and options over 75 characters', () => {
    const options = [option(x(76), x(76)), ...Array.from({ length: 100 }, (_, i) => option(`o${i}`))];
    const select = { type: 'static_select', action_id: 'pick', placeholder: plain('Pick'), options };
    expect(checkMessageLimits({ blocks: [{ type: 'section', text: mrkdwn('Pick one'), accessory: select }] })).toEqual([
      "blocks[0].accessory.options: 101 static_select options, over Slack's limit of 100",
      "blocks[0].accessory.options[0].text.text: option text is 76 characters, over Slack's limit of 75",
      "blocks[0].accessory.options[0].value: option value is 76 characters, over Slack's limit of 75",
    ]);
  });

  it('reports block_id and action_id over 255 characters', () => {
    const blocks = [{ type: 'actions', block_id: x(256), elements: [button('Go', { action_id: x(256) })] }];
    expect(checkMessageLimits({ blocks })).toEqual([
      "blocks[0].block_id: block_id is 256 characters, over Slack's limit of 255",
      "blocks[0].elements[0].action_id: action_id is 256 characters, over Slack's limit of 255",
    ]);
  });

  it('reports a block_id used twice in one message', () => {
    const blocks = [{ ...section('a'), block_id: 'card' }, { ...section('b'), block_id: 'card' }];
    expect(checkMessageLimits({ blocks })).toEqual(["blocks[1].block_id: 'card' is already used by blocks[0]"]);
  });

  it('reports an action_id used twice in one actions block', () => {
    const blocks = [{ type: 'actions', elements: [button('One'), button('Two')] }];
    expect(checkMessageLimits({ blocks })).toEqual([
      "blocks[0].elements[1].action_id: 'go' is already used in this block by blocks[0].elements[0]",
    ]);
  });

  it('reports blocks whose JSON totals more than 13,000 characters (msg_blocks_too_long)', () => {
    const blocks = Array.from({ length: 5 }, () => section(x(2900)));
    const json = JSON.stringify(blocks).length;
    expect(checkMessageLimits({ blocks })).toEqual([
      `blocks: ${json} characters of JSON in total, over Slack's limit of about 13000 (msg_blocks_too_long)`,
    ]);
  });

  it('reports unknown block types, bad text objects, empty text and sections with nothing in them', () => {
    const blocks = [
      { type: 'paragraph' },
      { type: 'section', text: { type: 'markdown', text: 'hi' } },
      { type: 'section', text: 'just a string' },
      section(''),
      { type: 'section' },
      'divider',
    ];
    expect(checkMessageLimits({ blocks })).toEqual([
      "blocks[0].type: unknown block type 'paragraph'",
      "blocks[1].text.type: a text object's type must be 'plain_text' or 'mrkdwn', not 'markdown'",
      "blocks[2].text: section text must be a text object ({ type, text }), not 'just a string'",
      'blocks[3].text.text: section text is empty; Slack needs at least 1 character',
      'blocks[4]: a section needs text or fields',
      "blocks[5]: must be a block object, not 'divider'",
    ]);
  });

  it('reports blocks that are not an array', () => {
    expect(checkMessageLimits({ blocks: 'nope' as unknown as unknown[] })).toEqual(['blocks: must be an array of blocks']);
  });
});

describe('checkViewLimits', () => {
  const modal = (extra: Record<string, unknown> = {}) => ({
    type: 'modal',
    callback_id: 'create-service',
    title: plain('Create a service'),
    submit: plain('Create'),
    close: plain('Cancel'),
    blocks: [{ type: 'input', block_id: 'name', label: plain('Name'), element: { type: 'plain_text_input', action_id: 'value' } }],
    ...extra,
  });

  it('accepts a modal with inputs and a Home tab', () => {
    expect(checkViewLimits(modal())).toEqual([]);
    expect(checkViewLimits({ type: 'home', blocks: [section('My teams')] })).toEqual([]);
  });

  it('reports modal title, submit and close over 24 characters', () => {
    expect(checkViewLimits(modal({ title: plain(x(25)), submit: plain(x(25)), close: plain(x(25)) }))).toEqual([
      "view.title.text: modal title is 25 characters, over Slack's limit of 24",
      "view.submit.text: modal submit is 25 characters, over Slack's limit of 24",
      "view.close.text: modal close is 25 characters, over Slack's limit of 24",
    ]);
  });

  it('reports a modal without a title, and one with inputs but no submit button', () => {
    expect(checkViewLimits(modal({ title: undefined, submit: undefined }))).toEqual([
      'view.title: a modal needs a title',
      'view.submit: a modal with input blocks needs a submit button',
    ]);
  });

  it('reports private_metadata over 3000 and callback_id over 255 characters', () => {
    expect(checkViewLimits(modal({ private_metadata: x(3001), callback_id: x(256) }))).toEqual([
      "view.private_metadata: private_metadata is 3001 characters, over Slack's limit of 3000",
      "view.callback_id: callback_id is 256 characters, over Slack's limit of 255",
    ]);
  });

  it('allows 100 blocks in a view but not 101', () => {
    const blocks = (n: number) => Array.from({ length: n }, () => ({ type: 'divider' }));
    expect(checkViewLimits({ type: 'home', blocks: blocks(100) })).toEqual([]);
    expect(checkViewLimits({ type: 'home', blocks: blocks(101) })).toEqual([
      "view.blocks: 101 blocks in a view, over Slack's limit of 100",
    ]);
  });

  it('reports a view over 250 kB (view_too_large)', () => {
    const blocks = Array.from({ length: 90 }, () => section(x(2990)));
    const bytes = Buffer.byteLength(JSON.stringify({ type: 'home', blocks }));
    expect(checkViewLimits({ type: 'home', blocks })).toEqual([
      `view: ${bytes} bytes of JSON, over Slack's limit of 250000 (view_too_large)`,
    ]);
  });

  it('reports a duplicated block_id and an input without a label', () => {
    const blocks = [
      { type: 'input', block_id: 'name', label: plain('Name'), element: { type: 'plain_text_input' } },
      { type: 'input', block_id: 'name', element: { type: 'plain_text_input' } },
    ];
    expect(checkViewLimits(modal({ blocks }))).toEqual([
      "view.blocks[1].block_id: 'name' is already used by view.blocks[0]",
      'view.blocks[1].label: input label must be a text object ({ type, text }), not undefined',
    ]);
  });

  it('reports a view of an unknown type and a view that is not an object', () => {
    expect(checkViewLimits({ type: 'workflow_step', blocks: [] })).toEqual(["view.type: must be 'modal' or 'home', not 'workflow_step'"]);
    expect(checkViewLimits(null)).toEqual(['view: must be an object']);
  });
});

describe('truncate', () => {
  it('leaves text within the limit unchanged', () => {
    expect(truncate('payments', 8)).toBe('payments');
  });

  it('cuts longer text to exactly the limit, ending with an ellipsis', () => {
    expect(truncate('payments-api', 8)).toBe('payment…');
    expect(truncate('payments-api', 8)).toHaveLength(8);
  });

  it('never splits an emoji in half', () => {
    expect(truncate('ab🙂cd', 4)).toBe('ab…');
  });

  it('returns an empty string for a limit of zero', () => {
    expect(truncate('abc', 0)).toBe('');
  });

  it('fits a field to BLOCK_KIT_LIMITS so the message passes the checks', () => {
    const text = truncate(x(5000), BLOCK_KIT_LIMITS.sectionText);
    expect(checkMessageLimits({ blocks: [section(text)] })).toEqual([]);
  });
});

describe('limitList', () => {
  it('shows the first items and counts the rest', () => {
    expect(limitList(['a', 'b', 'c', 'd'], 2)).toEqual({ shown: ['a', 'b'], more: 2 });
  });

  it('shows everything when the list is short enough', () => {
    expect(limitList(['a'], 10)).toEqual({ shown: ['a'], more: 0 });
  });

  it('treats a negative limit as zero', () => {
    expect(limitList([1, 2], -1)).toEqual({ shown: [], more: 2 });
  });
});

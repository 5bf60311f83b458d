import { checkMessageLimits, checkViewLimits } from '../../commands/blockKit/checks';
import { findJson, type FindHit, type FindResult } from '../../commands/find';
import { findSummaryText, renderFind } from '../../commands/find.blocks';
import { parseFindQuery } from '../../commands/findQuery';
import { renderUnfurl } from '../../commands/unfurl.blocks';
import { HIGHLIGHT } from '../../src/search/store';
import { FIXTURE_MARKUP, hostileEntity, hostileWhoOwns } from '../support/hostileFixtures';
import { blockUrls, foreignMarkup, HOSTILE_STRINGS, linkTargetsOf, mrkdwnTexts } from '../support/hostileStrings';

/** A /find answer in which every string the catalog, a docs page or the asker gave is `h`. */
function hostileFind(h: string, options: { empty?: boolean } = {}): FindResult {
  const hit = (field: FindHit['why']['field']): FindHit => ({
    ref: h,
    entity: hostileEntity(h),
    kind: h,
    title: h,
    owner: { ref: h, displayName: h, slackChannel: h },
    score: 1,
    why: { field, text: `${h} ${HIGHLIGHT.start}${h}${HIGHLIGHT.stop} ${h}`, ...(field === 'docs' && { page: { title: h, location: h, siteUrl: h } }) },
    hasDocs: true,
  });
  const parsed = parseFindQuery(`${h} kind:${h} owner:${h} ${h}:${h}`);
  return {
    kind: 'find',
    query: h,
    parsed,
    like: null,
    results: options.empty ? [] : [hit('name'), hit('docs'), hit('description'), hit('about'), hit('filters')],
    suggestions: options.empty ? [h, `${h}s`] : [],
    corrections: [{ typed: h, meant: h }],
  };
}

const MESSAGES: Array<[message: string, render: (h: string) => { text: string; blocks: unknown }]> = [
  ['the /find answer', (h) => ({ text: findSummaryText(hostileFind(h)), blocks: renderFind(hostileFind(h)) })],
  ['the /find answer that found nothing, with the nearest words', (h) => ({ text: findSummaryText(hostileFind(h, { empty: true })), blocks: renderFind(hostileFind(h, { empty: true })) })],
  ['the /find answer as the CLI prints it', (h) => ({ text: findSummaryText(hostileFind(h)), blocks: renderFind(hostileFind(h), { noButtons: true, plainNames: true }) })],
  ['"more like this"', (h) => ({ text: findSummaryText({ ...hostileFind(h), like: { ref: h, title: h } }), blocks: renderFind({ ...hostileFind(h), like: { ref: h, title: h } }) })],
  ['the card a pasted link unfurls into', (h) => ({ text: '', blocks: renderUnfurl(hostileWhoOwns(h), { source: 'repository' }) })],
];

describe.each(MESSAGES)('%s', (_message, render) => {
  it.each(HOSTILE_STRINGS)('shows %s as text: no ping, mention or link Backline did not build from checked data', (_what, hostile) => {
    const { text, blocks } = render(hostile);
    expect([...mrkdwnTexts(blocks), text].flatMap((one) => foreignMarkup(one, { ...FIXTURE_MARKUP, linkTargets: linkTargetsOf(hostile) }))).toEqual([]);
  });

  it.each(HOSTILE_STRINGS)('stays inside every Block Kit limit Slack enforces with %s in every field', (_what, hostile) => {
    const { text, blocks } = render(hostile);
    expect(checkMessageLimits({ text, blocks: blocks as unknown[] })).toEqual([]);
    for (const url of blockUrls(blocks)) expect(['http:', 'https:']).toContain(new URL(url).protocol);
  });
});

describe('the search modal of App Home', () => {
  it.each(HOSTILE_STRINGS)('shows results with %s in them as text, within a modal’s limits', (_what, hostile) => {
    const blocks = renderFind(hostileFind(hostile), { noButtons: true });
    expect(mrkdwnTexts(blocks).flatMap((one) => foreignMarkup(one, { ...FIXTURE_MARKUP, linkTargets: linkTargetsOf(hostile) }))).toEqual([]);
    expect(checkViewLimits({ type: 'modal', title: { type: 'plain_text', text: 'Search the catalog' }, blocks })).toEqual([]);
  });
});

describe('the JSON of backline search', () => {
  it('carries the why as plain text, without the highlight markers', () => {
    const json = findJson(hostileFind('<!channel>'));
    expect(json.results[0]!.why).toBe('name: <!channel> <!channel> <!channel>');
    expect(JSON.stringify(json)).not.toMatch(/[\uE000\uE001]/u);
  });
});

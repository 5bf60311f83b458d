import { onCallField, onCallSummaryText, renderOnCall } from '../../commands/oncall.blocks';
import type { OnCallResult } from '../../commands/oncall';
import type { StoredEntity } from '../../src/catalog/store';
import type { OnCallAnswer } from '../../src/oncall/resolve';
import { checkMessageLimits } from '../../commands/blockKit/checks';

const payments: StoredEntity = {
  ref: 'group:default/payments',
  refKey: 'group:default/payments',
  kind: 'group',
  namespace: 'default',
  name: 'payments',
  locationKey: 'file:test',
  entity: { apiVersion: 'backstage.io/v1alpha1', kind: 'Group', metadata: { name: 'payments', title: 'Payments' }, spec: { type: 'team', children: [] } },
};

const answer: OnCallAnswer = {
  target: 'group:default/payments',
  source: 'pagerduty',
  origin: { ref: 'group:default/payments', displayName: 'Payments', relation: 'itself' },
  label: 'service Payments API',
  oncall: [
    { name: 'Ben Okafor', email: 'ben@example.com', userRef: 'user:default/ben', slackUserId: 'U0BEN', level: 1, from: null, until: Date.parse('2026-05-11T09:00:00Z') },
    { name: 'Marcus <Webb>', email: null, userRef: null, slackUserId: null, level: 2, from: null, until: null },
  ],
  next: [{ name: 'Ana Silva', email: 'ana@example.com', userRef: 'user:default/ana', slackUserId: 'U0ANA', level: 1, from: Date.parse('2026-05-11T09:00:00Z'), until: Date.parse('2026-05-18T09:00:00Z') }],
  pageUrl: 'https://northwind.pagerduty.com/service-directory/PQ7K2ZL',
  servedFrom: 'stale',
  fetchedAt: Date.parse('2026-05-06T11:55:00Z'),
  warnings: ['PagerDuty answered 503 Service Unavailable; showing what it said 5 min ago.'],
  at: Date.parse('2026-05-06T12:00:00Z'),
};

const result: OnCallResult = { query: 'payments', target: payments, answer, suggestions: [], timeZone: 'Europe/London', warnings: [] };

describe('the /oncall card', () => {
  it('lists levels in order with times in the viewer time zone, who is next, warnings, the page button and where the answer came from', () => {
    const blocks = renderOnCall(result);
    expect(blocks).toEqual([
      { type: 'header', text: { type: 'plain_text', text: 'On call for Payments', emoji: true } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: 'PagerDuty · service Payments API   `group:default/payments`' }] },
      { type: 'section', text: { type: 'mrkdwn', text: '*Level 1*  <@U0BEN>  until Mon 11 May, 10:00 BST\n*Level 2*  Marcus &lt;Webb&gt;  _no end set_' } },
      { type: 'section', text: { type: 'mrkdwn', text: '*Next:* <@U0ANA> from Mon 11 May, 10:00 BST until Mon 18 May, 10:00 BST' } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: ':warning: PagerDuty answered 503 Service Unavailable; showing what it said 5 min ago.' }] },
      { type: 'actions', block_id: 'oncall:card', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Page in PagerDuty', emoji: true }, action_id: 'oncall:page', url: 'https://northwind.pagerduty.com/service-directory/PQ7K2ZL', style: 'danger' }] },
      { type: 'context', elements: [{ type: 'mrkdwn', text: 'Times in Europe/London · last known answer, from Wed 6 May, 12:55 BST' }] },
    ]);
    expect(checkMessageLimits({ text: onCallSummaryText(result), blocks })).toEqual([]);
  });

  it('says where the setting came from when it is a parent team', () => {
    const fromParent = renderOnCall({ ...result, answer: { ...answer, origin: { ref: 'group:default/money', displayName: 'Money Movement', relation: 'parent' } } });
    expect(fromParent[1]).toEqual({ type: 'context', elements: [{ type: 'mrkdwn', text: 'PagerDuty · service Payments API · set on the parent team *Money Movement*   `group:default/payments`' }] });
  });

  it('shows names with the email to reach them by, rather than mentions, outside Slack', () => {
    const blocks = renderOnCall(result, { plainNames: true });
    expect(blocks[2]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: '*Level 1*  Ben Okafor &lt;ben@example.com&gt;  until Mon 11 May, 10:00 BST\n*Level 2*  Marcus &lt;Webb&gt;  _no end set_' } });
    expect(blocks[3]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: '*Next:* Ana Silva &lt;ana@example.com&gt; from Mon 11 May, 10:00 BST until Mon 18 May, 10:00 BST' } });
    expect(onCallField(answer, { plainNames: true }).text).toBe('Ben Okafor &lt;ben@example.com&gt; until Mon 11 May, 09:00 UTC (PagerDuty) :warning: provider unreachable, last known');
  });

  it('gives the page link as a link, not a button, where nothing can press one', () => {
    const blocks = renderOnCall(result, { plainNames: true, noButtons: true });
    expect(blocks.filter((block) => block.type === 'actions')).toEqual([]);
    expect(blocks).toContainEqual({ type: 'section', text: { type: 'mrkdwn', text: '<https://northwind.pagerduty.com/service-directory/PQ7K2ZL|Page in PagerDuty>' } });
  });

  it('offers near names as buttons, or as a list of refs where nothing can press a button', () => {
    const notFound: OnCallResult = { ...result, query: 'paymnets', target: null, answer: null, suggestions: [{ ref: 'group:default/payments', title: 'Payments' }, { ref: 'component:default/payments-service', title: null }] };
    expect(renderOnCall(notFound).slice(1)).toEqual([
      { type: 'section', text: { type: 'mrkdwn', text: 'Did you mean:' } },
      {
        type: 'actions',
        block_id: 'oncall:lookup',
        elements: [
          { type: 'button', text: { type: 'plain_text', text: 'Payments', emoji: true }, action_id: 'oncall:lookup:0', value: 'ref:group:default/payments' },
          { type: 'button', text: { type: 'plain_text', text: 'payments-service', emoji: true }, action_id: 'oncall:lookup:1', value: 'ref:component:default/payments-service' },
        ],
      },
    ]);
    expect(renderOnCall(notFound, { noButtons: true }).slice(1)).toEqual([
      { type: 'section', text: { type: 'mrkdwn', text: 'Did you mean:\n• Payments  `group:default/payments`\n• payments-service  `component:default/payments-service`' } },
    ]);
  });

  it('summarises who to call first for notifications', () => {
    expect(onCallSummaryText(result)).toBe('Ben Okafor is on call for group:default/payments until Mon 11 May, 10:00 BST');
    expect(onCallSummaryText({ ...result, answer: { ...answer, oncall: [] } })).toBe('Nobody is on call for group:default/payments');
  });
});

describe('the on-call field of /whoowns', () => {
  it('says "not configured" without an on-call setting', () => {
    expect(onCallField(undefined).text).toBe('not configured');
    expect(onCallField({ ...answer, source: null }).text).toBe('not configured');
  });

  it('names the first level with a Slack date token, and flags an answer the provider could not refresh', () => {
    expect(onCallField(answer).text).toBe('<@U0BEN> until <!date^1778490000^{date_short_pretty} {time}|Mon 11 May, 09:00 UTC> (PagerDuty) :warning: provider unreachable, last known');
  });

  it('says nobody is on call, with the reason', () => {
    expect(onCallField({ ...answer, oncall: [], warnings: ['PagerDuty did not answer in 2 s.'] }).text).toBe('nobody now (PagerDuty)\n:warning: PagerDuty did not answer in 2 s.');
    expect(onCallField({ ...answer, oncall: [], servedFrom: null, warnings: ['Backline cannot ask PagerDuty: set PAGERDUTY_TOKEN.'] }).text).toBe(
      'unknown (PagerDuty)\n:warning: Backline cannot ask PagerDuty: set PAGERDUTY_TOKEN.',
    );
    expect(onCallField({ ...answer, source: 'rotation', oncall: [], servedFrom: 'catalog', warnings: [] }).text).toBe('nobody now (Rotation)');
  });
});

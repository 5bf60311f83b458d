import { renderDigest, renderHomeHealth, renderNotApplicableModal, renderNudge, renderShowAllView, snoozeConfirmation } from '../../commands/digest.blocks';
import { composeDigest, type TeamDigest } from '../../src/health/digest';
import { checkMessageLimits, checkViewLimits } from '../../commands/blockKit/checks';
import { CHECKS, entity, T0, team } from './fakes';

const NOW = new Date('2026-11-23T09:30:00Z');

function digestOf(entities: ReturnType<typeof entity>[], overrides: Partial<Parameters<typeof composeDigest>[0]> = {}): TeamDigest {
  return composeDigest({ health: team('payments', entities, { level: 'bronze', score: 50 }), scorecard: { checks: CHECKS }, last: null, transitions: [], waivers: [], history: [], catalogProblems: [], staleOwners: [], now: NOW, ...overrides });
}

describe('the digest message', () => {
  it('shows level, score, the top three actions with Snooze and Not applicable buttons, and Show all', () => {
    const digest = digestOf([entity('ledger', { 'has-description': 'fail', 'has-runbook': 'fail', 'has-oncall': 'fail', 'docs-fresh': 'fail' }, { title: 'Ledger' })]);
    const { text, blocks } = renderDigest(digest);
    expect(text).toBe('Health digest for Payments: :3rd_place_medal: Bronze, score 50, 4 failing checks');
    expect(blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: 'Health digest: Payments', emoji: true } });
    expect(blocks[1]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: '*:3rd_place_medal: Bronze* · score *50*' } });
    const buttons = blocks.filter((block) => block.type === 'actions').map((block) => (block as { elements: Array<{ text: { text: string }; action_id: string; value: string }> }).elements);
    expect(buttons).toHaveLength(4);
    expect(buttons[0]!.map((button) => [button.text.text, button.action_id, button.value])).toEqual([
      ['Snooze 2 weeks', 'digest:snooze', 'group:default/payments|has-description'],
      ['Not applicable…', 'digest:not-applicable', 'group:default/payments|has-description'],
    ]);
    expect(buttons[3]!.map((button) => [button.text.text, button.action_id, button.value])).toEqual([['Show all', 'digest:show-all', 'group:default/payments']]);
    expect(JSON.stringify(blocks)).toContain('…and 1 more failing check: *Show all* lists them with how to fix each.');
    expect(checkMessageLimits({ text, blocks })).toEqual([]);
  });

  it('says what each action is, why it matters, how to fix it and where', () => {
    const digest = digestOf([entity('ledger', { 'has-runbook': 'fail' }, { title: 'Ledger' }), entity('vault', { 'has-runbook': 'fail' }, { title: 'Vault', lifecycle: 'experimental' })]);
    const section = renderDigest(digest).blocks.find((block) => block.type === 'section' && JSON.stringify(block).includes('1. Has a runbook'));
    expect(section).toEqual({
      type: 'section',
      text: { type: 'mrkdwn', text: '*1. Has a runbook*  :2nd_place_medal: Silver · 2 entities, 1 in production\n_On-call needs it at 3 am._\n*Fix:* Link a runbook in metadata.links. <https://example.com/runbooks|How to>\nOn Ledger _(production)_, Vault' },
    });
  });

  it('stays inside Block Kit limits with hundreds of failures, long names and many problems, cutting lists with "…and N more"', () => {
    const many = Array.from({ length: 300 }, (_, i) => entity(`service-${i}-${'x'.repeat(60)}`, { 'has-description': 'fail', 'has-runbook': 'fail', 'has-oncall': 'fail', 'docs-fresh': 'fail', 'has-owner': 'fail' }));
    const digest = digestOf(many, {
      catalogProblems: Array.from({ length: 50 }, (_, i) => ({ file: `repos/service-${i}/catalog-info.yaml`, line: i, message: `bad indentation of a mapping entry ${'y'.repeat(200)}` })),
      staleOwners: Array.from({ length: 40 }, (_, i) => ({ ref: `user:default/p${i}`, displayName: `Person ${i}`, reason: 'left-org' as const })),
      transitions: many.map((e) => ({ entityRef: e.ref, checkId: 'has-description', from: 'pass' as const, to: 'fail' as const, at: T0 })),
    });
    const { text, blocks } = renderDigest(digest);
    expect(checkMessageLimits({ text, blocks })).toEqual([]);
    expect(JSON.stringify(blocks)).toMatch(/…and \d+ more/);
    expect(checkViewLimits(renderShowAllView(digest))).toEqual([]);
    expect(checkViewLimits({ type: 'home', blocks: renderHomeHealth([digest, digest, digest, digest, digest], 60) })).toEqual([]);
  });

  it('congratulates a team whose checks all pass', () => {
    const digest = digestOf([entity('ledger', { 'has-description': 'pass' })]);
    expect(JSON.stringify(renderDigest(digest).blocks)).toContain(':tada: Every check passes.');
  });
});

describe('the Show all view', () => {
  it('lists every failing check with its fix, and who snoozed or waived what, why and until when', () => {
    const digest = digestOf([entity('ledger', { 'has-description': 'fail', 'has-runbook': 'fail' }, { title: 'Ledger' })], {
      waivers: [{ id: '1', entityRef: 'component:default/ledger', checkId: 'has-runbook', kind: 'not_applicable', reason: 'batch job', createdBy: 'U0ANA', createdAt: new Date('2026-11-20T00:00:00Z'), expiresAt: new Date('2027-02-18T00:00:00Z') }],
    });
    const view = renderShowAllView(digest);
    expect(view).toMatchObject({ type: 'modal', callback_id: 'digest:show-all', title: { type: 'plain_text', text: 'All failing checks' } });
    const text = JSON.stringify(view.blocks);
    expect(text).toContain('*Has a description*');
    expect(text).toContain('*Fix:* Add metadata.description.');
    expect(text).toContain('*Ledger*: Has a runbook, not applicable by <@U0ANA> on <!date^1795132800^{date_short}|2026-11-20> until <!date^1802908800^{date_short}|2027-02-18>: \\"batch job\\"');
  });
});

describe('the not-applicable modal', () => {
  it('asks for a required reason and an expiry, carrying the target in private_metadata', () => {
    const view = renderNotApplicableModal({ teamName: 'Payments', title: 'Has a runbook', why: 'On-call needs it.', entities: ['Ledger'], metadata: '{"t":"group:default/payments","c":"has-runbook"}' });
    expect(checkViewLimits(view)).toEqual([]);
    expect(view.private_metadata).toBe('{"t":"group:default/payments","c":"has-runbook"}');
    expect(view.blocks.map((block) => [block.type, block.block_id])).toEqual([
      ['section', undefined],
      ['input', 'reason'],
      ['input', 'expiry'],
    ]);
    expect(view.blocks[1]).not.toHaveProperty('optional');
    expect(view.blocks[1]).toMatchObject({ element: { type: 'plain_text_input', action_id: 'value', multiline: true, max_length: 500 } });
    expect(view.blocks[2]).toMatchObject({ element: { type: 'static_select', initial_option: { value: '90' } } });
  });
});

describe('a snooze confirmation', () => {
  it('names the check, the entities, who snoozed it and until when', () => {
    expect(snoozeConfirmation({ title: 'Has a runbook', entities: ['Ledger', 'Vault'], userId: 'U0ANA', until: new Date('2026-12-07T09:30:00Z') }).text).toBe(
      ':zzz: Snoozed *Has a runbook* on Ledger, Vault until <!date^1796635800^{date_short}|2026-12-07> (by <@U0ANA>). Digests and nudges leave it out until then.',
    );
  });
});

describe('a nudge', () => {
  it('lists the checks that started failing on production, each with its buttons for that entity', () => {
    const { text, blocks } = renderNudge({
      team: 'group:default/payments',
      displayName: 'Payments',
      channel: 'payments',
      items: [{ entityRef: 'component:default/ledger', displayName: 'Ledger', checkId: 'has-oncall', title: 'Has an on-call rotation', level: 'silver', fix: { text: 'Add pagerduty.com/service-id.' }, transitionAt: T0 }],
    });
    expect(text).toBe('1 check started failing on production for Payments');
    expect(blocks).toEqual([
      { type: 'section', text: { type: 'mrkdwn', text: ':rotating_light: A check started failing on production for *Payments*' } },
      { type: 'section', text: { type: 'mrkdwn', text: '*Ledger*: Has an on-call rotation (:2nd_place_medal: Silver)\n_Fix:_ Add pagerduty.com/service-id.' } },
      {
        type: 'actions',
        block_id: 'nudge:component:default/ledger:has-oncall',
        elements: [
          { type: 'button', text: { type: 'plain_text', text: 'Snooze 2 weeks', emoji: true }, action_id: 'digest:snooze', value: 'group:default/payments|has-oncall|component:default/ledger' },
          { type: 'button', text: { type: 'plain_text', text: 'Not applicable…', emoji: true }, action_id: 'digest:not-applicable', value: 'group:default/payments|has-oncall|component:default/ledger' },
        ],
      },
    ]);
  });
});

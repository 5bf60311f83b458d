import { createCommandSet, type CommandPorts } from '../../commands';
import type { DigestCommandPorts } from '../../commands/digest';
import { composeDigest } from '../../src/health/digest';
import { UserFacingError } from '../../src/errors';
import { CHECKS, entity, memoryHealth, team, type MemoryHealth } from './fakes';

const NOW = new Date('2026-11-23T10:00:00Z');
const PAYMENTS = 'group:default/payments';
const context = { userId: 'U0ANA', channelId: 'C0PAY', channelName: 'payments' };
// The digest buttons never read the catalog; /whoowns is not under test here.
const catalog = {} as CommandPorts['catalog'];

let health: MemoryHealth;
let ports: DigestCommandPorts;

beforeEach(() => {
  health = memoryHealth([team('payments', [entity('ledger', { 'has-runbook': 'fail', 'has-oncall': 'fail' }, { title: 'Ledger' }), entity('vault', { 'has-runbook': 'fail', 'has-oncall': 'pass' }, { title: 'Vault' })])], { now: () => NOW });
  ports = {
    health,
    now: () => NOW,
    digestOf: async (ref, now) => {
      const found = await health.teamHealth(ref);
      return found && composeDigest({ health: found, scorecard: { checks: CHECKS }, last: null, transitions: [], waivers: await health.activeWaivers({ at: now }), history: [], catalogProblems: [], staleOwners: [], now });
    },
  };
});

const commands = () => createCommandSet({ catalog, digests: ports });
const values = (reason: string, expiry = '90') => ({ reason: { value: { type: 'plain_text_input', value: reason } }, expiry: { value: { type: 'static_select', selected_option: { value: expiry } } } });

describe('"Snooze 2 weeks"', () => {
  it('stores a snooze of the check on every entity of the team failing it, with who, when and until when, and says so', async () => {
    const reply = await commands().act('digest:snooze', `${PAYMENTS}|has-runbook`, context);
    expect(health.waivers).toEqual([
      { id: '1', entityRef: 'component:default/ledger', checkId: 'has-runbook', kind: 'snooze', reason: null, createdBy: 'U0ANA', createdAt: NOW, expiresAt: new Date('2026-12-07T10:00:00Z') },
      { id: '2', entityRef: 'component:default/vault', checkId: 'has-runbook', kind: 'snooze', reason: null, createdBy: 'U0ANA', createdAt: NOW, expiresAt: new Date('2026-12-07T10:00:00Z') },
    ]);
    expect(reply).toMatchObject({ visibility: 'ephemeral', replaceOriginal: false });
    expect(reply!.text).toBe(':zzz: Snoozed *Has a runbook* on Ledger, Vault until <!date^1796637600^{date_short}|2026-12-07> (by <@U0ANA>). Digests and nudges leave it out until then.');
  });

  it('from a nudge, snoozes only the entity the nudge named', async () => {
    await commands().act('digest:snooze', `${PAYMENTS}|has-runbook|component:default/vault`, context);
    expect(health.waivers.map((waiver) => waiver.entityRef)).toEqual(['component:default/vault']);
  });

  it('takes the snoozed check out of the next digest', async () => {
    await commands().act('digest:snooze', `${PAYMENTS}|has-runbook`, context);
    const digest = await ports.digestOf(PAYMENTS, NOW);
    expect(digest?.actions.map((action) => action.checkId)).toEqual(['has-oncall']);
    expect(digest?.waived).toHaveLength(2);
  });

  it('says there is nothing to do when the check no longer fails', async () => {
    await expect(commands().act('digest:snooze', `${PAYMENTS}|docs-fresh`, context)).rejects.toThrow(new UserFacingError("*Docs built in the last 90 days* no longer fails on Payments's entities: nothing to do."));
  });

  it('refuses clearly where digests are not set up', async () => {
    await expect(createCommandSet({ catalog }).act('digest:snooze', `${PAYMENTS}|has-runbook`, context)).rejects.toThrow('Health digests are not set up in this Backline');
  });
});

describe('"Not applicable…"', () => {
  it('opens a modal naming the check and the entities, carrying the target', async () => {
    const modal = commands().actionModal!('digest:not-applicable', `${PAYMENTS}|has-runbook`, context);
    expect(modal).toMatchObject({ callbackId: 'digest:not-applicable', title: 'Not applicable' });
    const view = await modal!.load();
    expect(view.private_metadata).toBe('{"t":"group:default/payments","c":"has-runbook"}');
    expect(JSON.stringify(view.blocks)).toContain('Mark *Has a runbook* as not applicable to *Ledger*, *Vault* (Payments).');
  });

  it('answers an empty or blank reason with an inline error on the reason, and stores nothing', async () => {
    for (const reason of ['', '   \n ']) {
      const answer = await commands().submit!({ callbackId: 'digest:not-applicable', privateMetadata: '{"t":"group:default/payments","c":"has-runbook"}', values: values(reason), userId: 'U0ANA' });
      expect(answer).toEqual({ action: 'errors', errors: { reason: 'Say why this check does not apply: your team reads it in its digests.' } });
    }
    expect(health.waivers).toEqual([]);
  });

  it('stores a not_applicable waiver with who, when, why and the chosen expiry, and shows it took effect', async () => {
    const answer = await commands().submit!({ callbackId: 'digest:not-applicable', privateMetadata: '{"t":"group:default/payments","c":"has-oncall"}', values: values('  A batch job: nobody is paged for it. ', '30'), userId: 'U0ANA' });
    expect(health.waivers).toEqual([
      { id: '1', entityRef: 'component:default/ledger', checkId: 'has-oncall', kind: 'not_applicable', reason: 'A batch job: nobody is paged for it.', createdBy: 'U0ANA', createdAt: NOW, expiresAt: new Date('2026-12-23T10:00:00Z') },
    ]);
    expect(answer).toMatchObject({ action: 'update', view: { type: 'modal', callback_id: 'digest:not-applicable' } });
    expect(JSON.stringify(answer)).toContain('Recorded by <@U0ANA>');
  });

  it('can last until someone removes it', async () => {
    await commands().submit!({ callbackId: 'digest:not-applicable', privateMetadata: '{"t":"group:default/payments","c":"has-oncall"}', values: values('Not a service', 'never'), userId: 'U0ANA' });
    expect(health.waivers[0]!.expiresAt).toBeNull();
  });

  it('leaves other modals to their own flows', async () => {
    expect(await commands().submit!({ callbackId: 'something-else', privateMetadata: '', values: {}, userId: 'U0ANA' })).toBeUndefined();
  });
});

describe('"Show all"', () => {
  it('opens a modal in Slack, and answers with a message where no modal can open', async () => {
    const modal = commands().actionModal!('digest:show-all', PAYMENTS, context);
    expect(JSON.stringify((await modal!.load()).blocks)).toContain('Has an on-call rotation');
    const reply = await commands().act('digest:show-all', PAYMENTS, context);
    expect(reply).toMatchObject({ text: 'Every failing check of Payments', visibility: 'ephemeral' });
  });
});

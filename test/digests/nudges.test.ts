import { renderNudge } from '../../commands/digest.blocks';
import { PgDigestStore } from '../../src/health/PgDigestStore';
import { nudgeJob, sendNudges, type NudgeJobPorts } from '../../src/health/nudges';
import { silentLogger } from '../../src/logger';
import { PgOutboxStore } from '../../src/scheduler/PgOutboxStore';
import { useTestDatabase } from '../support/testDatabase';
import { entity, memoryHealth, team, type MemoryHealth } from './fakes';

const db = useTestDatabase();
const LEDGER = 'component:default/ledger';
const VAULT = 'component:default/vault';
const SANDBOX = 'component:default/sandbox';
const SEARCH = 'component:default/indexer';
const at = (iso: string) => new Date(iso);

let health: MemoryHealth;
let outbox: PgOutboxStore;
let ports: NudgeJobPorts;

beforeEach(async () => {
  await db().pool.query('DELETE FROM nudges');
  await db().pool.query('DELETE FROM outbox');
  health = memoryHealth(
    [
      team('payments', [
        entity('ledger', { 'has-runbook': 'pass', 'has-oncall': 'pass', 'has-description': 'pass' }, { title: 'Ledger' }),
        entity('vault', { 'has-runbook': 'pass' }, { title: 'Vault' }),
        entity('sandbox', { 'has-runbook': 'pass' }, { lifecycle: 'experimental' }),
      ]),
      team('search', [entity('indexer', { 'has-runbook': 'pass' })]),
    ],
    { now: () => at('2026-11-23T10:00:00Z') },
  );
  outbox = PgOutboxStore.create({ pool: db().pool });
  ports = { health, store: PgDigestStore.create({ pool: db().pool }), outbox, render: renderNudge, logger: silentLogger };
});

/** What the outbox holds, oldest first, as the sender will read it. */
async function queued(): Promise<Array<{ idempotencyKey: string; channel: string; purpose: string; text: string; blocks: unknown[] }>> {
  const { rows } = await db().pool.query<{ idempotency_key: string; channel: string; purpose: string; payload: { text: string; blocks: unknown[] } }>('SELECT idempotency_key, channel, purpose, payload FROM outbox ORDER BY id');
  return rows.map((row) => ({ idempotencyKey: row.idempotency_key, channel: row.channel, purpose: row.purpose, text: row.payload.text, blocks: row.payload.blocks }));
}

const items = async (index: number) => ((await queued())[index]!.blocks as Array<{ type: string; block_id?: string }>).filter((block) => block.type === 'actions').map((block) => block.block_id);

describe('nudges', () => {
  it('run at the top of every hour as one job', () => {
    expect(nudgeJob(ports)).toMatchObject({ name: 'health-nudges', cron: '0 * * * *' });
  });

  it("batch a team's production checks that went from pass to fail into one message per hour", async () => {
    health.setStatus(LEDGER, 'has-runbook', 'fail', at('2026-11-23T09:10:00Z'));
    health.setStatus(LEDGER, 'has-oncall', 'fail', at('2026-11-23T09:20:00Z'));
    health.setStatus(VAULT, 'has-runbook', 'fail', at('2026-11-23T09:40:00Z'));
    health.setStatus(SEARCH, 'has-runbook', 'fail', at('2026-11-23T09:50:00Z'));
    expect(await sendNudges(at('2026-11-23T10:00:00Z'), ports)).toEqual({ batches: 2, nudges: 4 });
    expect((await queued()).map((message) => [message.idempotencyKey, message.channel, message.purpose])).toEqual([
      ['nudge:group:default/payments:2026-11-23T10', 'payments', 'nudge'],
      ['nudge:group:default/search:2026-11-23T10', 'search', 'nudge'],
    ]);
    expect((await queued())[0]!.text).toBe('3 checks started failing on production for Payments');
    expect(await items(0)).toEqual([`nudge:${LEDGER}:has-runbook`, `nudge:${LEDGER}:has-oncall`, `nudge:${VAULT}:has-runbook`]);
  });

  it('never repeat a nudge while nothing changed, and nudge again when a check fails anew', async () => {
    health.setStatus(LEDGER, 'has-runbook', 'fail', at('2026-11-23T09:10:00Z'));
    await sendNudges(at('2026-11-23T10:00:00Z'), ports);
    expect(await sendNudges(at('2026-11-23T11:00:00Z'), ports)).toEqual({ batches: 0, nudges: 0 });
    expect(await sendNudges(at('2026-11-23T12:00:00Z'), ports)).toEqual({ batches: 0, nudges: 0 });
    health.setStatus(LEDGER, 'has-runbook', 'pass', at('2026-11-23T12:10:00Z'));
    health.setStatus(LEDGER, 'has-runbook', 'fail', at('2026-11-23T12:30:00Z'));
    await sendNudges(at('2026-11-23T13:00:00Z'), ports);
    expect((await queued()).map((message) => message.idempotencyKey)).toEqual(['nudge:group:default/payments:2026-11-23T10', 'nudge:group:default/payments:2026-11-23T13']);
    const { rows } = await db().pool.query('SELECT entity_ref, check_id, transition_at, team_ref FROM nudges ORDER BY transition_at');
    expect(rows).toEqual([
      { entity_ref: LEDGER, check_id: 'has-runbook', transition_at: at('2026-11-23T09:10:00Z'), team_ref: 'group:default/payments' },
      { entity_ref: LEDGER, check_id: 'has-runbook', transition_at: at('2026-11-23T12:30:00Z'), team_ref: 'group:default/payments' },
    ]);
  });

  it('leave out entities not in production, checks fixed since, and snoozed or waived checks', async () => {
    health.setStatus(SANDBOX, 'has-runbook', 'fail', at('2026-11-23T09:10:00Z'));
    health.setStatus(VAULT, 'has-runbook', 'fail', at('2026-11-23T09:10:00Z'));
    health.setStatus(VAULT, 'has-runbook', 'pass', at('2026-11-23T09:30:00Z'));
    health.setStatus(LEDGER, 'has-runbook', 'fail', at('2026-11-23T09:20:00Z'));
    health.setStatus(LEDGER, 'has-oncall', 'fail', at('2026-11-23T09:20:00Z'));
    await health.addWaivers({ entityRefs: [LEDGER], checkId: 'has-runbook', kind: 'snooze', reason: null, createdBy: 'U0ANA', expiresAt: at('2026-12-07T10:00:00Z') });
    await health.addWaivers({ entityRefs: [LEDGER], checkId: 'has-oncall', kind: 'not_applicable', reason: 'batch job', createdBy: 'U0ANA', expiresAt: null });
    expect(await sendNudges(at('2026-11-23T10:00:00Z'), ports)).toEqual({ batches: 0, nudges: 0 });
    expect(await queued()).toEqual([]);
  });

  it('catch up transitions from hours missed while Backline was down', async () => {
    health.setStatus(LEDGER, 'has-runbook', 'fail', at('2026-11-23T08:15:00Z'));
    expect(await sendNudges(at('2026-11-23T10:00:00Z'), ports)).toEqual({ batches: 1, nudges: 1 });
  });
});

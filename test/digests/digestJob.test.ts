import { renderDigest } from '../../commands/digest.blocks';
import { ingest, rootFromPath } from '../../src/catalog/ingest';
import { PgCatalogStore } from '../../src/catalog/PgCatalogStore';
import { digestJob, dryRunDigests, runDueDigests, type DigestJobPorts } from '../../src/health/digestJob';
import { gatherDigest } from '../../src/health/digestSources';
import { PgDigestStore } from '../../src/health/PgDigestStore';
import { silentLogger } from '../../src/logger';
import { PgOutboxStore } from '../../src/scheduler/PgOutboxStore';
import type { SlackAccount } from '../../src/directory';
import { CatalogFolder, component, docs } from '../support/catalogFiles';
import { useTestDatabase } from '../support/testDatabase';
import { entity, memoryHealth, team, type MemoryHealth } from './fakes';

const db = useTestDatabase();
const folder = new CatalogFolder();
const OPTIONS = { defaultTimeZone: 'UTC' };

const TEAMS = docs(
  `apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: payments
  annotations:
    slack.com/channel: payments
spec:
  type: team
  children: []
  members: [ana, tomas, ghost]`,
  `apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: search
  annotations:
    slack.com/channel: search
    backline.dev/digest-schedule: "0 17 * * fri"
    backline.dev/timezone: America/New_York
spec:
  type: team
  children: []`,
  `apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: quiet
  annotations:
    slack.com/channel: quiet
spec:
  type: team
  children: []`,
  `apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: muted
  annotations:
    slack.com/channel: muted
    backline.dev/digest-schedule: "off"
spec:
  type: team
  children: []`,
  `apiVersion: backstage.io/v1alpha1
kind: User
metadata:
  name: ana
spec:
  profile:
    email: ana@example.com
  memberOf: [payments]`,
  `apiVersion: backstage.io/v1alpha1
kind: User
metadata:
  name: tomas
spec:
  profile:
    email: tomas@example.com
    displayName: Tomáš Novák
  memberOf: [payments]`,
);

let health: MemoryHealth;
let outbox: PgOutboxStore;
let ports: DigestJobPorts;

beforeAll(async () => {
  folder.write('teams.yaml', TEAMS);
  folder.write('ledger/catalog-info.yaml', component('ledger', { owner: 'payments' }));
  const catalog = PgCatalogStore.create({ pool: db().pool });
  const report = await ingest([await rootFromPath(folder.root)], { store: catalog, maxBytes: 1024 * 1024 });
  expect(report.errors).toEqual([]);
  // The ledger's file breaks: its entities stay, and the problem is the team's to fix.
  folder.write('ledger/catalog-info.yaml', 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ledger\n spec: [\n');
  await ingest([await rootFromPath(folder.root)], { store: catalog, maxBytes: 1024 * 1024 });
  const directory = {
    accountsByEmail: async (emails: string[]) => new Map<string, SlackAccount>(emails.map((email) => [email, email.startsWith('tomas') ? { slackUserId: null, deactivated: true } : { slackUserId: 'U0ANA', deactivated: false }])),
  };
  health = memoryHealth([
    team('payments', [entity('ledger', { 'has-description': 'pass', 'has-runbook': 'fail' }, { title: 'Ledger' })]),
    team('search', [entity('indexer', { 'has-description': 'fail' })]),
    team('quiet', [entity('lamp', { 'has-description': 'pass' })]),
    team('muted', [entity('bell', { 'has-description': 'fail' })]),
  ]);
  outbox = PgOutboxStore.create({ pool: db().pool });
  ports = { health, store: PgDigestStore.create({ pool: db().pool }), catalog, directory, outbox, render: renderDigest, logger: silentLogger };
});

afterAll(() => folder.dispose());

/** What the outbox holds, oldest first, as the sender will read it. */
async function queued(): Promise<Array<{ idempotencyKey: string; channel: string; purpose: string; text: string; blocks: unknown[] }>> {
  const { rows } = await db().pool.query<{ idempotency_key: string; channel: string; purpose: string; payload: { text: string; blocks: unknown[] } }>('SELECT idempotency_key, channel, purpose, payload FROM outbox ORDER BY id');
  return rows.map((row) => ({ idempotencyKey: row.idempotency_key, channel: row.channel, purpose: row.purpose, text: row.payload.text, blocks: row.payload.blocks }));
}

const keys = async () => (await queued()).map((message) => message.idempotencyKey);
const decisions = async () =>
  (await db().pool.query<{ team_ref: string; slot: Date; sent: boolean; reason: string }>('SELECT team_ref, slot, sent, reason FROM digests ORDER BY slot, team_ref')).rows.map((row) => [row.team_ref, row.slot.toISOString(), row.sent, row.reason]);

describe('the due-digest job', () => {
  it('ticks every minute as one job', () => {
    expect(digestJob(ports, OPTIONS)).toMatchObject({ name: 'health-digests', cron: '* * * * *' });
  });

  it("queues a due team's digest once, keyed by team and slot, and records every team's decision", async () => {
    const outcomes = await runDueDigests(new Date('2026-11-23T09:30:00Z'), ports, OPTIONS);
    expect(outcomes.map((outcome) => [outcome.team, outcome.sent])).toEqual([
      ['group:default/payments', true],
      ['group:default/quiet', false],
    ]);
    expect(await keys()).toEqual(['digest:group:default/payments:2026-11-23T09:30Z']);
    expect((await queued())[0]).toMatchObject({ channel: 'payments', purpose: 'digest', text: 'Health digest for Payments: Below bronze, score 50, 1 failing check' });
    expect(await decisions()).toEqual([
      ['group:default/payments', '2026-11-23T09:30:00.000Z', true, '1 failing check, 1 catalog problem, 2 members who left'],
      ['group:default/quiet', '2026-11-23T09:30:00.000Z', false, 'nothing fails and nothing changed since the last digest'],
    ]);
  });

  it('does not decide a slot twice: the next minutes queue nothing', async () => {
    await runDueDigests(new Date('2026-11-23T09:31:00Z'), ports, OPTIONS);
    await runDueDigests(new Date('2026-11-23T12:00:00Z'), ports, OPTIONS);
    expect(await keys()).toEqual(['digest:group:default/payments:2026-11-23T09:30Z']);
    expect(await decisions()).toHaveLength(2);
  });

  it("sends on the team's own schedule and time zone, and never when it turned digests off", async () => {
    // Friday 17:00 in New York is 22:00 UTC in November.
    await runDueDigests(new Date('2026-11-27T21:59:00Z'), ports, OPTIONS);
    expect(await keys()).not.toContain('digest:group:default/search:2026-11-27T22:00Z');
    await runDueDigests(new Date('2026-11-27T22:00:00Z'), ports, OPTIONS);
    expect(await keys()).toContain('digest:group:default/search:2026-11-27T22:00Z');
    expect((await keys()).some((key) => key.includes('muted'))).toBe(false);
  });

  it('catches up a slot missed while Backline was down, within hours, and never sends an old slot', async () => {
    // Down from Monday 08:00 to 13:00: the 09:30 slot goes out at 13:00, once.
    await runDueDigests(new Date('2026-11-30T13:00:00Z'), ports, OPTIONS);
    await runDueDigests(new Date('2026-11-30T13:01:00Z'), ports, OPTIONS);
    expect((await keys()).filter((key) => key.includes('2026-11-30'))).toEqual(['digest:group:default/payments:2026-11-30T09:30Z']);
    // Down all of the next Monday morning until 16:00: that slot is skipped, not sent late.
    await runDueDigests(new Date('2026-12-07T16:00:00Z'), ports, OPTIONS);
    expect((await keys()).filter((key) => key.includes('2026-12-07'))).toEqual([]);
  });

  it('compares with the last digest sent, so a fix since then is reported as an improvement', async () => {
    health.setStatus('component:default/ledger', 'has-runbook', 'pass', new Date('2026-12-10T10:00:00Z'));
    const payments = health.teams[0]!;
    payments.score = 100;
    const week = await gatherDigest('group:default/payments', new Date('2026-12-14T09:30:00Z'), ports);
    expect(week?.improvements.map((change) => `${change.displayName}: ${change.title}`)).toEqual(['Ledger: Has a runbook']);
    expect(week?.actions).toEqual([]);
  });

  it("lists the team's broken catalog files and the members who left the organisation or Slack", async () => {
    const digest = await gatherDigest('group:default/payments', new Date('2026-12-14T09:30:00Z'), ports);
    expect(digest?.catalogProblems).toHaveLength(1);
    expect(digest?.catalogProblems[0]!.file).toBe(folder.path('ledger/catalog-info.yaml'));
    expect(digest?.staleOwners).toEqual([
      { ref: 'user:default/ghost', displayName: 'ghost', reason: 'left-org' },
      { ref: 'user:default/tomas', displayName: 'Tomáš Novák', reason: 'left-slack' },
    ]);
  });

  it('composes dry runs without queueing or recording anything, saying which teams turned digests off', async () => {
    const before = { queued: (await keys()).length, decided: (await decisions()).length };
    const digests = await dryRunDigests(new Date('2026-12-21T09:30:00Z'), ports, OPTIONS);
    expect(digests.map((digest) => [digest.team, digest.send])).toEqual([
      ['group:default/payments', true],
      ['group:default/search', true],
      ['group:default/quiet', false],
      ['group:default/muted', false],
    ]);
    expect(digests[3]!.reason).toBe('digests are off for this team (backline.dev/digest-schedule: off)');
    expect({ queued: (await keys()).length, decided: (await decisions()).length }).toEqual(before);
  });
});

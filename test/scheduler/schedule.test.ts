import { createLogger, silentLogger } from '../../src/logger';
import { PgRunCoordinator } from '../../src/scheduler/PgRunCoordinator';
import { startScheduler, type Scheduler } from '../../src/scheduler/schedule';
import { useTestDatabase } from '../support/testDatabase';
import { waitUntil } from '../support/waitFor';

const running: Scheduler[] = [];
// Declared before the test database's hooks, which run after it (in the order declared): its
// check for leaked clients must see the schedulers stopped, not a claim they are still making.
afterEach(async () => {
  await Promise.all(running.splice(0).map((scheduler) => scheduler.stop()));
});
const db = useTestDatabase();

describe('PgRunCoordinator', () => {
  it('lets exactly one of two replicas run a slot', async () => {
    const [a, b] = ['replica-a', 'replica-b'].map((claimant) => PgRunCoordinator.create({ pool: db().pool, claimant }));
    const key = 'digests:2026-11-23T09:30:00.000Z';
    const answers = await Promise.all([a!.shouldRun(key, 30_000), b!.shouldRun(key, 30_000), a!.shouldRun(key, 30_000)]);
    expect(answers.filter(Boolean)).toHaveLength(1);
    await a!.onComplete(key);
    await b!.onComplete(key);
    const { rows } = await db().pool.query('SELECT key, claimed_by, completed_at IS NOT NULL AS completed, lease_until > claimed_at AS leased FROM cron_runs WHERE key = $1', [key]);
    expect(rows).toEqual([{ key, claimed_by: answers[1] ? 'replica-b' : 'replica-a', completed: true, leased: true }]);
  });

  it('prunes claims older than the days it keeps as it claims new slots', async () => {
    await db().pool.query("INSERT INTO cron_runs (key, claimed_by, claimed_at, lease_until) VALUES ('old:slot', 'gone', now() - interval '3 days', now() - interval '3 days')");
    expect(await PgRunCoordinator.create({ pool: db().pool, keepDays: 2 }).shouldRun('new:slot', 1000)).toBe(true);
    const { rows } = await db().pool.query("SELECT key FROM cron_runs WHERE key IN ('old:slot', 'new:slot')");
    expect(rows).toEqual([{ key: 'new:slot' }]);
  });
});

describe('startScheduler', () => {
  it('runs each slot of a job once across two schedulers on one database, passing the slot time', async () => {
    const runs: Array<{ replica: string; slot: string }> = [];
    for (const replica of ['a', 'b']) {
      running.push(
        startScheduler({
          jobs: [{ name: 'tick-once', cron: '* * * * * *', run: async (slot) => void runs.push({ replica, slot: slot.toISOString() }) }],
          coordinator: PgRunCoordinator.create({ pool: db().pool, claimant: replica }),
          logger: silentLogger,
        }),
      );
    }
    await waitUntil(() => new Set(runs.map((r) => r.slot)).size >= 3, 10_000, 'three slots');
    await Promise.all(running.splice(0).map((scheduler) => scheduler.stop()));
    const slots = runs.map((r) => r.slot);
    expect(new Set(slots).size).toBe(slots.length);
    for (const slot of slots) expect(new Date(slot).getMilliseconds()).toBe(0);
    const { rows } = await db().pool.query("SELECT key FROM cron_runs WHERE key LIKE 'tick-once:%' ORDER BY key");
    expect(rows.map((r: { key: string }) => r.key)).toEqual(slots.map((slot) => `tick-once:${slot}`).sort());
  });

  it('logs a failing job and runs it again at its next slot', async () => {
    const lines: string[] = [];
    const slots: string[] = [];
    running.push(
      startScheduler({
        jobs: [
          {
            name: 'flaky',
            cron: '* * * * * *',
            run: async (slot) => {
              slots.push(slot.toISOString());
              if (slots.length === 1) throw new Error('the digest source is down');
            },
          },
        ],
        coordinator: PgRunCoordinator.create({ pool: db().pool }),
        logger: createLogger({ write: (line) => void lines.push(line) }),
      }),
    );
    await waitUntil(() => slots.length >= 2, 10_000, 'a second slot after the failure');
    const failure = lines.map((line) => JSON.parse(line) as { level: string; msg: string; job?: string; error?: { message: string } }).find((l) => l.level === 'error');
    expect(failure).toEqual(expect.objectContaining({ job: 'flaky', msg: `scheduled job 'flaky' failed for its ${slots[0]} slot; it runs again at its next slot`, error: expect.objectContaining({ message: 'the digest source is down' }) }));
  });

  it('waits for a running job when stopped', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let started = 0;
    let finished = false;
    const scheduler = startScheduler({
      jobs: [{ name: 'slow', cron: '* * * * * *', run: async () => { started += 1; await gate; finished = true; } }],
      coordinator: PgRunCoordinator.create({ pool: db().pool }),
      logger: silentLogger,
    });
    await waitUntil(() => started === 1, 10_000, 'the job to start');
    let stopped = false;
    const stopping = scheduler.stop().then(() => (stopped = true));
    for (let i = 0; i < 5; i += 1) await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(finished).toBe(true);
    expect(started).toBe(1);
  });

  it('refuses two jobs with one name and an invalid cron expression, saying what to fix', () => {
    const coordinator = PgRunCoordinator.create({ pool: db().pool });
    const job = { name: 'digests', cron: '* * * * *', run: async () => undefined };
    expect(() => startScheduler({ jobs: [job, job], coordinator, logger: silentLogger })).toThrow("Two scheduled jobs are named 'digests': give each job its own name.");
    expect(() => startScheduler({ jobs: [{ ...job, cron: 'every monday' }], coordinator, logger: silentLogger })).toThrow(/invalid cron expression 'every monday'/);
  });
});

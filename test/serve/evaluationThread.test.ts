import path from 'node:path';
import { ingest, rootFromPath } from '../../src/catalog/ingest';
import { loadConfig } from '../../src/config';
import { EvaluationStopped } from '../../src/health/service';
import { evaluateOnThreads } from '../../src/serve/evaluationThread';
import { createHealthJob } from '../../src/health/job';
import { createLogger, type Logger } from '../../src/logger';
import { openHealth } from '../../src/compose/health';
import { openBackline, type Backline } from '../../src/compose/backline';
import { DEMO_CATALOG } from '../../src/paths';
import { useTestDatabase } from '../support/testDatabase';

const db = useTestDatabase();
const FROM_SOURCES = path.join(__dirname, '..', 'support', 'evaluationWorkerFromSources.js');
let backline: Backline;

beforeAll(async () => {
  backline = await openBackline(loadConfig({ DATABASE_URL: db().url }), { poolSize: 2 });
  const report = await ingest([await rootFromPath(DEMO_CATALOG)], { store: backline.catalog, maxBytes: 1024 * 1024 });
  expect(report.errors).toEqual([]);
});
afterAll(() => backline.close());

/** A real logger whose lines are kept as "level message". */
function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const logger = createLogger({
    level: 'debug',
    write: (line) => {
      const { level, msg } = JSON.parse(line) as { level: string; msg: string };
      lines.push(`${level} ${msg}`);
    },
  });
  return Object.assign(logger, { lines });
}

const threadData = (databaseUrl = db().url) => ({ config: loadConfig({ DATABASE_URL: databaseUrl }), docsBaseUrl: null });

describe('whole-catalog health evaluations on a thread of their own', () => {
  it('record what an evaluation on this thread would: evaluated again here, nothing has changed', async () => {
    const health = openHealth(backline);
    const threads = evaluateOnThreads(health.service, threadData(), { logger: recordingLogger(), entry: FROM_SOURCES });
    const onThread = await threads.collectAndScore();
    expect(onThread.entities).toBeGreaterThan(50);
    expect(onThread.teams).toBeGreaterThan(5);
    // A Date made on the other thread (not this test realm's Date, so not toBeInstanceOf).
    expect(Object.prototype.toString.call(onThread.at)).toBe('[object Date]');

    const here = await health.service.collectAndScore();
    expect(here).toMatchObject({ entities: onThread.entities, teams: onThread.teams, factChanges: 0, transitions: 0 });
    expect(await health.service.lastEvaluatedAt()).toEqual(here.at);
  });

  it('fail with the thread’s reason when it cannot do its work', async () => {
    const threads = evaluateOnThreads(openHealth(backline).service, threadData('postgresql://backline@127.0.0.1:9/nothing-listens-here'), { logger: recordingLogger(), entry: FROM_SOURCES });
    await expect(threads.collectAndScore()).rejects.toThrow(/127\.0\.0\.1:9/);
  });

  it('end when serve stops, rejecting the evaluation under way', async () => {
    const threads = evaluateOnThreads(openHealth(backline).service, threadData(), { logger: recordingLogger(), entry: FROM_SOURCES });
    const running = threads.collectAndScore();
    await threads.stop();
    await expect(running).rejects.toBeInstanceOf(EvaluationStopped);
    await expect(running).rejects.toThrow('the health evaluation was stopped, as Backline is stopping; nothing of it was recorded');
  });

  it('run on this thread when there is no compiled thread entry, as when running from sources', async () => {
    let inline = 0;
    const threads = evaluateOnThreads({ collectAndScore: async () => (inline++, openHealth(backline).service.collectAndScore()) }, threadData(), { logger: recordingLogger(), entry: path.join(__dirname, 'no-such-entry.js') });
    expect((await threads.collectAndScore()).entities).toBeGreaterThan(50);
    expect(inline).toBe(1);
  });

  it('stopped as serve stops, end the scheduled slot quietly instead of as a failure', async () => {
    const logger = recordingLogger();
    const job = createHealthJob({ collectAndScore: () => Promise.reject(new EvaluationStopped()) }, { cron: '0 * * * *', logger });
    await expect(job.run(new Date('2026-11-22T17:00:00Z'))).resolves.toBeUndefined();
    expect(logger.lines).toEqual(['info the health evaluation was stopped, as Backline is stopping; nothing of it was recorded']);

    const failing = createHealthJob({ collectAndScore: () => Promise.reject(new Error('database gone')) }, { cron: '0 * * * *', logger });
    await expect(failing.run(new Date('2026-11-22T17:00:00Z'))).rejects.toThrow('database gone');
    expect(logger.lines.at(-1)).toBe('error health evaluation failed');
  });
});

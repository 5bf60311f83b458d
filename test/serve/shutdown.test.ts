import { createLogger } from '../../src/logger';
import { stopWithin } from '../../src/serve/shutdown';

function recorder() {
  const lines: Array<Record<string, unknown>> = [];
  return { lines, logger: createLogger({ level: 'debug', write: (line) => void lines.push(JSON.parse(line) as Record<string, unknown>) }) };
}

const never = () => new Promise<void>(() => undefined);

describe('stopping within a deadline', () => {
  it('runs every step in order, then closes, and cuts nothing when all finish in time', async () => {
    const order: string[] = [];
    const step = (what: string) => ({ what, run: async () => void order.push(what) });
    const report = await stopWithin(1000, [step('requests'), step('timers')], { close: async () => void order.push('database'), unfinished: () => [], logger: recorder().logger });
    expect(report).toEqual({ cut: [] });
    expect(order).toEqual(['requests', 'timers', 'database']);
  });

  it('past the deadline names what it cut, then still runs the steps after the one that hangs and closes', async () => {
    const { lines, logger } = recorder();
    const order: string[] = [];
    const started = Date.now();
    const report = await stopWithin(200, [{ what: 'Slack requests', run: never }, { what: 'the scheduler', run: async () => void order.push('scheduler') }], {
      close: async () => void order.push('database'),
      unfinished: () => ['/whoowns (request abc, for 3.1 s)'],
      logger,
    });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(report).toEqual({ cut: ['/whoowns (request abc, for 3.1 s)', 'stopping Slack requests'] });
    expect(order).toEqual(['scheduler', 'database']);
    expect(lines.map((line) => line.msg)).toEqual(['stopping took longer than 0.2 s (BACKLINE_SHUTDOWN_SECONDS); exiting anyway, cutting: /whoowns (request abc, for 3.1 s); stopping Slack requests']);
  });

  it('goes on after a step that fails, logging it', async () => {
    const { lines, logger } = recorder();
    const report = await stopWithin(1000, [{ what: 'the outbox sender', run: async () => Promise.reject(new Error('boom')) }], { close: async () => undefined, unfinished: () => [], logger });
    expect(report).toEqual({ cut: [] });
    expect(lines).toEqual([expect.objectContaining({ level: 'error', msg: 'stopping the outbox sender failed', error: expect.objectContaining({ message: 'boom' }) })]);
  });
});

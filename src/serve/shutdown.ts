import type { Logger } from '../logger';

export interface ShutdownStep {
  /** What the step stops, for the log when the deadline cuts it: "Slack requests", "the outbox sender". */
  what: string;
  run: () => Promise<unknown>;
}

export interface ShutdownReport {
  /** What the deadline cut, one line each; empty when everything finished in time. */
  cut: string[];
}

/** How long closing the database may take once the deadline has passed. */
const CLOSE_AFTER_DEADLINE_MS = 5000;

/**
 * Runs the steps of a stop in order, within `deadlineMs`. Past the deadline the stop does not
 * wait any longer: it logs what it cut (the requests still under way, from `unfinished`, and
 * the steps not done), and goes on to `close` (the database), which gets a few seconds more.
 */
export async function stopWithin(deadlineMs: number, steps: ShutdownStep[], options: { close: () => Promise<void>; unfinished: () => string[]; logger: Logger }): Promise<ShutdownReport> {
  const { logger } = options;
  let current = 0;
  const run = (async () => {
    for (; current < steps.length; current += 1) {
      const step = steps[current]!;
      await step.run().catch((error: unknown) => logger.error(`stopping ${step.what} failed`, { error }));
    }
  })();
  const outcome = await raceTimer(run.then(() => 'done' as const), deadlineMs, 'deadline' as const);
  let cut: string[] = [];
  if (outcome === 'deadline') {
    cut = [...options.unfinished(), ...steps.slice(current).map((step) => `stopping ${step.what}`)];
    logger.warn(`stopping took longer than ${deadlineMs / 1000} s (BACKLINE_SHUTDOWN_SECONDS); exiting anyway, cutting: ${cut.join('; ')}`, { cut });
  }
  const closed = await raceTimer(
    options.close().then(
      () => 'closed' as const,
      (error: unknown) => {
        logger.error('closing the database failed', { error });
        return 'closed' as const;
      },
    ),
    outcome === 'deadline' ? CLOSE_AFTER_DEADLINE_MS : Number.POSITIVE_INFINITY,
    'timed out' as const,
  );
  if (closed === 'timed out') {
    cut.push('closing the database');
    logger.warn(`the database did not close within ${CLOSE_AFTER_DEADLINE_MS / 1000} s; exiting anyway`);
  }
  return { cut };
}

/** `work`'s outcome, or `late` once `ms` have passed (never, for an infinite `ms`). */
async function raceTimer<T, L>(work: Promise<T>, ms: number, late: L): Promise<T | L> {
  if (!Number.isFinite(ms)) return work;
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([work, new Promise<L>((resolve) => (timer = setTimeout(() => resolve(late), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

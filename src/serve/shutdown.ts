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

/** How long the steps after a cut one (timers, threads, the database) get once the deadline has passed. */
const AFTER_DEADLINE_MS = 5000;

/**
 * Runs the steps of a stop in order, then `close` (the database), within `deadlineMs`. Past the
 * deadline it stops waiting for the step under way, logs what it cut (the requests still under
 * way, from `unfinished`, and that step), and runs the remaining steps, which only stop timers and
 * threads and close connections, within a few seconds more.
 */
export async function stopWithin(deadlineMs: number, steps: ShutdownStep[], options: { close: () => Promise<void>; unfinished: () => string[]; logger: Logger }): Promise<ShutdownReport> {
  const { logger } = options;
  const all = [...steps, { what: 'the database', run: options.close }];
  let current = 0;
  let run = 0;
  /** Runs the steps from `first` on, until the end or until a later call takes over. */
  const runFrom = async (first: number): Promise<'done'> => {
    const mine = ++run;
    for (let index = first; index < all.length && run === mine; index += 1) {
      current = index;
      const step = all[index]!;
      await step.run().catch((error: unknown) => logger.error(`stopping ${step.what} failed`, { error }));
    }
    return 'done';
  };
  const cut: string[] = [];
  if ((await raceTimer(runFrom(0), deadlineMs, 'deadline' as const)) === 'done') return { cut };

  cut.push(...options.unfinished(), `stopping ${all[current]!.what}`);
  logger.warn(`stopping took longer than ${deadlineMs / 1000} s (BACKLINE_SHUTDOWN_SECONDS); exiting anyway, cutting: ${cut.join('; ')}`, { cut });
  if (current + 1 < all.length && (await raceTimer(runFrom(current + 1), AFTER_DEADLINE_MS, 'late' as const)) === 'late') {
    cut.push(`stopping ${all[current]!.what}`);
    logger.warn(`stopping ${all[current]!.what} took longer than ${AFTER_DEADLINE_MS / 1000} s more; exiting anyway`);
  }
  return { cut };
}

/** `work`'s outcome, or `late` once `ms` have passed. */
async function raceTimer<T, L>(work: Promise<T>, ms: number, late: L): Promise<T | L> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([work, new Promise<L>((resolve) => (timer = setTimeout(() => resolve(late), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

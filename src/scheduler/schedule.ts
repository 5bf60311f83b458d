import cron, { type Logger as CronLogger, type RunCoordinator, type ScheduledTask } from 'node-cron';
import { ConfigError } from '../errors';
import type { Logger } from '../logger';
import type { ScheduledJob } from './ports';

export interface Scheduler {
  /** Stops scheduling new slots and waits for the jobs already running. */
  stop(): Promise<void>;
}

/**
 * Runs each job on its cron schedule, once per slot across every replica that shares the
 * coordinator. A job that throws is logged with its slot and runs again at its next slot; a job
 * still running when its next slot comes is not started twice (noOverlap).
 */
export function startScheduler(options: { jobs: ScheduledJob[]; coordinator: RunCoordinator; logger: Logger }): Scheduler {
  const logger = options.logger.child({ component: 'scheduler' });
  const names = new Set<string>();
  for (const job of options.jobs) {
    // The name is half of the coordination key: two jobs sharing one would steal each other's slots.
    if (names.has(job.name)) throw new ConfigError(`Two scheduled jobs are named '${job.name}': give each job its own name.`);
    names.add(job.name);
    if (!cron.validate(job.cron)) throw new ConfigError(`Scheduled job '${job.name}' has an invalid cron expression '${job.cron}' (expected e.g. '30 9 * * 1').`);
  }

  const running = new Set<Promise<void>>();
  // Claims under way when stop() is called still start their job (node-cron runs it once the claim
  // lands), so stop() waits for them too: a claimed slot must not be left unrun. Completion notes
  // are waited for as well, so nothing uses the database after stop() returns.
  const coordinating = new Set<Promise<unknown>>();
  const tracked = <T>(work: T | Promise<T>): Promise<T> => {
    const promise = Promise.resolve(work);
    coordinating.add(promise);
    void promise.catch(() => undefined).finally(() => coordinating.delete(promise));
    return promise;
  };
  const coordinator: RunCoordinator = {
    shouldRun: (key, ttlMs) => tracked(options.coordinator.shouldRun(key, ttlMs)),
    onComplete: (key) => tracked(options.coordinator.onComplete?.(key)),
  };
  const tasks: ScheduledTask[] = options.jobs.map((job) => {
    const jobLogger = logger.child({ job: job.name });
    return cron.schedule(
      job.cron,
      (context) => {
        // node-cron passes the slot it matched (not when the timer fired), so a job started late
        // still keys its output by the slot every replica agrees on.
        const slot = context.date;
        const run = (async () => {
          const started = Date.now();
          try {
            await job.run(slot);
            jobLogger.debug('scheduled job finished', { slot: slot.toISOString(), ms: Date.now() - started });
          } catch (error) {
            jobLogger.error(`scheduled job '${job.name}' failed for its ${slot.toISOString()} slot; it runs again at its next slot`, { error, slot: slot.toISOString() });
          }
        })();
        running.add(run);
        return run.finally(() => running.delete(run));
      },
      {
        name: job.name,
        timezone: job.timezone,
        distributed: true,
        runCoordinator: coordinator,
        noOverlap: true,
        logger: cronLogger(jobLogger),
      },
    );
  });
  logger.info(`scheduled ${tasks.length} job(s)`, { jobs: options.jobs.map((job) => `${job.name} (${job.cron}${job.timezone ? ` ${job.timezone}` : ''})`) });

  let stopping: Promise<void> | undefined;
  return {
    stop: () =>
      (stopping ??= (async () => {
        await Promise.all(tasks.map((task) => task.destroy()));
        // node-cron starts a job a few promise hops after its claim lands, and notes its completion
        // a few hops after it ends: settle until a whole turn of the event loop (which runs after
        // every pending promise callback) passes with nothing claimed, running or being noted.
        for (let quietTurns = 0; quietTurns < 2; ) {
          const pending = [...coordinating, ...running];
          await Promise.allSettled(pending);
          await new Promise((resolve) => setImmediate(resolve));
          quietTurns = pending.length === 0 && coordinating.size === 0 && running.size === 0 ? quietTurns + 1 : 0;
        }
      })()),
  };
}

function cronLogger(logger: Logger): CronLogger {
  const text = (message: string | Error) => (message instanceof Error ? message.message : message);
  return {
    info: (message) => logger.info(message),
    warn: (message) => logger.warn(message),
    error: (message, error) => logger.error(text(message), { error: error ?? (message instanceof Error ? message : undefined) }),
    debug: (message, error) => logger.debug(text(message), { error }),
  };
}

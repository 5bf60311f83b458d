import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { EvaluationStopped, type CollectReport, type HealthService } from '../health/service';

/** What the evaluation thread is given: everything it needs to open its own view of Backline. */
export interface EvaluationThreadData {
  /** With `databaseUrl` set to the database this process uses (the embedded one's address included). */
  config: Config;
  /** Where the docs sites live, as serve worked it out. */
  docsBaseUrl: string | null;
}

/** What the thread says back: log lines as they happen, then its report or its failure. */
export type EvaluationThreadMessage =
  | { type: 'log'; level: 'debug' | 'info' | 'warn' | 'error'; message: string; fields?: Record<string, unknown> }
  | { type: 'done'; report: CollectReport }
  | { type: 'failed'; error: string };

/** The compiled thread's entry, beside this module. Running from TypeScript sources, there is none. */
export const EVALUATION_WORKER = path.join(__dirname, 'evaluationWorker.js');

/**
 * The evaluation thread's old generation, at most 256 MB. V8 lets a heap free to take gigabytes
 * grow to about four times what it kept at its last full collection before the next (and serve's
 * --initial-old-space-size, which every thread takes, lets it reach 256 MB before the first), so
 * the evaluation's garbage alone took hundreds of megabytes; within 256 MB it collects at about
 * one and a half times what it keeps, and first at half the limit. An evaluation reads the catalog
 * a page at a time and keeps about 25 MB at 100,000 entities; should one ever need more than the
 * limit, the thread ends, the evaluation fails as any other would, and serve goes on. (Its young
 * generation stays serve's: --max-semi-space-size wins over a thread's maxYoungGenerationSizeMb.)
 */
const EVALUATION_HEAP = { maxOldGenerationSizeMb: 256 };

export interface EvaluationThreads extends Pick<HealthService, 'collectAndScore'> {
  /** Ends an evaluation under way (serve stopping): it rejects, and its transaction is rolled back. */
  stop(): Promise<void>;
}

/**
 * Whole-catalog evaluations on a worker thread: reading every entity, collecting and comparing
 * facts and writing results hold a thread for seconds on a large catalog (the event loop was seen
 * blocked for 1.7 s at a time on 100,000 entities), and every Slack request arriving meanwhile has
 * 3 s to be acked. On a thread of its own the evaluation has its own event loop and heap, so
 * requests keep being answered and its garbage is never collected in their way. When the compiled
 * entry is missing (running from TypeScript sources), evaluations run on this thread, as `inline` does.
 */
export function evaluateOnThreads(inline: Pick<HealthService, 'collectAndScore'>, data: EvaluationThreadData, options: { logger: Logger; entry?: string }): EvaluationThreads {
  const entry = options.entry ?? EVALUATION_WORKER;
  if (!fs.existsSync(entry)) return { collectAndScore: () => inline.collectAndScore(), stop: async () => undefined };
  const running = new Set<Worker>();
  let stopping = false;
  return {
    collectAndScore: () => {
      const worker = new Worker(entry, { workerData: data, resourceLimits: EVALUATION_HEAP });
      running.add(worker);
      return settleWith(worker, options.logger, () => stopping).finally(() => running.delete(worker));
    },
    stop: async () => {
      stopping = true;
      await Promise.all([...running].map((worker) => worker.terminate()));
    },
  };
}

function settleWith(worker: Worker, logger: Logger, stopping: () => boolean): Promise<CollectReport> {
  return new Promise<CollectReport>((resolve, reject) => {
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      outcome();
    };
    worker.on('message', (message: EvaluationThreadMessage) => {
      if (message.type === 'log') logger[message.level](message.message, message.fields);
      else if (message.type === 'done') settle(() => resolve(message.report));
      else settle(() => reject(new Error(message.error)));
    });
    worker.on('error', (error) => settle(() => reject(error)));
    worker.on('exit', (code) => {
      const ended = stopping() ? new EvaluationStopped() : new Error(`the health evaluation thread ended (exit code ${code}) before it finished; the next scheduled evaluation runs again`);
      settle(() => reject(ended));
    });
  });
}

import type { WebClient } from '@slack/web-api';
import type pg from 'pg';
import { ConfigError } from '../errors';
import type { Logger } from '../logger';
import type { BacklineMetrics } from '../metrics';
import { createDeliveryClient } from './deliveryClient';
import { startSender, type Sender, type SenderOptions } from './sender';
import { PgOutboxStore } from '../scheduler/PgOutboxStore';
import { PgRunCoordinator } from '../scheduler/PgRunCoordinator';
import type { Outbox, ScheduledJob } from '../scheduler/ports';
import { startScheduler } from '../scheduler/schedule';

export interface DeliveryOptions {
  pool: pg.Pool;
  /** Bolt's client (`app.client`): its token and API URL are reused by a client of the sender's own. */
  client: Pick<WebClient, 'token' | 'slackApiUrl'>;
  logger: Logger;
  /**
   * Run once per slot across every replica on this database. A function gets the outbox, for jobs
   * that queue messages (digests, nudges).
   */
  jobs: ScheduledJob[] | ((outbox: Outbox) => ScheduledJob[]);
  metrics?: Pick<BacklineMetrics, 'outboxMessages' | 'outboxRetries' | 'slackRateLimited'>;
  /** Names this replica in cron_runs and outbox claims. Default host:pid. */
  claimant?: string;
  /** Sender tuning; see SenderOptions. */
  sender?: Omit<SenderOptions, 'queue' | 'slack' | 'logger' | 'metrics' | 'claimant'> & { timeoutMs?: number };
}

export interface Delivery {
  /** Where jobs (and anything else) queue messages; queuing wakes this replica's sender. */
  outbox: Outbox;
  /** Stops scheduling, waits for running jobs, then for the messages in flight. */
  stop(): Promise<void>;
}

/**
 * Scheduled delivery for `backline serve`: the jobs on node-cron (one replica per slot, through
 * cron_runs) and the outbox sender (every replica drains, paced per channel through the database).
 */
export function startDelivery(options: DeliveryOptions): Delivery {
  const { pool, logger } = options;
  const store = PgOutboxStore.create({ pool });
  const { timeoutMs, ...tuning } = options.sender ?? {};
  const timeout = timeoutMs ?? 10_000;
  const leaseMs = tuning.leaseMs ?? 60_000;
  // A claim must outlive the post it covers, or a slow answer would let another replica post again.
  if (leaseMs <= timeout) throw new ConfigError(`The outbox lease (${leaseMs} ms) must be longer than the Slack timeout (${timeout} ms).`);
  let sender: Sender | undefined;
  const outbox: Outbox = {
    enqueue: async (messages) => {
      const result = await store.enqueue(messages);
      if (result.queued > 0) sender?.wake();
      return result;
    },
  };
  const jobs = typeof options.jobs === 'function' ? options.jobs(outbox) : options.jobs;
  // The scheduler first: it checks the jobs (names, cron expressions) and throws with the fix.
  const scheduler = startScheduler({ jobs, coordinator: PgRunCoordinator.create({ pool, claimant: options.claimant }), logger });
  sender = startSender({
    ...tuning,
    queue: store,
    slack: createDeliveryClient({ client: options.client, timeoutMs: timeout, maxRequestConcurrency: tuning.concurrency ?? 16 }),
    logger,
    metrics: options.metrics,
    claimant: options.claimant,
  });
  const running = sender;
  let stopping: Promise<void> | undefined;
  return {
    outbox,
    stop: () =>
      (stopping ??= (async () => {
        // Jobs first: they may still queue messages, which the sender then gets to post.
        await scheduler.stop();
        await running.stop();
      })()),
  };
}

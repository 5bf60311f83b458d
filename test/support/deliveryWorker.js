'use strict';
/**
 * One Backline replica's scheduled delivery (src/scheduler/index.ts: scheduler + outbox sender) in a
 * child process, for tests with several replicas on one database and tests that kill one with SIGKILL.
 *
 *   node test/support/deliveryWorker.js
 *
 * Environment: DATABASE_URL, SLACK_API_URL (the loopback fake), WORKER_NAME; optional WORKER_CRON with
 * WORKER_CHANNEL (a job that queues one message per slot, keyed `tick:<slot>:<WORKER_NAME>`, so a
 * slot run by two replicas would show as two messages), WORKER_LEASE_MS, WORKER_TIMEOUT_MS,
 * WORKER_CONCURRENCY. Prints `ready` on stdout once started, logs JSON lines on stderr, and stops
 * gracefully on SIGTERM (exit code 0).
 *
 * The TypeScript sources are compiled as they are required (test/support/transpileOnRequire.js).
 */
const path = require('node:path');
require('./transpileOnRequire');

const pg = require('pg');
const src = path.join(__dirname, '..', '..', 'src');
const { startDelivery } = require(path.join(src, 'slack', 'delivery.ts'));
const { createLogger } = require(path.join(src, 'logger.ts'));

async function main() {
  const env = process.env;
  const name = env.WORKER_NAME || `worker-${process.pid}`;
  const pool = new pg.Pool({ connectionString: env.DATABASE_URL, max: 4 });
  const logger = createLogger({ level: 'info', fields: { worker: name } });
  const jobs = (outbox) =>
    env.WORKER_CRON
      ? [
          {
            name: 'tick',
            cron: env.WORKER_CRON,
            run: async (slot) => {
              const key = `tick:${slot.toISOString()}:${name}`;
              await outbox.enqueue([{ idempotencyKey: key, channel: env.WORKER_CHANNEL, text: key, blocks: [], purpose: 'tick' }]);
            },
          },
        ]
      : [];
  const delivery = startDelivery({
    pool,
    client: { token: 'xoxb-test', slackApiUrl: env.SLACK_API_URL },
    logger,
    jobs,
    claimant: name,
    sender: {
      concurrency: Number(env.WORKER_CONCURRENCY || 8),
      leaseMs: Number(env.WORKER_LEASE_MS || 60000),
      timeoutMs: Number(env.WORKER_TIMEOUT_MS || 10000),
      pollMs: 50,
      retryBaseMs: 50,
      settleMs: 100,
    },
  });
  process.once('SIGTERM', () => {
    delivery
      .stop()
      .then(() => pool.end())
      .then(
        () => process.exit(0),
        (error) => {
          process.stderr.write(`${error && error.stack}\n`);
          process.exit(1);
        },
      );
  });
  process.stdout.write('ready\n');
}

main().catch((error) => {
  process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});

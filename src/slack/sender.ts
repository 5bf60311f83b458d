import os from 'node:os';
import type { Logger } from '../logger';
import type { BacklineMetrics } from '../metrics';
import type { ClaimedMessage, OutboxQueue } from '../scheduler/ports';
import type { DeliveryClient } from './deliveryClient';

export interface SenderOptions {
  queue: OutboxQueue;
  slack: DeliveryClient;
  logger: Logger;
  metrics?: Pick<BacklineMetrics, 'outboxMessages' | 'outboxRetries' | 'slackRateLimited'>;
  /** Names this replica on claimed rows. Default host:pid. */
  claimant?: string;
  /** Messages in flight at once, each to a different channel. Default 16. */
  concurrency?: number;
  /** Slack's pace: one chat.postMessage per channel per this many ms. Default 1000. */
  spacingMs?: number;
  /** How long a claim is held; a claimant silent for longer is presumed dead. Must exceed the post timeout. Default 60 s. */
  leaseMs?: number;
  /** How often an idle sender looks for work queued by other replicas. Default 500 ms. */
  pollMs?: number;
  /** Tries before a transiently failing message is given up as failed. Default 5. */
  maxAttempts?: number;
  /** Backoff after the n-th transient failure: retryBaseMs × 2^(n−1), at most retryMaxMs. Defaults 1 s, 5 min. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** The least wait before retrying a post that may have reached Slack, so it lands before the history check. Default 5 s. */
  settleMs?: number;
  /** How far before an uncertain try the history search starts, for clock differences. Default 2 min. */
  historyMarginMs?: number;
  /** Pause while the installation is broken (token, scopes). Default 60 s. */
  blockedPauseMs?: number;
}

export interface Sender {
  /** Looks for work now, e.g. right after this replica queued messages. */
  wake(): void;
  /** Stops claiming, and waits for the messages in flight to be settled. */
  stop(): Promise<void>;
}

/**
 * Drains the outbox: many channels in parallel, at most one message per channel per spacingMs
 * across every replica (the claim enforces it; see PgOutboxStore), with 429s, transient failures
 * and crashes handled so that every message reaches its channel exactly once or fails with a
 * logged fix.
 */
export function startSender(options: SenderOptions): Sender {
  const { queue, slack, metrics } = options;
  const logger = options.logger.child({ component: 'outbox-sender' });
  const claimant = options.claimant ?? `${os.hostname()}:${process.pid}`;
  const concurrency = Math.max(1, options.concurrency ?? 16);
  const spacingMs = options.spacingMs ?? 1_000;
  const leaseMs = options.leaseMs ?? 60_000;
  const pollMs = options.pollMs ?? 500;
  const maxAttempts = options.maxAttempts ?? 5;
  const retryBaseMs = options.retryBaseMs ?? 1_000;
  const retryMaxMs = options.retryMaxMs ?? 300_000;
  const settleMs = options.settleMs ?? 5_000;
  const historyMarginMs = options.historyMarginMs ?? 120_000;
  const blockedPauseMs = options.blockedPauseMs ?? 60_000;

  const inFlight = new Set<Promise<void>>();
  const signal = wakeSignal();
  let stopped = false;
  /** Until when this replica posts nothing: a method-wide rate limit or a broken installation. */
  let pausedUntil = 0;
  /** Until when history lookups wait: conversations.history has a rate limit of its own (Tier 3). */
  let lookupsPausedUntil = 0;

  const backoff = (attempts: number) => Math.min(retryMaxMs, retryBaseMs * 2 ** Math.max(0, attempts - 1));

  async function deliver(message: ClaimedMessage): Promise<void> {
    const log = logger.child({ key: message.idempotencyKey, channel: message.channel, purpose: message.purpose });
    const count = (outcome: string) => metrics?.outboxMessages.inc({ purpose: message.purpose, outcome });
    const retry = (reason: string) => metrics?.outboxRetries.inc({ purpose: message.purpose, reason });

    if (message.uncertainSince) {
      // An earlier try may have reached Slack: post again only if the channel does not have it.
      const wait = lookupsPausedUntil - Date.now();
      if (wait > 0) {
        retry('rate_limited');
        return queue.retryLater(message.id, claimant, { delayMs: wait, channelDelayMs: 0, error: null, uncertain: false, giveBackAttempt: true });
      }
      const found = await slack.findPosted(message, new Date(message.uncertainSince.getTime() - historyMarginMs));
      switch (found.kind) {
        case 'found':
          await queue.markSent(message.id, found, { spacingMs: 0 });
          count('found_after_restart');
          log.info('found the message in the channel already (posted before a restart or a lost answer); not posting it again', { ts: found.ts });
          return;
        case 'rate-limited':
          metrics?.slackRateLimited.inc({ method: 'conversations.history' });
          lookupsPausedUntil = Date.now() + found.retryAfterMs;
          retry('rate_limited');
          return queue.retryLater(message.id, claimant, { delayMs: found.retryAfterMs, channelDelayMs: 0, error: null, uncertain: false, giveBackAttempt: true });
        case 'blocked':
          pausedUntil = Date.now() + blockedPauseMs;
          retry('blocked');
          log.error(found.error, { pauseSeconds: blockedPauseMs / 1000 });
          return queue.retryLater(message.id, claimant, { delayMs: blockedPauseMs, channelDelayMs: 0, error: found.error, uncertain: false, giveBackAttempt: true });
        case 'transient':
          return settleTransient(message, found.error, false, log);
        case 'unchecked':
          log.warn(found.error);
          break;
        case 'absent':
          break;
      }
    }

    const outcome = await slack.post(message);
    switch (outcome.kind) {
      case 'sent':
        await queue.markSent(message.id, outcome, { spacingMs });
        count('sent');
        log.debug('posted', { ts: outcome.ts, attempts: message.attempts });
        return;
      case 'rate-limited': {
        metrics?.slackRateLimited.inc({ method: 'chat.postMessage' });
        retry('rate_limited');
        if (outcome.scope === 'method') pausedUntil = Math.max(pausedUntil, Date.now() + outcome.retryAfterMs);
        log.info(`Slack asked to wait ${outcome.retryAfterMs / 1000} s before posting ${outcome.scope === 'method' ? 'anything' : 'to this channel'} again`);
        // Slack did not post it, so this try does not count and nothing is uncertain.
        return queue.retryLater(message.id, claimant, { delayMs: outcome.retryAfterMs, channelDelayMs: outcome.retryAfterMs, error: null, uncertain: false, giveBackAttempt: true });
      }
      case 'blocked':
        pausedUntil = Date.now() + blockedPauseMs;
        retry('blocked');
        log.error(`${outcome.error}; posting paused for ${blockedPauseMs / 1000} s, queued messages are kept`);
        return queue.retryLater(message.id, claimant, { delayMs: blockedPauseMs, channelDelayMs: 0, error: outcome.error, uncertain: false, giveBackAttempt: true });
      case 'permanent':
        await queue.fail(message.id, claimant, outcome.error, { spacingMs: 0 });
        count('failed');
        log.error(`could not post a ${message.purpose}: ${outcome.error}`);
        return;
      case 'transient':
        return settleTransient(message, outcome.error, outcome.uncertain, log);
    }
  }

  async function settleTransient(message: ClaimedMessage, error: string, uncertain: boolean, log: Logger): Promise<void> {
    if (message.attempts >= maxAttempts) {
      const fix = `gave up after ${message.attempts} tries: ${error}. Once Slack answers again, queue it anew with UPDATE outbox SET status = 'pending', attempts = 0 WHERE idempotency_key = '${message.idempotencyKey}'`;
      await queue.fail(message.id, claimant, fix, { spacingMs });
      metrics?.outboxMessages.inc({ purpose: message.purpose, outcome: 'failed' });
      log.error(`could not post a ${message.purpose}: ${fix}`);
      return;
    }
    // A post that may still land waits long enough to show up in the history check that comes first.
    const delayMs = uncertain ? Math.max(settleMs, backoff(message.attempts)) : backoff(message.attempts);
    metrics?.outboxRetries.inc({ purpose: message.purpose, reason: 'transient' });
    log.warn(`posting a ${message.purpose} failed (try ${message.attempts} of ${maxAttempts}), trying again in ${Math.round(delayMs / 100) / 10} s: ${error}`);
    await queue.retryLater(message.id, claimant, { delayMs, channelDelayMs: spacingMs, error, uncertain, giveBackAttempt: false });
  }

  function track(message: ClaimedMessage): void {
    const work = deliver(message)
      .catch((error: unknown) => {
        // Most likely the database went away while settling: the row stays claimed until its lease
        // ends and is then treated as uncertain, so nothing is lost or sent twice.
        logger.error('could not settle a scheduled message; it is retried once its claim expires', { error, key: message.idempotencyKey });
      })
      .finally(() => {
        inFlight.delete(work);
        // Refill in batches rather than one claim per finished message.
        if (inFlight.size <= concurrency / 2) signal.notify();
      });
    inFlight.add(work);
  }

  async function loop(): Promise<void> {
    while (!stopped) {
      try {
        const paused = pausedUntil - Date.now();
        if (paused > 0) {
          await signal.wait(paused);
          continue;
        }
        const free = concurrency - inFlight.size;
        if (free < Math.ceil(concurrency / 2)) {
          await signal.wait(pollMs);
          continue;
        }
        const messages = await queue.claim({ claimant, limit: free, leaseMs });
        for (const message of messages) track(message);
        if (messages.length === free) continue; // more may be due right now
        const due = await queue.nextDueInMs();
        // Due "now" yet nothing claimed: another replica holds those channels for a moment.
        await signal.wait(due === null ? pollMs : Math.min(pollMs, Math.max(20, due)));
      } catch (error) {
        logger.error(`could not read the outbox; trying again in ${pollMs} ms`, { error });
        await signal.wait(pollMs);
      }
    }
  }

  const running = loop();
  let stopping: Promise<void> | undefined;
  return {
    wake: () => signal.notify(),
    stop: () =>
      (stopping ??= (async () => {
        stopped = true;
        signal.notify();
        await running;
        await Promise.allSettled([...inFlight]);
      })()),
  };
}

/** A wait that ends after `ms` or at the next notify(), whichever comes first. */
function wakeSignal(): { wait(ms: number): Promise<void>; notify(): void } {
  let wakeUp: (() => void) | undefined;
  let pending = false;
  return {
    wait(ms) {
      if (pending) {
        pending = false;
        return Promise.resolve();
      }
      return new Promise<void>((resolve) => {
        const timer = setTimeout(done, ms);
        function done() {
          clearTimeout(timer);
          wakeUp = undefined;
          resolve();
        }
        wakeUp = done;
      });
    },
    notify() {
      if (wakeUp) wakeUp();
      else pending = true;
    },
  };
}

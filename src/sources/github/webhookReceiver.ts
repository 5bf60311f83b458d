import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../../logger';
import { EVENTS_READ, type WebhookAnswer, type WebhookRequest } from './webhook';

export interface WebhookLimits {
  /** Larger bodies get 413: at once when Content-Length says so, else as soon as they pass it. */
  maxBytes: number;
  /** Bodies being received and not yet verified at once; one more gets 503 with Retry-After. */
  maxInFlight: number;
  /** A body not received whole by then gets 408. GitHub itself gives up after 10 s. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const RETRY_AFTER_SECONDS = 5;
// How long a refused client may take to read the answer before its connection is closed.
const CLOSE_GRACE_MS = 1_000;

/**
 * POST /github/webhook: checks a delivery's `X-Hub-Signature-256` while its body streams in, so
 * that nobody without the secret can make serve hold bodies in memory. A missing or malformed
 * signature is refused before the body is read; so is a body whose Content-Length is over the
 * cap, or one arriving while `maxInFlight` others are unverified. The HMAC is computed chunk by
 * chunk and the body is kept only for the events the handler reads (push, repository, ping), up to
 * the cap; the handler sees a delivery only once its signature matched.
 */
export function receiveGitHubWebhooks(options: { secret: string; limits: WebhookLimits; handle: (delivery: WebhookRequest) => WebhookAnswer; logger: Logger }): (req: IncomingMessage, res: ServerResponse) => void {
  const { secret, limits, logger } = options;
  const timeoutMs = limits.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let inFlight = 0;

  return (req, res) => {
    const header = (name: string) => {
      const value = req.headers[name];
      return Array.isArray(value) ? value[0] : value;
    };
    const delivery = header('x-github-delivery');
    const refuse = (status: number, reason: string, headers: Record<string, string> = {}) => {
      logger.warn('GitHub webhook refused', { status, reason, delivery, remoteAddress: req.socket.remoteAddress });
      if (res.headersSent) return;
      send(res, status, { status: 'rejected', reason }, headers);
      // The rest of an unread body is discarded as it arrives, never kept; a client still sending
      // once it had a moment to read the answer is cut off. Closing at once instead can reset the
      // connection before the client reads why.
      if (!req.complete) {
        req.resume();
        res.once('finish', () => setTimeout(() => req.complete || req.socket.destroy(), CLOSE_GRACE_MS).unref());
      }
    };

    const signature = header('x-hub-signature-256');
    if (!signature) return refuse(401, 'X-Hub-Signature-256 is missing: set the webhook secret in GitHub to GITHUB_WEBHOOK_SECRET');
    const given = /^sha256=([0-9a-f]{64})$/i.exec(signature.trim());
    if (!given) return refuse(401, 'X-Hub-Signature-256 is not sha256=<64 hex digits>: set the webhook secret in GitHub to GITHUB_WEBHOOK_SECRET');
    const declared = Number(header('content-length'));
    if (declared > limits.maxBytes) return refuse(413, tooLarge(limits.maxBytes));
    if (inFlight >= limits.maxInFlight) return refuse(503, 'too many deliveries are being received at once; try again shortly', { 'retry-after': String(RETRY_AFTER_SECONDS) });

    inFlight++;
    let settled = false;
    const settle = () => {
      if (settled) return false;
      settled = true;
      inFlight--;
      clearTimeout(timer);
      req.off('data', onData);
      return true;
    };
    const keep = EVENTS_READ.has(header('x-github-event') ?? '');
    const hmac = createHmac('sha256', secret);
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limits.maxBytes) {
        if (settle()) refuse(413, tooLarge(limits.maxBytes));
        return;
      }
      hmac.update(chunk);
      if (keep) chunks.push(chunk);
    };
    const timer = setTimeout(() => {
      if (settle()) refuse(408, `the body did not arrive within ${timeoutMs / 1000} s`);
    }, timeoutMs);
    timer.unref();
    req.on('data', onData);
    req.once('end', () => {
      if (!settle()) return;
      const expected = hmac.digest();
      if (!timingSafeEqual(Buffer.from(given[1]!, 'hex'), expected)) return refuse(401, 'X-Hub-Signature-256 does not match: the webhook secret differs from GITHUB_WEBHOOK_SECRET');
      let answer: WebhookAnswer;
      try {
        answer = options.handle({ headers: req.headers, body: Buffer.concat(chunks) });
      } catch (error) {
        logger.error('GitHub webhook failed', { error, delivery });
        answer = { status: 500, body: { status: 'failed' } };
      }
      send(res, answer.status, answer.body);
    });
    // A client that goes away mid-body frees its place.
    req.once('close', () => settle());
    req.on('error', (error) => logger.warn('GitHub webhook request failed', { error, delivery }));
  };
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

function tooLarge(maxBytes: number): string {
  return `the body is over ${maxBytes} bytes (BACKLINE_GITHUB_WEBHOOK_MAX_BYTES)`;
}

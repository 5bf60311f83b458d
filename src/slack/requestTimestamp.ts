import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Logger } from '../logger';

/** How far a request's signed timestamp may be from now, either way: Slack's own five minutes. */
export const REQUEST_TIMESTAMP_TOLERANCE_SECONDS = 5 * 60;

/**
 * Why a request's `X-Slack-Request-Timestamp` is refused, or undefined when it is within five
 * minutes of now. Bolt refuses old timestamps but accepts any in the future, so a request signed
 * with a timestamp ahead of time (by someone who once held the secret, or a replay kept for later)
 * would stay valid until then. A missing header is left to Bolt, which refuses unsigned requests.
 */
export function requestTimestampProblem(header: string | string[] | undefined, nowSeconds: number): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined) return undefined;
  if (!/^\d{1,12}$/.test(value.trim())) return 'X-Slack-Request-Timestamp is not a number of seconds';
  const skew = Number(value) - nowSeconds;
  if (skew > REQUEST_TIMESTAMP_TOLERANCE_SECONDS) return `X-Slack-Request-Timestamp is ${skew} s in the future`;
  if (-skew > REQUEST_TIMESTAMP_TOLERANCE_SECONDS) return `X-Slack-Request-Timestamp is ${-skew} s old`;
  return undefined;
}

/**
 * Answers 401, before the body is read, to a POST whose Slack timestamp is more than five minutes
 * from now, and logs why; passes every other request to `next` (Bolt's receiver).
 *
 * Every POST that carries the header is checked, whatever its path: Bolt routes on the path as the
 * URL parser normalises it, so `/slack/./events` or `/slack/events/../events` reach its events
 * endpoint too, and comparing paths here would let them past.
 */
export function refuseSkewedTimestamps(next: RequestListener, options: { logger: Logger; now?: () => number }): RequestListener {
  const now = options.now ?? Date.now;
  return (req: IncomingMessage, res: ServerResponse) => {
    const problem = req.method === 'POST' ? requestTimestampProblem(req.headers['x-slack-request-timestamp'], Math.floor(now() / 1000)) : undefined;
    if (!problem) return next(req, res);
    options.logger.warn('refused a Slack request: its signed timestamp is not within five minutes of now', { reason: problem, remoteAddress: req.socket.remoteAddress });
    res.writeHead(401, { connection: 'close' });
    res.end();
  };
}

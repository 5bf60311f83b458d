import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { signSlackRequest, slashCommandBody } from '../test/support/slackSigning';

/**
 * Worker threads for bench/whoowns-slack.bench.ts, so that neither the load generator nor the fake
 * Slack shares an event loop with the server under test (they do share the machine's CPUs):
 *
 * - `load`: sends signed slash commands over loopback with a fixed number in flight (a closed loop:
 *   each finished request starts the next) and times each from send to the end of the HTTP response,
 *   which for a Bolt slash command is the ack.
 * - `fake-slack`: a minimal loopback Slack Web API: users.lookupByEmail knows about half the emails
 *   (decided by a hash, see slackKnows) and answers users_not_found for the rest; response_url
 *   posts are counted.
 */

/** Whether the fake Slack knows a user with this email (about half of them), and their id. */
export function slackKnows(email: string): string | null {
  const digest = createHash('sha1').update(email.toLowerCase()).digest();
  return digest[0]! % 2 === 0 ? `U${digest.subarray(1, 6).toString('hex').toUpperCase()}` : null;
}

export interface LoadRun {
  url: string;
  secret: string;
  texts: string[];
  concurrency: number;
  responseUrl: string;
  /** Bodies of the first few answers to keep, to check what users would see. */
  keepBodies?: number;
  /** Per request, text the answer should contain (the intended entity's ref), to check it was found. */
  expect?: string[];
  /**
   * Open new connections for this run and close them after. By default a run reuses the
   * keep-alive connections an earlier run (the warm-up) opened to the same URL, as Slack's
   * requests arrive over connections it keeps open.
   */
  freshConnections?: boolean;
}

export interface LoadResult {
  wallMs: number;
  /** Per request, in request order: ms from send to the end of the response. */
  latencies: number[];
  statuses: number[];
  /** Per request: the ack carried a message with blocks (the card) rather than an empty body. */
  card: boolean[];
  /** Per request: the answer named an entity (not "Nothing in the catalog is called …"). */
  matched: boolean[];
  /** Per request: the answer offered "Did you mean" choices. */
  suggested: boolean[];
  /** Per request: the answer contained run.expect[i] (false when no expectation was given). */
  expected: boolean[];
  bodies: string[];
  errors: string[];
}

export interface FakeSlackStats {
  authTest: number;
  lookupByEmail: number;
  found: number;
  notFound: number;
  responseUrlPosts: number;
  otherCalls: number;
}

type Message = { id: number; type: 'run'; run: LoadRun } | { id: number; type: 'stats' } | { id: number; type: 'delay'; ms: number } | { id: number; type: 'close' };

/** A worker thread running this file in `role`, with request/answer messaging. */
export class BenchWorker<Ready = unknown> {
  private readonly worker: Worker;
  private next = 0;
  private readonly waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  readonly ready: Promise<Ready>;

  constructor(role: 'load' | 'fake-slack') {
    this.worker = new Worker(__filename, { workerData: { role } });
    let onReady!: (value: Ready) => void;
    this.ready = new Promise<Ready>((resolve) => (onReady = resolve));
    this.worker.on('message', (message: { id?: number; ready?: Ready; result?: unknown; error?: string }) => {
      if (message.ready !== undefined) return onReady(message.ready);
      const pending = this.waiting.get(message.id!);
      if (!pending) return;
      this.waiting.delete(message.id!);
      if (message.error) pending.reject(new Error(message.error));
      else pending.resolve(message.result);
    });
    this.worker.on('error', (error) => {
      for (const pending of this.waiting.values()) pending.reject(error);
      this.waiting.clear();
    });
  }

  call<T>(message: Omit<Extract<Message, { type: 'run' }>, 'id'> | { type: 'stats' } | { type: 'delay'; ms: number } | { type: 'close' }): Promise<T> {
    const id = ++this.next;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.worker.postMessage({ ...message, id });
    });
  }

  async terminate(): Promise<void> {
    await this.call({ type: 'close' }).catch(() => undefined);
    await this.worker.terminate();
  }
}

// ---- load generator ---------------------------------------------------------------------------

/** Keep-alive connections per target URL and concurrency, kept from one run to the next. */
const agents = new Map<string, http.Agent>();

async function runLoad(run: LoadRun): Promise<LoadResult> {
  const target = new URL(run.url);
  const reused = agents.get(`${run.url} ${run.concurrency}`);
  const agent = !run.freshConnections && reused ? reused : new http.Agent({ keepAlive: true, maxSockets: run.concurrency });
  if (!run.freshConnections) agents.set(`${run.url} ${run.concurrency}`, agent);
  const n = run.texts.length;
  const latencies = new Array<number>(n).fill(NaN);
  const statuses = new Array<number>(n).fill(0);
  const card = new Array<boolean>(n).fill(false);
  const matched = new Array<boolean>(n).fill(false);
  const suggested = new Array<boolean>(n).fill(false);
  const expected = new Array<boolean>(n).fill(false);
  const bodies: string[] = [];
  const errors: string[] = [];
  let next = 0;
  const post = (body: string, headers: Record<string, string>) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const request = http.request(
        { host: target.hostname, port: target.port, path: target.pathname, method: 'POST', agent, headers: { ...headers, 'Content-Length': Buffer.byteLength(body) } },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
          response.on('error', reject);
        },
      );
      request.setTimeout(30_000, () => request.destroy(new Error('no answer within 30 s')));
      request.on('error', reject);
      request.end(body);
    });
  const slot = async () => {
    while (next < n) {
      const index = next++;
      // Signing is the sender's work (Slack signs before sending): outside the timed window.
      const body = slashCommandBody({ text: run.texts[index]!, response_url: `${run.responseUrl}${index}` });
      const headers = signSlackRequest(run.secret, body);
      const started = performance.now();
      try {
        const answer = await post(body, headers);
        latencies[index] = performance.now() - started;
        statuses[index] = answer.status;
        card[index] = answer.text.startsWith('{') && answer.text.includes('"blocks"');
        matched[index] = card[index] && !answer.text.includes('Nothing in the catalog is called');
        suggested[index] = answer.text.includes('Did you mean');
        expected[index] = run.expect?.[index] !== undefined && answer.text.includes(run.expect[index]!);
        if (bodies.length < (run.keepBodies ?? 0)) bodies.push(answer.text);
      } catch (error) {
        latencies[index] = performance.now() - started;
        if (errors.length < 20) errors.push((error as Error).message);
      }
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: Math.min(run.concurrency, n) }, slot));
  const wallMs = performance.now() - started;
  if (run.freshConnections) agent.destroy();
  return { wallMs, latencies, statuses, card, matched, suggested, expected, bodies, errors };
}

// ---- fake Slack ---------------------------------------------------------------------------------

const emptyStats = (): FakeSlackStats => ({ authTest: 0, lookupByEmail: 0, found: 0, notFound: 0, responseUrlPosts: 0, otherCalls: 0 });

interface FakeSlackServer {
  server: http.Server;
  stats: FakeSlackStats;
  /** Web API answers wait this long: Slack's round trip from a real deployment (response_url posts do not). */
  delayMs: number;
}

function startFakeSlack(): Promise<FakeSlackServer> {
  const fake: FakeSlackServer = { server: undefined as unknown as http.Server, stats: emptyStats(), delayMs: 0 };
  const { stats } = fake;
  const json = (res: http.ServerResponse, body: unknown) => {
    const text = JSON.stringify(body);
    const send = () => {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    };
    if (fake.delayMs > 0) setTimeout(send, fake.delayMs);
    else send();
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = req.url ?? '/';
      const raw = Buffer.concat(chunks).toString('utf8');
      if (url.startsWith('/response/')) {
        stats.responseUrlPosts++;
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('ok');
        return;
      }
      if (url.startsWith('/api/users.lookupByEmail')) {
        stats.lookupByEmail++;
        const args = req.headers['content-type']?.includes('json') ? (JSON.parse(raw || '{}') as Record<string, string>) : Object.fromEntries(new URLSearchParams(raw));
        const email = String(args.email ?? '');
        const id = slackKnows(email);
        if (id) {
          stats.found++;
          json(res, { ok: true, user: { id, name: email.split('@')[0], real_name: email.split('@')[0], deleted: false, profile: { email } } });
        } else {
          stats.notFound++;
          json(res, { ok: false, error: 'users_not_found' });
        }
        return;
      }
      if (url.startsWith('/api/auth.test')) {
        stats.authTest++;
        json(res, { ok: true, url: 'https://bench.slack.com/', team: 'Bench', user: 'backline', team_id: 'T0BACKLINE', user_id: 'U0BACKLINE', bot_id: 'B0BACKLINE', is_enterprise_install: false });
        return;
      }
      stats.otherCalls++;
      json(res, url.startsWith('/api/users.info') ? { ok: false, error: 'user_not_found' } : { ok: true });
    });
  });
  server.keepAliveTimeout = 60_000;
  fake.server = server;
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(fake)));
}

// ---- worker entry -----------------------------------------------------------------------------

if (!isMainThread && parentPort) {
  const port = parentPort;
  const role = (workerData as { role: string }).role;
  void (async () => {
    let fake: FakeSlackServer | undefined;
    if (role === 'fake-slack') {
      fake = await startFakeSlack();
      port.postMessage({ ready: { url: `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}` } });
    } else {
      port.postMessage({ ready: true });
    }
    port.on('message', (message: Message) => {
      const answer = (work: Promise<unknown>) =>
        work.then(
          (result) => port.postMessage({ id: message.id, result }),
          (error: unknown) => port.postMessage({ id: message.id, error: (error as Error).message }),
        );
      if (message.type === 'run') void answer(runLoad(message.run));
      else if (message.type === 'stats') {
        const stats = fake ? { ...fake.stats } : undefined;
        if (fake) Object.assign(fake.stats, emptyStats());
        void answer(Promise.resolve(stats));
      } else if (message.type === 'delay') {
        if (fake) fake.delayMs = message.ms;
        void answer(Promise.resolve(undefined));
      } else if (message.type === 'close') {
        void answer(
          new Promise<void>((resolve) => {
            if (!fake) return resolve();
            fake.server.closeAllConnections();
            fake.server.close(() => resolve());
          }),
        );
      }
    });
  })();
}

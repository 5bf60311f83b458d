import { createHash } from 'node:crypto';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { signSlackRequest, slashCommandBody } from '../test/support/slackSigning';

/**
 * Worker threads for bench/whoowns-slack.bench.ts, so that neither the load generator nor the fake
 * Slack shares an event loop with the server under test (they do share the machine's CPUs):
 *
 * - `load`: sends signed slash commands over loopback with a fixed number in flight (a closed loop:
 *   each finished request starts the next) and times each from send to the end of the HTTP response,
 *   which for a Bolt slash command is the ack. By default through a lean HTTP/1.1 client of its own
 *   (`client: 'lean'`, see LeanConnection); `client: 'node'` uses node:http's client instead.
 * - `fake-slack`: a minimal loopback Slack Web API: users.lookupByEmail knows about half the emails
 *   (decided by a hash, see slackKnows) and answers users_not_found for the rest; users.list pages
 *   through the people it was given (`people`) that it knows, 200 at most a page; response_url
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
  /** The HTTP client that sends the requests (default 'lean'). */
  client?: LoadClient;
}

/**
 * 'lean': one raw keep-alive socket per request in flight, each request written as one buffer and
 * its response read by Content-Length (or chunks). 'node': node:http's client with a keep-alive Agent.
 */
export type LoadClient = 'lean' | 'node';

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
  usersList: number;
  responseUrlPosts: number;
  otherCalls: number;
}

type Message =
  | { id: number; type: 'run'; run: LoadRun }
  | { id: number; type: 'stats' }
  | { id: number; type: 'delay'; ms: number }
  | { id: number; type: 'people'; emails: string[] }
  | { id: number; type: 'close' };

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

  call<T>(message: Message extends infer M ? (M extends { id: number } ? Omit<M, 'id'> : never) : never): Promise<T> {
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

/** An HTTP answer as the load generator reads it. */
interface Answer {
  status: number;
  text: string;
}

type Post = (body: string, headers: Record<string, string>) => Promise<Answer>;

/** Connections to one target, kept from one run to the next: a keep-alive Agent, or idle lean sockets. */
interface ConnectionPool {
  post: Post;
  close(): void;
}

const pools = new Map<string, ConnectionPool>();

function nodeHttpPool(target: URL, concurrency: number): ConnectionPool {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const post: Post = (body, headers) =>
    new Promise<Answer>((resolve, reject) => {
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
  return { post, close: () => agent.destroy() };
}

const HEADER_END = Buffer.from('\r\n\r\n');

/**
 * One keep-alive HTTP/1.1 connection that sends a request and reads its answer, with no more work
 * than that takes. The load generator shares the machine's CPUs with the server under test (Slack's
 * senders do not), and node:http's client spent about 0.45 ms of CPU per request here, half of
 * what the server spent on a card; this one spends a fraction of that, so more of the machine is
 * left to the server. Requests are whole buffers; answers are read by Content-Length, or by chunks.
 */
class LeanConnection {
  private readonly socket: net.Socket;
  private buffered: Buffer = Buffer.alloc(0);
  private waiting: { resolve: (answer: Answer) => void; reject: (error: Error) => void; timer: NodeJS.Timeout } | undefined;
  closed = false;

  constructor(target: URL) {
    this.socket = net.connect({ host: target.hostname, port: Number(target.port) });
    this.socket.setNoDelay(true);
    this.socket.on('data', (chunk: Buffer) => {
      this.buffered = this.buffered.length ? Buffer.concat([this.buffered, chunk]) : chunk;
      this.readAnswer();
    });
    const fail = (error: Error) => {
      this.closed = true;
      this.finish(undefined, error);
    };
    this.socket.on('error', fail);
    this.socket.on('close', () => fail(new Error('the server closed the connection')));
  }

  send(head: string, body: string): Promise<Answer> {
    return new Promise<Answer>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.socket.destroy();
        this.finish(undefined, new Error('no answer within 30 s'));
      }, 30_000);
      this.waiting = { resolve, reject, timer };
      this.socket.write(head + body);
    });
  }

  destroy(): void {
    this.socket.destroy();
  }

  private finish(answer: Answer | undefined, error?: Error): void {
    const waiting = this.waiting;
    if (!waiting) return;
    this.waiting = undefined;
    clearTimeout(waiting.timer);
    if (answer) waiting.resolve(answer);
    else waiting.reject(error ?? new Error('no answer'));
  }

  /** Answers the request in flight once its whole response has arrived. */
  private readAnswer(): void {
    const headerEnd = this.buffered.indexOf(HEADER_END);
    if (headerEnd < 0) return;
    const head = this.buffered.subarray(0, headerEnd).toString('latin1');
    const status = Number(head.slice(9, 12));
    const start = headerEnd + 4;
    const length = /\r\ncontent-length: *(\d+)/i.exec(head);
    let body: Buffer | undefined;
    let end = start;
    if (length) {
      end = start + Number(length[1]);
      if (this.buffered.length < end) return;
      body = this.buffered.subarray(start, end);
    } else if (/\r\ntransfer-encoding: *chunked/i.test(head)) {
      const parts: Buffer[] = [];
      for (let at = start; ; ) {
        const lineEnd = this.buffered.indexOf('\r\n', at);
        if (lineEnd < 0) return;
        const size = parseInt(this.buffered.subarray(at, lineEnd).toString('latin1'), 16);
        if (this.buffered.length < lineEnd + 2 + size + 2) return;
        if (size === 0) {
          end = lineEnd + 4;
          break;
        }
        parts.push(this.buffered.subarray(lineEnd + 2, lineEnd + 2 + size));
        at = lineEnd + 2 + size + 2;
      }
      body = Buffer.concat(parts);
    } else {
      body = Buffer.alloc(0);
    }
    this.buffered = this.buffered.subarray(end);
    if (/\r\nconnection: *close/i.test(head)) {
      this.closed = true;
      this.socket.end();
    }
    this.finish({ status, text: body.toString('utf8') });
  }
}

function leanPool(target: URL): ConnectionPool {
  const idle: LeanConnection[] = [];
  const open = new Set<LeanConnection>();
  const requestLine = `POST ${target.pathname} HTTP/1.1\r\nHost: ${target.host}\r\n`;
  const post: Post = async (body, headers) => {
    let connection = idle.pop();
    while (connection?.closed) connection = idle.pop();
    if (!connection) {
      connection = new LeanConnection(target);
      open.add(connection);
    }
    let head = requestLine;
    for (const [name, value] of Object.entries(headers)) head += `${name}: ${value}\r\n`;
    head += `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n`;
    try {
      return await connection.send(head, body);
    } finally {
      if (connection.closed) open.delete(connection);
      else idle.push(connection);
    }
  };
  return {
    post,
    close: () => {
      for (const connection of open) connection.destroy();
      open.clear();
      idle.length = 0;
    },
  };
}

async function runLoad(run: LoadRun): Promise<LoadResult> {
  const target = new URL(run.url);
  const client = run.client ?? 'lean';
  const makePool = () => (client === 'lean' ? leanPool(target) : nodeHttpPool(target, run.concurrency));
  const poolKey = `${client} ${run.url} ${run.concurrency}`;
  let connections = run.freshConnections ? undefined : pools.get(poolKey);
  if (!connections) {
    connections = makePool();
    if (!run.freshConnections) pools.set(poolKey, connections);
  }
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
  const post = connections.post;
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
  if (run.freshConnections) connections.close();
  return { wallMs, latencies, statuses, card, matched, suggested, expected, bodies, errors };
}

// ---- fake Slack ---------------------------------------------------------------------------------

const emptyStats = (): FakeSlackStats => ({ authTest: 0, lookupByEmail: 0, found: 0, notFound: 0, usersList: 0, responseUrlPosts: 0, otherCalls: 0 });

interface FakeSlackServer {
  server: http.Server;
  stats: FakeSlackStats;
  /** Web API answers wait this long: Slack's round trip from a real deployment (response_url posts do not). */
  delayMs: number;
  /** The workspace's people as users.list pages them: the emails it was given that slackKnows. */
  people: Array<{ id: string; email: string }>;
}

function startFakeSlack(): Promise<FakeSlackServer> {
  const fake: FakeSlackServer = { server: undefined as unknown as http.Server, stats: emptyStats(), delayMs: 0, people: [] };
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
      if (url.startsWith('/api/users.list')) {
        stats.usersList++;
        const args = req.headers['content-type']?.includes('json') ? (JSON.parse(raw || '{}') as Record<string, string>) : Object.fromEntries(new URLSearchParams(raw));
        const offset = Number(String(args.cursor ?? '').replace(/^offset:/, '') || 0);
        const limit = Math.min(200, Number(args.limit) || 200);
        const page = fake.people.slice(offset, offset + limit);
        const more = offset + limit < fake.people.length;
        json(res, {
          ok: true,
          members: page.map(({ id, email }) => ({ id, name: email.split('@')[0], real_name: email.split('@')[0], deleted: false, is_bot: false, profile: { email } })),
          response_metadata: { next_cursor: more ? `offset:${offset + limit}` : '' },
        });
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
      } else if (message.type === 'people') {
        if (fake) fake.people = message.emails.flatMap((email) => (slackKnows(email) ? [{ id: slackKnows(email)!, email }] : []));
        void answer(Promise.resolve(fake?.people.length));
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

/**
 * A loopback fake of Slack's Web API and of `response_url`, for tests that run the real WebClient
 * (and Bolt) against it: `new WebClient(token, { slackApiUrl: slack.url, retryConfig: { retries: 0 } })`.
 *
 * It records every call, enforces Block Kit limits on every message and view (a violation answers
 * `invalid_blocks` *and* is kept in `slack.violations`, so a test that swallows the error still fails
 * `expectNoViolations`), and plays Slack's failure modes on demand: 429 with Retry-After, `{ ok: false }`
 * errors, bad tokens, reused trigger_ids, over-used response_urls. With `enforceChannelRateLimit` it
 * plays Slack's chat.postMessage limit of one message per second per channel: a faster post gets 429
 * with Retry-After (kept in `slack.channelRateLimits`), and a post that comes back before that
 * Retry-After has passed is a violation. Messages keep their metadata, and conversations.history
 * answers from them. chat.unfurl checks each unfurl's blocks as it checks a message's.
 *
 * It also plays Slack's side of Socket Mode (fakeSocketMode.ts): `apps.connections.open`, called
 * with an app-level token (`xapp-…`), answers a single-use `ws://` URL on this server, and
 * `slack.socketMode` sends envelopes over the connections Bolt opens and records the acks.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import yaml from 'js-yaml';
import { checkMessageLimits, checkViewLimits } from '../../commands/blockKit/checks';
import { FakeSocketModeServer, type FakeSocketMode } from './fakeSocketMode';

export interface RecordedCall {
  method: string;
  /** As Slack received them: form fields stay strings; blocks/view/attachments/metadata are JSON-decoded. */
  args: Record<string, unknown>;
  /** From `Authorization: Bearer …`, or a `token` field (which is removed from args). */
  token: string | undefined;
  at: number;
  /** HTTP status the fake answered (200, or 429 when rate limited). */
  status: number;
  response: Record<string, unknown>;
}

export interface RecordedResponse {
  id: string;
  url: string;
  body: Record<string, unknown>;
  at: number;
  status: number;
}

export interface FakeSlackViolation {
  /** A Web API method, or 'response_url'. */
  method: string;
  problems: string[];
}

export interface FakeSlackUser {
  id: string;
  name?: string;
  real_name?: string;
  deleted?: boolean;
  tz?: string;
  profile?: Record<string, unknown>;
  [field: string]: unknown;
}

export interface FakeSlackChannel {
  id: string;
  name: string;
  is_private?: boolean;
  is_archived?: boolean;
  [field: string]: unknown;
}

export interface FakeSlackUsergroup {
  id: string;
  handle: string;
  name: string;
  users?: string[];
  /** Non-zero means disabled; left out of usergroups.list unless include_disabled. */
  date_delete?: number;
  [field: string]: unknown;
}

export interface FakeSlackMessage {
  channel: string;
  ts: string;
  thread_ts?: string;
  text?: string;
  blocks?: unknown[];
  attachments?: unknown[];
  /** Message metadata as posted: `{ event_type, event_payload }`. */
  metadata?: Record<string, unknown>;
  /** How many times chat.update changed it. */
  edits: number;
}

export interface FakeSlackOptions {
  /** Tokens that authenticate. Default: any token starting with xoxb- or xoxp- (and xapp- for apps.connections.open). */
  tokens?: string[];
  /** Seed users.lookupByEmail / users.info / users.list: email → user. */
  users?: Record<string, FakeSlackUser>;
  channels?: FakeSlackChannel[];
  usergroups?: FakeSlackUsergroup[];
  /**
   * Play Slack's rate limit of one chat.postMessage per second per channel: a post within a second
   * of the channel's last accepted one answers 429 with Retry-After: 1; posting there again before
   * that Retry-After has passed is also recorded as a violation.
   */
  enforceChannelRateLimit?: boolean;
  /**
   * The bot token's scopes, which Slack sends in the `x-oauth-scopes` header of every Web API
   * answer. Default: every bot scope manifest.yml asks for; null sends no header.
   */
  scopes?: string[] | null;
}

/** A 429 the fake answered to keep a channel within one message per second. */
export interface FakeSlackRateLimit {
  channel: string;
  at: number;
  retryAfterSeconds: number;
}

export interface FakeSlack {
  /** Web API base URL with trailing slash, for WebClient's `slackApiUrl`. */
  url: string;
  calls: RecordedCall[];
  responses: RecordedResponse[];
  violations: FakeSlackViolation[];
  /** email → user, for users.lookupByEmail (case-insensitive) and users.info (by id). */
  users: Map<string, FakeSlackUser>;
  channels: Map<string, FakeSlackChannel>;
  usergroups: FakeSlackUsergroup[];
  /** Messages posted with chat.postMessage, as chat.update/chat.delete left them. */
  messages: FakeSlackMessage[];
  /** Views by id, as views.open/push/update/publish left them. */
  views: Map<string, Record<string, unknown>>;
  /** The 429s answered under `enforceChannelRateLimit`, in order. */
  channelRateLimits: FakeSlackRateLimit[];
  /** Slack's side of Socket Mode: the connections apps.connections.open's URLs opened, and the envelopes sent over them. */
  socketMode: FakeSocketMode;
  /** A loopback URL that records what is posted to it, like a slash command's response_url. */
  responseUrl(id?: string): string;
  callsTo(method: string): RecordedCall[];
  /** The next `times` calls to `method` answer HTTP 429 with `Retry-After: retryAfterSeconds`. */
  rateLimit(method: string, retryAfterSeconds: number, times?: number): void;
  /** The next `times` calls to `method` answer `{ ok: false, error }` (HTTP `status`, default 200). */
  failNext(method: string, error: string, options?: { status?: number; times?: number }): void;
  /** The next `times` calls to `method` are answered only after `ms` milliseconds: a slow Slack. */
  delay(method: string, ms: number, times?: number): void;
  /**
   * The next `times` calls to `method` take effect at once (a message is posted) but are answered
   * only after `ms` milliseconds: a client that dies meanwhile never learns that they happened.
   */
  delayAnswer(method: string, ms: number, times?: number): void;
  /** Forgets calls, responses, violations, pending failures and envelopes; keeps users, channels, groups and connections. */
  reset(): void;
  close(): Promise<void>;
}

/** Fails the test with every Block Kit violation the fake saw. */
export function expectNoViolations(slack: Pick<FakeSlack, 'violations'>): void {
  expect(slack.violations).toEqual([]);
}

export async function startFakeSlack(options: FakeSlackOptions = {}): Promise<FakeSlack> {
  const fake = new FakeSlackServer(options);
  await fake.listen();
  return fake;
}

export const FAKE_TEAM = { id: 'T0BACKLINE', name: 'Backline Test', domain: 'backline-test' } as const;
export const FAKE_BOT = { userId: 'U0BACKLINE', botId: 'B0BACKLINE', appId: 'A0BACKLINE', name: 'backline' } as const;

/** Form fields WebClient JSON-encodes; everything else stays the string Slack received. */
/** What an app installed from manifest.yml is granted. */
const MANIFEST_SCOPES = (yaml.load(readFileSync(path.join(__dirname, '..', '..', 'manifest.yml'), 'utf8')) as { oauth_config: { scopes: { bot: string[] } } }).oauth_config.scopes.bot;

const JSON_FIELDS = new Set(['blocks', 'attachments', 'view', 'metadata', 'user_auth_blocks', 'unfurls']);
const RESPONSE_URL_USES = 5;

type Args = Record<string, unknown>;
type Reply = { status?: number; body: Record<string, unknown>; headers?: Record<string, string> };
type Handler = (args: Args) => Reply['body'];

class FakeSlackServer implements FakeSlack {
  url = '';
  readonly calls: RecordedCall[] = [];
  readonly responses: RecordedResponse[] = [];
  readonly violations: FakeSlackViolation[] = [];
  readonly users: Map<string, FakeSlackUser>;
  readonly channels: Map<string, FakeSlackChannel>;
  readonly usergroups: FakeSlackUsergroup[];
  readonly messages: FakeSlackMessage[] = [];
  readonly views = new Map<string, Record<string, unknown>>();
  readonly channelRateLimits: FakeSlackRateLimit[] = [];
  readonly socketMode: FakeSocketModeServer;

  private readonly server: Server;
  private readonly tokens: ReadonlySet<string> | undefined;
  private readonly rateLimits = new Map<string, Array<number>>();
  private readonly delays = new Map<string, Array<number>>();
  private readonly answerDelays = new Map<string, Array<number>>();
  private readonly enforceChannelRateLimit: boolean;
  /** Per channel id: when the last post was accepted. */
  private readonly channelPace = new Map<string, number>();
  /** Per channel and message: until when the Retry-After of the 429 it got runs. */
  private readonly retryWindows = new Map<string, number>();
  private readonly failures = new Map<string, Array<{ error: string; status: number }>>();
  private readonly usedTriggers = new Set<string>();
  private readonly homeViewIds = new Map<string, string>();
  private origin = '';
  private sequence = 0;
  private readonly handlers: Record<string, Handler>;
  private readonly scopes: string[] | null;

  constructor(options: FakeSlackOptions) {
    this.scopes = options.scopes === undefined ? MANIFEST_SCOPES : options.scopes;
    this.tokens = options.tokens ? new Set(options.tokens) : undefined;
    this.users = new Map(Object.entries(options.users ?? {}));
    this.channels = new Map((options.channels ?? []).map((c) => [c.id, c]));
    this.usergroups = [...(options.usergroups ?? [])];
    this.enforceChannelRateLimit = options.enforceChannelRateLimit ?? false;
    this.server = createServer((req, res) => void this.handle(req, res));
    this.socketMode = new FakeSocketModeServer(() => this.origin, FAKE_BOT.appId);
    this.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.socketMode.upgrade(req, socket, head));
    this.handlers = {
      'auth.test': () => ({
        url: `https://${FAKE_TEAM.domain}.slack.com/`,
        team: FAKE_TEAM.name,
        user: FAKE_BOT.name,
        team_id: FAKE_TEAM.id,
        user_id: FAKE_BOT.userId,
        bot_id: FAKE_BOT.botId,
        is_enterprise_install: false,
      }),
      // Socket Mode's first call, made with the app-level token: a single-use URL to open.
      'apps.connections.open': () => ({ url: this.socketMode.openUrl() }),
      'chat.postMessage': (args) => this.postMessage(args),
      'chat.postEphemeral': (args) => {
        if (!str(args.channel)) return { error: 'channel_not_found' };
        if (!str(args.user)) return { error: 'user_not_found' };
        return this.messageProblems('chat.postEphemeral', args) ?? { message_ts: this.nextTs() };
      },
      'chat.update': (args) => this.updateMessage(args),
      'chat.unfurl': (args) => this.unfurl(args),
      'chat.delete': (args) => {
        const index = this.messages.findIndex((m) => m.channel === args.channel && m.ts === args.ts);
        if (index === -1) return { error: 'message_not_found' };
        this.messages.splice(index, 1);
        return { channel: args.channel, ts: args.ts };
      },
      'chat.getPermalink': (args) => {
        const message = this.messages.find((m) => m.channel === args.channel && m.ts === args.message_ts);
        if (!message) return { error: 'message_not_found' };
        return {
          channel: message.channel,
          permalink: `https://${FAKE_TEAM.domain}.slack.com/archives/${message.channel}/p${message.ts.replace('.', '')}`,
        };
      },
      'conversations.open': (args) => {
        const first = (str(args.users) ?? '').split(',')[0] ?? '';
        if (!first) return { error: 'users_list_not_supplied' };
        return { channel: { id: `D${first.slice(1)}` } };
      },
      'conversations.history': (args) => this.history(args),
      'conversations.list': (args) => this.listChannels(args),
      'conversations.info': (args) => {
        const channel = this.channels.get(str(args.channel) ?? '');
        if (!channel) return { error: 'channel_not_found' };
        return { channel: { is_channel: true, is_private: false, is_archived: false, is_member: true, ...channel } };
      },
      'users.lookupByEmail': (args) => {
        const email = (str(args.email) ?? '').toLowerCase();
        const entry = [...this.users].find(([key]) => key.toLowerCase() === email);
        return entry ? { user: slackUser(entry[0], entry[1]) } : { error: 'users_not_found' };
      },
      'users.list': (args) => this.listUsers(args),
      'users.info': (args) => {
        const entry = [...this.users].find(([, user]) => user.id === args.user);
        return entry ? { user: slackUser(entry[0], entry[1]) } : { error: 'user_not_found' };
      },
      'usergroups.list': (args) => ({
        usergroups: this.usergroups
          .filter((g) => flag(args.include_disabled) || !g.date_delete)
          .map((g) => {
            const group = { team_id: FAKE_TEAM.id, is_usergroup: true, date_delete: 0, ...g };
            if (!flag(args.include_users)) delete group.users;
            return group;
          }),
      }),
      'views.open': (args) => this.openView('views.open', args),
      'views.push': (args) => this.openView('views.push', args),
      'views.update': (args) => this.updateView(args),
      'views.publish': (args) => this.publishView(args),
    };
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.origin = `http://127.0.0.1:${port}`;
    this.url = `${this.origin}/api/`;
  }

  responseUrl(id: string = `r${++this.sequence}`): string {
    return `${this.origin}/response/${encodeURIComponent(id)}`;
  }

  callsTo(method: string): RecordedCall[] {
    return this.calls.filter((call) => call.method === method);
  }

  rateLimit(method: string, retryAfterSeconds: number, times = 1): void {
    const queue = this.rateLimits.get(method) ?? [];
    for (let i = 0; i < times; i += 1) queue.push(retryAfterSeconds);
    this.rateLimits.set(method, queue);
  }

  failNext(method: string, error: string, options: { status?: number; times?: number } = {}): void {
    const queue = this.failures.get(method) ?? [];
    for (let i = 0; i < (options.times ?? 1); i += 1) queue.push({ error, status: options.status ?? 200 });
    this.failures.set(method, queue);
  }

  delay(method: string, ms: number, times = 1): void {
    const queue = this.delays.get(method) ?? [];
    for (let i = 0; i < times; i += 1) queue.push(ms);
    this.delays.set(method, queue);
  }

  delayAnswer(method: string, ms: number, times = 1): void {
    const queue = this.answerDelays.get(method) ?? [];
    for (let i = 0; i < times; i += 1) queue.push(ms);
    this.answerDelays.set(method, queue);
  }

  reset(): void {
    this.delays.clear();
    this.answerDelays.clear();
    this.channelRateLimits.length = 0;
    this.channelPace.clear();
    this.retryWindows.clear();
    this.calls.length = 0;
    this.responses.length = 0;
    this.violations.length = 0;
    this.rateLimits.clear();
    this.failures.clear();
    this.socketMode.reset();
  }

  async close(): Promise<void> {
    // Upgraded sockets are no longer the HTTP server's: they are dropped here.
    this.socketMode.close();
    const closed = new Promise<void>((resolve, reject) => this.server.close((err) => (err ? reject(err) : resolve())));
    // fetch keeps sockets alive; without this close() waits for them and jest reports an open handle.
    this.server.closeAllConnections();
    await closed;
  }

  // --- HTTP -------------------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const path = new URL(req.url ?? '/', this.origin).pathname;
    let reply: Reply;
    try {
      if (req.method === 'POST' && path.startsWith('/api/')) {
        const method = decodeURIComponent(path.slice('/api/'.length));
        const wait = this.delays.get(method)?.shift();
        // Unreferenced: a test that closes the fake while a call waits leaves nothing behind.
        if (wait) await new Promise((resolve) => setTimeout(resolve, wait).unref());
        reply = this.apiCall(method, req, raw);
        const answerWait = this.answerDelays.get(method)?.shift();
        if (answerWait) await new Promise((resolve) => setTimeout(resolve, answerWait).unref());
      } else if (req.method === 'POST' && path.startsWith('/response/')) {
        reply = this.responsePost(decodeURIComponent(path.slice('/response/'.length)), raw);
      } else {
        reply = { status: 404, body: { ok: false, error: 'not_found' } };
      }
    } catch (error) {
      // A bug in the fake must fail the test loudly, not hang it or crash the worker.
      reply = { status: 500, body: { ok: false, error: 'fake_slack_error', detail: String(error) } };
    }
    res.writeHead(reply.status ?? 200, { 'Content-Type': 'application/json; charset=utf-8', ...reply.headers });
    res.end(JSON.stringify(reply.body));
  }

  private apiCall(method: string, req: IncomingMessage, raw: string): Reply {
    const args = parseBody(raw, req.headers['content-type']);
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const token = bearer ?? str(args.token);
    delete args.token;
    const call: RecordedCall = { method, args, token, at: Date.now(), status: 200, response: {} };
    this.calls.push(call);
    const reply = this.answer(method, args, token);
    if (this.scopes && token?.startsWith('xoxb-') && reply.body.error !== 'invalid_auth') reply.headers = { 'x-oauth-scopes': this.scopes.join(','), ...reply.headers };
    call.status = reply.status ?? 200;
    call.response = reply.body;
    return reply;
  }

  private answer(method: string, args: Args, token: string | undefined): Reply {
    const handler = this.handlers[method];
    if (!handler) return { body: { ok: false, error: 'unknown_method', req_method: method } };
    if (!token) return { body: { ok: false, error: 'not_authed' } };
    // App-level tokens (xapp-) open Socket Mode connections and nothing else.
    const valid = this.tokens ? this.tokens.has(token) : method === 'apps.connections.open' ? /^xapp-/.test(token) : /^xox[bp]-/.test(token);
    if (!valid) return { body: { ok: false, error: 'invalid_auth' } };
    const retryAfter = this.rateLimits.get(method)?.shift();
    if (retryAfter !== undefined) {
      return { status: 429, headers: { 'Retry-After': String(retryAfter) }, body: { ok: false, error: 'ratelimited' } };
    }
    const failure = this.failures.get(method)?.shift();
    if (failure) return { status: failure.status, body: { ok: false, error: failure.error } };
    if (method === 'chat.postMessage' && this.enforceChannelRateLimit) {
      const limited = this.paceChannel(this.channelIdOf(str(args.channel) ?? ''), args);
      if (limited) return limited;
    }
    const result = handler(args);
    return { body: typeof result.error === 'string' ? { ok: false, ...result } : { ok: true, ...result } };
  }

  private responsePost(id: string, raw: string): Reply {
    let body: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(raw);
      body = isRecord(parsed) ? parsed : {};
    } catch {
      return this.recordResponse(id, {}, { status: 400, body: { ok: false, error: 'invalid_payload' } });
    }
    const uses = this.responses.filter((r) => r.id === id).length + 1;
    if (uses > RESPONSE_URL_USES) {
      this.violations.push({
        method: 'response_url',
        problems: [`response_url '${id}' used ${uses} times; Slack allows ${RESPONSE_URL_USES}`],
      });
      return this.recordResponse(id, body, { status: 404, body: { ok: false, error: 'used_url' } });
    }
    const problems = body.delete_original === true ? [] : messagePayloadProblems(body);
    if (problems.length > 0) {
      this.violations.push({ method: 'response_url', problems });
      return this.recordResponse(id, body, { status: 400, body: invalidBlocks(problems) });
    }
    return this.recordResponse(id, body, { body: { ok: true } });
  }

  private recordResponse(id: string, body: Record<string, unknown>, reply: Reply): Reply {
    this.responses.push({ id, url: this.responseUrl(id), body, at: Date.now(), status: reply.status ?? 200 });
    return reply;
  }

  // --- chat.* -------------------------------------------------------------------------------------

  /**
   * One accepted post per channel per second. Slack answers a faster one 429 with Retry-After. The
   * same message (by its metadata key, else its text) coming back before that Retry-After has
   * passed means the client ignored it: a violation. Other messages sent at the same moment, which
   * were never told to wait, are not.
   */
  private paceChannel(channel: string, args: Args): Reply | undefined {
    const now = Date.now();
    const message = `${channel}\n${messageIdentity(args)}`;
    const until = this.retryWindows.get(message);
    // Timers may fire a millisecond or so before Date.now() says the wait is over: 50 ms of grace.
    if (until !== undefined && now < until - 50) {
      this.violations.push({ method: 'chat.postMessage', problems: [`posted to ${channel} again ${until - now} ms before the Retry-After of its 429 had passed`] });
    }
    const acceptedAt = this.channelPace.get(channel);
    if (acceptedAt === undefined || now - acceptedAt >= 1000) {
      this.retryWindows.delete(message);
      return undefined;
    }
    const retryAfterSeconds = Math.max(1, Math.ceil((acceptedAt + 1000 - now) / 1000));
    this.retryWindows.set(message, now + retryAfterSeconds * 1000);
    this.channelRateLimits.push({ channel, at: now, retryAfterSeconds });
    return { status: 429, headers: { 'Retry-After': String(retryAfterSeconds) }, body: { ok: false, error: 'ratelimited' } };
  }

  /** A channel id for `C…`, `payments` or `#payments` when the fake has that channel seeded; else the value as given. */
  private channelIdOf(channel: string): string {
    if (this.channels.has(channel)) return channel;
    const name = channel.replace(/^#/, '');
    return [...this.channels.values()].find((c) => c.name === name)?.id ?? channel;
  }

  private history(args: Args): Record<string, unknown> {
    const channel = str(args.channel);
    if (!channel) return { error: 'channel_not_found' };
    // Slack's history wants the id; a seeded fake also knows which ids exist.
    if (this.channels.size > 0 && !this.channels.has(channel)) return { error: 'channel_not_found' };
    const oldest = Number(str(args.oldest) ?? 0);
    const latest = str(args.latest) ? Number(args.latest) : Infinity;
    const matching = this.messages.filter((m) => m.channel === channel && !m.thread_ts && Number(m.ts) > oldest && Number(m.ts) < latest).reverse();
    const offset = Number(str(args.cursor)?.replace(/^offset:/, '') ?? 0);
    const limit = Math.min(999, Number(str(args.limit) ?? 100) || 100);
    const page = matching.slice(offset, offset + limit).map((m) => {
      const json = this.messageJson(m);
      if (!flag(args.include_all_metadata)) delete json.metadata;
      return json;
    });
    const more = offset + limit < matching.length;
    return { messages: page, has_more: more, pin_count: 0, response_metadata: { next_cursor: more ? `offset:${offset + limit}` : '' } };
  }

  /** Slackbot first, as Slack lists it (no email), then the seeded users; paged like Slack, by cursor. */
  private listUsers(args: Args): Record<string, unknown> {
    const all = [{ id: 'USLACKBOT', team_id: FAKE_TEAM.id, name: 'slackbot', real_name: 'Slackbot', deleted: false, is_bot: false, profile: { real_name: 'Slackbot' } }, ...[...this.users].map(([email, user]) => slackUser(email, user))];
    const { items, response_metadata } = pageOf(all, args);
    return { members: items, response_metadata };
  }

  private listChannels(args: Args): Record<string, unknown> {
    const types = (str(args.types) ?? 'public_channel').split(',');
    const all = [...this.channels.values()].filter(
      (c) => (c.is_private ? types.includes('private_channel') : types.includes('public_channel')) && !(flag(args.exclude_archived) && c.is_archived),
    );
    const { items, response_metadata } = pageOf(all, args);
    return { channels: items.map((c) => ({ is_channel: true, is_private: false, is_archived: false, is_member: true, ...c })), response_metadata };
  }

  private postMessage(args: Args): Record<string, unknown> {
    const given = str(args.channel);
    if (!given) return { error: 'channel_not_found' };
    const channel = this.channelIdOf(given);
    if (this.channels.get(channel)?.is_archived) return { error: 'is_archived' };
    if (args.text === undefined && args.blocks === undefined && args.attachments === undefined) return { error: 'no_text' };
    const invalid = this.messageProblems('chat.postMessage', args);
    if (invalid) return invalid;
    const message: FakeSlackMessage = { channel, ts: this.nextTs(), edits: 0 };
    copyContent(args, message);
    if (str(args.thread_ts)) message.thread_ts = str(args.thread_ts);
    if (isRecord(args.metadata)) message.metadata = args.metadata;
    this.messages.push(message);
    if (this.enforceChannelRateLimit) this.channelPace.set(channel, Date.now());
    return { channel, ts: message.ts, message: this.messageJson(message) };
  }

  private updateMessage(args: Args): Record<string, unknown> {
    const message = this.messages.find((m) => m.channel === args.channel && m.ts === args.ts);
    if (!message) return { error: 'message_not_found' };
    const invalid = this.messageProblems('chat.update', args);
    if (invalid) return invalid;
    copyContent(args, message);
    message.edits += 1;
    return { channel: message.channel, ts: message.ts, text: message.text ?? '', message: this.messageJson(message) };
  }

  /**
   * chat.unfurl as Slack takes it: the message by `channel` and `ts`, or by `unfurl_id` and
   * `source`; `unfurls` a JSON object of URL → `{ blocks }`, each within a message's Block Kit limits.
   */
  private unfurl(args: Args): Record<string, unknown> {
    const byMessage = str(args.channel) && str(args.ts);
    const byId = str(args.unfurl_id) && str(args.source);
    if (!byMessage && !byId) return { error: 'invalid_arguments', response_metadata: { messages: ['[ERROR] channel and ts, or unfurl_id and source, are required'] } };
    if (!isRecord(args.unfurls) || Object.keys(args.unfurls).length === 0) return { error: 'invalid_unfurls' };
    const problems: string[] = [];
    for (const [url, unfurl] of Object.entries(args.unfurls)) {
      if (!isRecord(unfurl) || !Array.isArray(unfurl.blocks)) {
        problems.push(`unfurls[${url}]: needs blocks`);
        continue;
      }
      for (const problem of checkMessageLimits({ blocks: unfurl.blocks })) problems.push(`unfurls[${url}].${problem}`);
    }
    if (problems.length) {
      this.violations.push({ method: 'chat.unfurl', problems });
      return invalidBlocks(problems);
    }
    return {};
  }

  /** Records a violation and returns the invalid_blocks answer, or undefined when the message is fine. */
  private messageProblems(method: string, args: Args): Record<string, unknown> | undefined {
    const problems = messagePayloadProblems(args);
    if (problems.length === 0) return undefined;
    this.violations.push({ method, problems });
    return invalidBlocks(problems);
  }

  private messageJson(message: FakeSlackMessage): Record<string, unknown> {
    const { edits: _edits, channel: _channel, ...content } = message;
    return { type: 'message', user: FAKE_BOT.userId, bot_id: FAKE_BOT.botId, app_id: FAKE_BOT.appId, ...content };
  }

  // --- views.* ------------------------------------------------------------------------------------

  private openView(method: 'views.open' | 'views.push', args: Args): Record<string, unknown> {
    const trigger = str(args.trigger_id);
    if (!trigger) return { error: 'invalid_arguments', response_metadata: { messages: ['[ERROR] missing required field: trigger_id'] } };
    // Slack's trigger_ids work once (and for 3 s); a second use is a bug in the caller.
    if (this.usedTriggers.has(trigger)) return { error: 'expired_trigger_id' };
    const invalid = this.viewProblems(method, args.view, 'modal');
    if (invalid) return invalid;
    this.usedTriggers.add(trigger);
    return { view: this.storeView(args.view as Args) };
  }

  private updateView(args: Args): Record<string, unknown> {
    const id = str(args.view_id) ?? [...this.views.values()].find((v) => v.external_id && v.external_id === args.external_id)?.id;
    const existing = typeof id === 'string' ? this.views.get(id) : undefined;
    if (!existing) return { error: 'not_found' };
    if (str(args.hash) && args.hash !== existing.hash) return { error: 'hash_conflict' };
    const invalid = this.viewProblems('views.update', args.view, existing.type === 'home' ? 'home' : 'modal');
    if (invalid) return invalid;
    return { view: this.storeView(args.view as Args, existing) };
  }

  private publishView(args: Args): Record<string, unknown> {
    const userId = str(args.user_id);
    if (!userId) return { error: 'invalid_arguments', response_metadata: { messages: ['[ERROR] missing required field: user_id'] } };
    const invalid = this.viewProblems('views.publish', args.view, 'home');
    if (invalid) return invalid;
    const existingId = this.homeViewIds.get(userId);
    const view = this.storeView(args.view as Args, existingId ? this.views.get(existingId) : undefined);
    this.homeViewIds.set(userId, String(view.id));
    return { view };
  }

  private viewProblems(method: string, view: unknown, type: 'modal' | 'home'): Record<string, unknown> | undefined {
    const problems = checkViewLimits(view);
    if (isRecord(view) && view.type !== type && (view.type === 'modal' || view.type === 'home')) {
      problems.push(`view.type: ${method} needs a ${type} view, not '${String(view.type)}'`);
    }
    if (problems.length === 0) return undefined;
    this.violations.push({ method, problems });
    return invalidBlocks(problems);
  }

  private storeView(view: Args, previous?: Record<string, unknown>): Record<string, unknown> {
    const id = typeof previous?.id === 'string' ? previous.id : `V${String(++this.sequence).padStart(8, '0')}`;
    const stored = {
      id,
      team_id: FAKE_TEAM.id,
      private_metadata: '',
      callback_id: '',
      external_id: '',
      ...view,
      state: { values: {} },
      hash: `${Date.now()}.${++this.sequence}`,
      root_view_id: previous?.root_view_id ?? id,
      previous_view_id: null,
      app_id: FAKE_BOT.appId,
      bot_id: FAKE_BOT.botId,
    };
    this.views.set(id, stored);
    return stored;
  }

  private nextTs(): string {
    this.sequence += 1;
    return `${Math.floor(Date.now() / 1000)}.${String(this.sequence).padStart(6, '0')}`;
  }
}

function messagePayloadProblems(payload: Args): string[] {
  const text = typeof payload.text === 'string' ? payload.text : undefined;
  const problems = checkMessageLimits({ text, blocks: payload.blocks as unknown[] | undefined });
  if (Array.isArray(payload.attachments)) {
    payload.attachments.forEach((attachment, i) => {
      if (isRecord(attachment) && attachment.blocks !== undefined) {
        for (const problem of checkMessageLimits({ blocks: attachment.blocks as unknown[] })) {
          problems.push(`attachments[${i}].${problem}`);
        }
      }
    });
  }
  return problems;
}

/** What makes a retried post recognisable as the same message: its metadata key, else its text. */
function messageIdentity(args: Args): string {
  const key = isRecord(args.metadata) && isRecord(args.metadata.event_payload) ? args.metadata.event_payload.key : undefined;
  return typeof key === 'string' ? `key:${key}` : `text:${String(args.text ?? '')}`;
}

function invalidBlocks(problems: string[]): Record<string, unknown> {
  return { ok: false, error: 'invalid_blocks', response_metadata: { messages: problems.map((p) => `[ERROR] ${p}`) } };
}

function copyContent(args: Args, message: FakeSlackMessage): void {
  if (typeof args.text === 'string') message.text = args.text;
  if (Array.isArray(args.blocks)) message.blocks = args.blocks;
  if (Array.isArray(args.attachments)) message.attachments = args.attachments;
}

/** One page of a cursor-paginated list, as Slack pages them: `limit` (default 100, at most 1,000) from `cursor`. */
function pageOf<T>(all: T[], args: Args): { items: T[]; response_metadata: { next_cursor: string } } {
  const offset = Number(str(args.cursor)?.replace(/^offset:/, '') ?? 0);
  const limit = Math.min(1000, Number(str(args.limit) ?? 100) || 100);
  const more = offset + limit < all.length;
  return { items: all.slice(offset, offset + limit), response_metadata: { next_cursor: more ? `offset:${offset + limit}` : '' } };
}

function slackUser(email: string, user: FakeSlackUser): Record<string, unknown> {
  const name = user.name ?? email.split('@')[0] ?? email;
  const realName = user.real_name ?? name;
  return {
    team_id: FAKE_TEAM.id,
    name,
    real_name: realName,
    deleted: false,
    is_bot: false,
    ...user,
    profile: { email, real_name: realName, display_name: name, ...user.profile },
  };
}

function parseBody(raw: string, contentType: string | undefined): Args {
  if ((contentType ?? '').startsWith('application/json')) {
    try {
      const parsed: unknown = JSON.parse(raw);
      return isRecord(parsed) ? parsed : {};
    } catch {
      return {};
    }
  }
  const args: Args = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    if (!JSON_FIELDS.has(key)) {
      args[key] = value;
      continue;
    }
    try {
      args[key] = JSON.parse(value) as unknown;
    } catch {
      args[key] = value; // left as the string Slack got, so the limit checks report it
    }
  }
  return args;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function flag(value: unknown): boolean {
  return value === true || value === 'true' || value === '1';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

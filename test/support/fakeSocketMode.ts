/**
 * Slack's side of Socket Mode, on loopback, for tests that run Bolt's SocketModeReceiver against
 * the fake Slack: `apps.connections.open` hands out a single-use `ws://` URL (fakeSlack.ts), and this
 * speaks Slack's envelope protocol over it (see slack-platform.md):
 *
 * - `{"type":"hello"}` on every new connection;
 * - envelopes `{envelope_id, type, payload, accepts_response_payload}` (Events API ones with
 *   `retry_attempt`/`retry_reason`), acknowledged by `{envelope_id, payload}`;
 * - an envelope not acknowledged within 3 s, or whose connection closed before it was, is sent
 *   again (the same envelope id, on the newest open connection, or on the next one to open);
 * - `{"type":"disconnect","reason":"refresh_requested" | "warning" | "link_disabled"}`: after a refresh
 *   the client closes the connection (the fake closes it after 10 s otherwise); `link_disabled`
 *   is followed by the fake closing the connection at once.
 *
 * An acknowledgement counts — it is the answer Slack shows for a slash command or a view
 * submission — only when it comes on the connection of the envelope's latest delivery, within 3 s
 * of it, and before any other; every other one is kept with the reason Slack would ignore it.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { newTriggerId, slashCommandFields } from './slackSigning';
import { acceptWebSocket, refuseWebSocket, type WebSocketConnection } from './webSocket';

export type EnvelopeType = 'slash_commands' | 'interactive' | 'events_api';
export type DisconnectReason = 'refresh_requested' | 'warning' | 'link_disabled';

export interface FakeSocketConnection {
  /** 1 for the first connection, 2 for the next … */
  id: number;
  /** Taking new envelopes: from its hello until Slack asks it to disconnect or either side closes it. */
  open: boolean;
  /** How it closed: the code of the client's close frame (1000 for a clean close), 1006 when it dropped. */
  closedWith?: number;
}

export interface EnvelopeAck {
  payload: Record<string, unknown>;
  connection: number;
  at: number;
  /** Whether Slack took it; otherwise why it ignored it. */
  outcome: 'taken' | 'late' | 'other connection' | 'already acknowledged' | 'lost';
}

export interface SocketEnvelope {
  id: string;
  type: EnvelopeType;
  payload: Record<string, unknown>;
  acceptsResponsePayload: boolean;
  /** Each time it was sent. */
  deliveries: Array<{ connection: number; at: number; attempt: number; reason: string }>;
  acks: EnvelopeAck[];
  /** The ack Slack took, once one came. */
  acknowledged: EnvelopeAck | undefined;
}

export interface FakeSocketMode {
  connections: FakeSocketConnection[];
  envelopes: SocketEnvelope[];
  /** Sends an envelope on the newest open connection (or on the given one); with none open, on the next to say hello. */
  send(type: EnvelopeType, payload: Record<string, unknown>, options?: { acceptsResponsePayload?: boolean; connection?: number }): SocketEnvelope;
  /** A slash command as Socket Mode carries it: the form fields of HTTP mode as a JSON object. */
  slashCommand(fields?: Record<string, string>, options?: { connection?: number }): SocketEnvelope;
  interaction(payload: Record<string, unknown>, options?: { connection?: number }): SocketEnvelope;
  event(event: Record<string, unknown>, eventId: string): SocketEnvelope;
  /** Sends an envelope again now, as Slack does after a reconnect when it did not get its ack. */
  redeliver(envelope: SocketEnvelope, reason?: string): void;
  /** Slack's disconnect message, on the newest open connection unless one is named. */
  disconnect(reason: DisconnectReason, connection?: number): void;
  /** The next `times` acks are lost on the way: the client sent them, Slack never reads them. */
  loseAcks(times?: number): void;
  /** Resolves once `count` connections in all have said hello. */
  connected(count: number, timeoutMs?: number): Promise<FakeSocketConnection>;
  /** Resolves with the ack Slack took for the envelope; rejects after `timeoutMs`. */
  acknowledged(envelope: SocketEnvelope, timeoutMs?: number): Promise<EnvelopeAck>;
  /** Forgets envelopes and lost-ack settings; connections stay. */
  reset(): void;
}

const ACK_TIMEOUT_MS = 3000;
const MAX_DELIVERIES = 4;
const REFRESH_GRACE_MS = 10_000;

export class FakeSocketModeServer implements FakeSocketMode {
  readonly connections: FakeSocketConnection[] = [];
  envelopes: SocketEnvelope[] = [];
  private readonly sockets = new Map<number, WebSocketConnection>();
  private readonly tickets = new Set<string>();
  private readonly pending: Array<{ envelope: SocketEnvelope; reason: string }> = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private acksToLose = 0;

  constructor(
    private readonly origin: () => string,
    private readonly appId: string,
  ) {}

  /** What apps.connections.open answers: a URL that works once. */
  openUrl(): string {
    const ticket = randomUUID();
    this.tickets.add(ticket);
    return `${this.origin().replace(/^http/, 'ws')}/link/?ticket=${ticket}&app_id=${this.appId}`;
  }

  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const ticket = new URL(req.url ?? '/', 'http://fake').searchParams.get('ticket') ?? '';
    if (!this.tickets.delete(ticket)) return refuseWebSocket(socket, 401, 'Unauthorized');
    const websocket = acceptWebSocket(req, socket, head);
    if (!websocket) return;
    const connection: FakeSocketConnection = { id: this.connections.length + 1, open: true };
    this.connections.push(connection);
    this.sockets.set(connection.id, websocket);
    websocket.on('message', (text) => this.received(connection, text));
    websocket.on('close', (code) => this.closed(connection, code));
    websocket.send(JSON.stringify({ type: 'hello', num_connections: this.openConnections().length, debug_info: { host: 'fake-slack', approximate_connection_time: 18060 }, connection_info: { app_id: this.appId } }));
    for (const { envelope, reason } of this.pending.splice(0)) this.deliver(envelope, connection, reason);
  }

  send(type: EnvelopeType, payload: Record<string, unknown>, options: { acceptsResponsePayload?: boolean; connection?: number } = {}): SocketEnvelope {
    const envelope: SocketEnvelope = { id: randomUUID(), type, payload, acceptsResponsePayload: options.acceptsResponsePayload ?? type !== 'events_api', deliveries: [], acks: [], acknowledged: undefined };
    this.envelopes.push(envelope);
    const connection = options.connection === undefined ? this.newestOpen() : this.connections.find((c) => c.id === options.connection && c.open);
    if (connection) this.deliver(envelope, connection, 'first');
    else this.pending.push({ envelope, reason: 'first' });
    return envelope;
  }

  slashCommand(fields: Record<string, string> = {}, options: { connection?: number } = {}): SocketEnvelope {
    const payload = slashCommandFields({ api_app_id: this.appId, ...fields });
    return this.send('slash_commands', payload, options);
  }

  interaction(payload: Record<string, unknown>, options: { connection?: number } = {}): SocketEnvelope {
    return this.send('interactive', { trigger_id: newTriggerId(), ...payload }, { acceptsResponsePayload: payload.type === 'view_submission' || payload.type === 'block_suggestion', ...options });
  }

  event(event: Record<string, unknown>, eventId: string): SocketEnvelope {
    return this.send('events_api', { token: 'legacy-verification-token', team_id: 'T0BACKLINE', api_app_id: this.appId, type: 'event_callback', event_id: eventId, event_time: Math.floor(Date.now() / 1000), event });
  }

  redeliver(envelope: SocketEnvelope, reason = 'resend'): void {
    const connection = this.newestOpen();
    if (connection) this.deliver(envelope, connection, reason);
    else this.pending.push({ envelope, reason });
  }

  disconnect(reason: DisconnectReason, id?: number): void {
    const connection = id === undefined ? this.newestOpen() : this.connections.find((c) => c.id === id);
    const websocket = connection && this.sockets.get(connection.id);
    if (!connection || !websocket) throw new Error('no open Socket Mode connection to disconnect');
    websocket.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'fake-slack' } }));
    // No new envelopes go to a connection told to go; acks on it still count until it closes.
    connection.open = false;
    if (reason === 'link_disabled') {
      websocket.close(1000, 'link_disabled');
      return;
    }
    this.later(REFRESH_GRACE_MS, () => websocket.close(1000, 'refresh'));
  }

  loseAcks(times = 1): void {
    this.acksToLose += times;
  }

  async connected(count: number, timeoutMs = 10_000): Promise<FakeSocketConnection> {
    const deadline = Date.now() + timeoutMs;
    while (this.connections.length < count) {
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for Socket Mode connection ${count} (have ${this.connections.length})`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return this.connections[count - 1]!;
  }

  async acknowledged(envelope: SocketEnvelope, timeoutMs = 5000): Promise<EnvelopeAck> {
    const deadline = Date.now() + timeoutMs;
    while (!envelope.acknowledged) {
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for the ack of a ${envelope.type} envelope (acks: ${JSON.stringify(envelope.acks)})`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return envelope.acknowledged;
  }

  reset(): void {
    this.envelopes = [];
    this.pending.splice(0);
    this.acksToLose = 0;
  }

  /** Drops every connection at once, as a Slack outage (or the fake's end) would. */
  close(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const websocket of this.sockets.values()) websocket.terminate();
  }

  private deliver(envelope: SocketEnvelope, connection: FakeSocketConnection, reason: string): void {
    const attempt = envelope.deliveries.length;
    envelope.deliveries.push({ connection: connection.id, at: Date.now(), attempt, reason });
    const frame: Record<string, unknown> = { envelope_id: envelope.id, type: envelope.type, payload: envelope.payload, accepts_response_payload: envelope.acceptsResponsePayload };
    if (envelope.type === 'events_api') Object.assign(frame, { retry_attempt: attempt, retry_reason: attempt === 0 ? '' : reason });
    this.sockets.get(connection.id)!.send(JSON.stringify(frame));
    this.later(ACK_TIMEOUT_MS, () => {
      const latest = envelope.deliveries.at(-1)!;
      // Forgotten by reset(), answered, sent again since, or sent often enough: nothing to do.
      if (!this.envelopes.includes(envelope) || envelope.acknowledged || latest.attempt !== attempt || envelope.deliveries.length >= MAX_DELIVERIES) return;
      this.redeliver(envelope, 'timeout');
    });
  }

  private received(connection: FakeSocketConnection, text: string): void {
    let message: { envelope_id?: unknown; payload?: unknown };
    try {
      message = JSON.parse(text) as typeof message;
    } catch {
      return;
    }
    const envelope = this.envelopes.find((e) => e.id === message.envelope_id);
    if (!envelope) return;
    const ack: EnvelopeAck = { payload: isRecord(message.payload) ? message.payload : {}, connection: connection.id, at: Date.now(), outcome: 'taken' };
    const latest = envelope.deliveries.at(-1)!;
    if (this.acksToLose > 0) {
      this.acksToLose -= 1;
      ack.outcome = 'lost';
    } else if (envelope.acknowledged) ack.outcome = 'already acknowledged';
    else if (latest.connection !== connection.id) ack.outcome = 'other connection';
    else if (ack.at - latest.at > ACK_TIMEOUT_MS) ack.outcome = 'late';
    envelope.acks.push(ack);
    if (ack.outcome === 'taken') envelope.acknowledged = ack;
  }

  private closed(connection: FakeSocketConnection, code: number): void {
    connection.open = false;
    connection.closedWith = code;
    this.sockets.delete(connection.id);
    // What was sent on it and not acknowledged is sent again, as Slack does.
    for (const envelope of this.envelopes) {
      if (!envelope.acknowledged && envelope.deliveries.at(-1)?.connection === connection.id && envelope.deliveries.length < MAX_DELIVERIES) this.redeliver(envelope, 'connection closed');
    }
  }

  private newestOpen(): FakeSocketConnection | undefined {
    return this.openConnections().at(-1);
  }

  private openConnections(): FakeSocketConnection[] {
    return this.connections.filter((c) => c.open);
  }

  private later(ms: number, work: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      work();
    }, ms);
    timer.unref();
    this.timers.add(timer);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

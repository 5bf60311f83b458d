/**
 * The server side of a WebSocket (RFC 6455), just enough for a loopback fake of Slack's Socket Mode:
 * the opening handshake over Node's `upgrade` event, text frames both ways (fragmented ones
 * reassembled), ping answered with pong, and the closing handshake. No extensions, no binary
 * messages. @slack/socket-mode connects with undici's WebSocket client, and no WebSocket server
 * package is installed, so the tests carry this one.
 */
import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

const HANDSHAKE_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const OPCODE = { continuation: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa } as const;

export interface WebSocketConnection {
  /** The request path and query the client connected to. */
  readonly url: string;
  /** True until either side started closing. */
  readonly open: boolean;
  send(text: string): void;
  /** Starts the closing handshake; the connection ends when the client answers (or after 2 s). */
  close(code?: number, reason?: string): void;
  /** Drops the TCP connection without a closing handshake, as a crashed server would. */
  terminate(): void;
  on(event: 'message', listener: (text: string) => void): this;
  /** `code` is the one the client sent in its close frame (1005 when it sent none; 1006 when the connection dropped). */
  on(event: 'close', listener: (code: number, reason: string) => void): this;
}

/**
 * Completes the opening handshake of an `upgrade` request, or answers 400 and returns undefined
 * when it is not a WebSocket request.
 */
export function acceptWebSocket(req: IncomingMessage, socket: Duplex, head: Buffer): WebSocketConnection | undefined {
  const key = req.headers['sec-websocket-key'];
  if (req.headers.upgrade?.toLowerCase() !== 'websocket' || typeof key !== 'string') {
    socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    return undefined;
  }
  const accept = createHash('sha1').update(key + HANDSHAKE_GUID).digest('base64');
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
  const connection = new Connection(req.url ?? '/', socket);
  if (head.length > 0) connection.receive(head);
  return connection;
}

/** Refuses an `upgrade` request with an HTTP status, as Slack refuses a used or unknown Socket Mode URL. */
export function refuseWebSocket(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

class Connection extends EventEmitter implements WebSocketConnection {
  open = true;
  private buffered = Buffer.alloc(0);
  private fragments: Buffer[] = [];
  private closeSent = false;
  private ended = false;

  constructor(
    readonly url: string,
    private readonly socket: Duplex,
  ) {
    super();
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => this.finish(1006, ''));
  }

  send(text: string): void {
    if (this.open) this.write(OPCODE.text, Buffer.from(text, 'utf8'));
  }

  close(code = 1000, reason = ''): void {
    if (this.closeSent || this.ended) return;
    this.open = false;
    this.closeSent = true;
    this.write(OPCODE.close, closePayload(code, reason));
    // A client that never answers the close frame is dropped.
    setTimeout(() => this.socket.destroy(), 2000).unref();
  }

  terminate(): void {
    this.open = false;
    this.socket.destroy();
  }

  receive(chunk: Buffer): void {
    this.buffered = Buffer.concat([this.buffered, chunk]);
    for (;;) {
      const frame = readFrame(this.buffered);
      if (!frame) return;
      this.buffered = this.buffered.subarray(frame.length);
      this.handle(frame.fin, frame.opcode, frame.payload);
    }
  }

  private handle(fin: boolean, opcode: number, payload: Buffer): void {
    if (opcode === OPCODE.ping) return this.write(OPCODE.pong, payload);
    if (opcode === OPCODE.pong) return;
    if (opcode === OPCODE.close) {
      const code = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
      const reason = payload.subarray(2).toString('utf8');
      this.open = false;
      if (!this.closeSent) {
        this.closeSent = true;
        this.write(OPCODE.close, payload.length >= 2 ? closePayload(code, '') : Buffer.alloc(0));
      }
      this.finish(code, reason);
      this.socket.end();
      return;
    }
    this.fragments.push(payload);
    if (!fin) return;
    const message = Buffer.concat(this.fragments);
    this.fragments = [];
    if (opcode === OPCODE.text || opcode === OPCODE.continuation) this.emit('message', message.toString('utf8'));
  }

  private finish(code: number, reason: string): void {
    if (this.ended) return;
    this.ended = true;
    this.open = false;
    this.emit('close', code, reason);
  }

  private write(opcode: number, payload: Buffer): void {
    if (this.socket.destroyed || this.socket.writableEnded) return;
    const length = payload.length;
    const header = length < 126 ? Buffer.from([0x80 | opcode, length]) : length < 65536 ? Buffer.alloc(4) : Buffer.alloc(10);
    if (length >= 126 && length < 65536) {
      header[0] = 0x80 | opcode;
      header[1] = 126;
      header.writeUInt16BE(length, 2);
    } else if (length >= 65536) {
      header[0] = 0x80 | opcode;
      header[1] = 127;
      header.writeBigUInt64BE(BigInt(length), 2);
    }
    this.socket.write(Buffer.concat([header, payload]));
  }
}

/** One frame from the start of `data`, unmasked, or undefined while it has not fully arrived. */
function readFrame(data: Buffer): { fin: boolean; opcode: number; payload: Buffer; length: number } | undefined {
  if (data.length < 2) return undefined;
  const fin = (data[0]! & 0x80) !== 0;
  const opcode = data[0]! & 0x0f;
  const masked = (data[1]! & 0x80) !== 0;
  let length = data[1]! & 0x7f;
  let offset = 2;
  if (length === 126) {
    if (data.length < 4) return undefined;
    length = data.readUInt16BE(2);
    offset = 4;
  } else if (length === 127) {
    if (data.length < 10) return undefined;
    length = Number(data.readBigUInt64BE(2));
    offset = 10;
  }
  const maskOffset = offset;
  if (masked) offset += 4;
  if (data.length < offset + length) return undefined;
  const payload = Buffer.from(data.subarray(offset, offset + length));
  // Every frame from a client is masked (RFC 6455 §5.3).
  if (masked) for (let i = 0; i < payload.length; i += 1) payload[i] = payload[i]! ^ data[maskOffset + (i % 4)]!;
  return { fin, opcode, payload, length: offset + length };
}

function closePayload(code: number, reason: string): Buffer {
  const text = Buffer.from(reason, 'utf8');
  const payload = Buffer.alloc(2 + text.length);
  payload.writeUInt16BE(code, 0);
  text.copy(payload, 2);
  return payload;
}

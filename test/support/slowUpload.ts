import net from 'node:net';

export interface UploadOutcome {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Bytes of the body written when the answer arrived. */
  sentBytes: number;
}

/**
 * POSTs a body of `totalBytes` to `url` one chunk at a time (with Content-Length when
 * `declareLength`, else chunked), stopping as soon as the answer arrives, so a test can tell a
 * server that answers before it reads a body whole from one that waits for all of it. `hold`
 * stops after that many bytes and waits for the answer without finishing; `abort` gives up (and
 * `done` then never settles).
 *
 * HTTP/1.1 is written by hand on a plain socket: the HTTP clients that nock intercepts may report
 * a write error before an answer the server sent early.
 */
export function uploadSlowly(url: string, options: { headers: Record<string, string>; totalBytes: number; declareLength?: boolean; chunkBytes?: number; hold?: number }): { done: Promise<UploadOutcome>; abort(): void } {
  const target = new URL(url);
  const chunk = Buffer.alloc(options.chunkBytes ?? 64 * 1024, 'x');
  const chunked = options.declareLength === false;
  const headers = { host: target.host, ...options.headers, ...(chunked ? { 'transfer-encoding': 'chunked' } : { 'content-length': String(options.totalBytes) }) };
  const socket = net.connect(Number(target.port), target.hostname);
  let sentBytes = 0;
  let answer: UploadOutcome | undefined;
  let aborted = false;
  let received = Buffer.alloc(0);

  const done = new Promise<UploadOutcome>((resolve, reject) => {
    socket.on('data', (data: Buffer) => {
      received = Buffer.concat([received, data]);
      const parsed = parseResponse(received, sentBytes);
      if (parsed && !answer) {
        answer = parsed;
        resolve(parsed);
        socket.destroy();
      }
    });
    socket.on('error', (error) => {
      if (!answer && !aborted) reject(error);
    });
    socket.on('close', () => {
      if (!answer && !aborted) reject(new Error(`the connection closed after ${sentBytes} bytes, without an answer`));
    });
  });

  const write = (data: Buffer | string) => new Promise<void>((resolve) => (socket.write(data) ? resolve() : socket.once('drain', () => resolve())));
  const pump = async () => {
    await write(`POST ${target.pathname} HTTP/1.1\r\n${Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('')}\r\n`);
    const limit = options.hold ?? options.totalBytes;
    while (!answer && sentBytes < limit && !socket.destroyed) {
      const part = chunk.subarray(0, Math.min(chunk.length, limit - sentBytes));
      sentBytes += part.length;
      await write(chunked ? Buffer.concat([Buffer.from(`${part.length.toString(16)}\r\n`), part, Buffer.from('\r\n')]) : part);
      // A pause between chunks, so that an answer the server sends early arrives mid-upload.
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    if (!answer && options.hold === undefined && chunked && !socket.destroyed) await write('0\r\n\r\n');
  };
  void pump().catch(() => undefined);
  return {
    done,
    abort: () => {
      aborted = true;
      socket.destroy();
    },
  };
}

/** The answer once its head and Content-Length bytes of body have arrived, else undefined. */
function parseResponse(received: Buffer, sentBytes: number): UploadOutcome | undefined {
  const end = received.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const [statusLine, ...lines] = received.subarray(0, end).toString('latin1').split('\r\n');
  const headers = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(':')).trim().toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
  const length = Number(headers['content-length'] ?? 0);
  const body = received.subarray(end + 4);
  if (body.length < length) return undefined;
  return { status: Number(statusLine!.split(' ')[1]), headers, body: body.subarray(0, length).toString('utf8'), sentBytes };
}

import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import { redactSecrets } from './redact';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  /** A logger that adds these fields to every line, e.g. `{ command, userId }`. */
  child(fields: Record<string, unknown>): Logger;
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/**
 * Fields every line logged while a request is handled carries, such as its `requestId`: whichever
 * logger writes the line (a listener's, a provider's built at start, Bolt's), and however far from
 * the request it runs, as long as the work was started by the request.
 */
const requestFields = new AsyncLocalStorage<Record<string, unknown>>();

/** Runs `work` with `fields` added to the log lines written during it and everything it starts. */
export function withLogFields<T>(fields: Record<string, unknown>, work: () => T): T {
  return requestFields.run({ ...requestFields.getStore(), ...fields }, work);
}

/** The fields of the request being handled, if any: `{ requestId, … }`. */
export function currentLogFields(): Readonly<Record<string, unknown>> {
  return requestFields.getStore() ?? {};
}

/** A short random id for a request, unique enough to find its lines in a day of logs. */
export function newRequestId(): string {
  return randomBytes(8).toString('hex');
}

/** JSON lines on stderr, one per event; errors keep their message and stack. */
export function createLogger(options: { level?: LogLevel; write?: (line: string) => void; fields?: Record<string, unknown> } = {}): Logger {
  const level = options.level ?? 'info';
  const write = options.write ?? ((line: string) => process.stderr.write(line));
  const base = options.fields ?? {};
  const emit = (at: LogLevel, message: string, fields: Record<string, unknown> = {}) => {
    if (ORDER[at] < ORDER[level]) return;
    const record: Record<string, unknown> = { time: new Date().toISOString(), level: at, msg: message, ...requestFields.getStore(), ...base };
    for (const [key, value] of Object.entries(fields)) {
      record[key] = value instanceof Error ? { name: value.name, message: value.message, code: (value as { code?: unknown }).code, stack: value.stack } : value;
    }
    write(`${redactSecrets(JSON.stringify(record))}\n`);
  };
  return {
    debug: (message, fields) => emit('debug', message, fields),
    info: (message, fields) => emit('info', message, fields),
    warn: (message, fields) => emit('warn', message, fields),
    error: (message, fields) => emit('error', message, fields),
    child: (fields) => createLogger({ level, write, fields: { ...base, ...fields } }),
  };
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silentLogger };

import { once } from 'node:events';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/**
 * Writes rows with `COPY … FROM STDIN`, PostgreSQL's bulk path: many rows cost one statement and
 * no per-row parameter parsing, so bulk writes (ingestion) take a fraction of the time an INSERT
 * of the same rows takes. pg-copy-streams speaks the protocol (CopyData framing, CopyDone, the
 * command's row count, errors); the text format is encoded here. Resolves with the rows written;
 * rejects with PostgreSQL's error, the connection left ready for the next statement.
 */
export async function copyRows(client: pg.PoolClient, table: string, columns: string[], rows: Array<Array<string | null>>): Promise<number> {
  if (rows.length === 0) return 0;
  const stream = client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN`));
  let refusal: Error | undefined;
  // Stays attached: a COPY refused after end() makes the stream emit a second error (its CopyDone
  // meets the connection it already let go), and an 'error' nobody hears would crash serve.
  stream.on('error', (error) => {
    refusal ??= error;
  });
  // A chunk a turn of the event loop, each encoded only once the last has gone to the socket: a
  // batch of tens of megabytes never holds serve's loop in one long encode (stalls must stay
  // ≤ 200 ms), and PostgreSQL's refusal is read between chunks, after which nothing more is written
  // (the stream has let go of the connection by then; writing on would throw).
  for (const chunk of encodeChunks(rows)) {
    if (!stream.write(chunk)) await once(stream, 'drain');
    await nextTurn();
    if (refusal) throw refusal;
  }
  stream.end();
  // Emitted once PostgreSQL has answered ReadyForQuery; once() rejects with the stream's error.
  await once(stream, 'finish');
  return stream.rowCount;
}

// COPY's text format: one line a row, tab between columns, \N for null, and backslash escapes.
const SPECIAL = /[\\\n\r\t]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * Most values (every entity body, which JSON.stringify made) hold none of the four characters; four
 * indexOf scans find that several times faster than the regular expression's own scan.
 */
function escapeValue(value: string): string {
  if (value.indexOf('\\') === -1 && value.indexOf('\n') === -1 && value.indexOf('\t') === -1 && value.indexOf('\r') === -1) return value;
  return value.replace(SPECIAL, (character) => ESCAPES[character]!);
}

/** Lines of about 64 KiB a chunk (a row longer than that is a chunk of its own), as psql sends them. */
const CHUNK_CHARACTERS = 64 * 1024;

function* encodeChunks(rows: Array<Array<string | null>>): Generator<Buffer> {
  let lines: string[] = [];
  let size = 0;
  for (const row of rows) {
    const line = `${row.map((value) => (value === null ? '\\N' : escapeValue(value))).join('\t')}\n`;
    lines.push(line);
    size += line.length;
    if (size >= CHUNK_CHARACTERS) {
      yield Buffer.from(lines.join(''), 'utf8');
      lines = [];
      size = 0;
    }
  }
  if (lines.length) yield Buffer.from(lines.join(''), 'utf8');
}

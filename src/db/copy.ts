import type pg from 'pg';

/**
 * Writes rows with `COPY … FROM STDIN`, PostgreSQL's bulk path, through pg's own connection: pg runs
 * any object with a `submit` method as a query and hands it the protocol messages. Many rows cost
 * one statement and no per-row parameter parsing, so bulk writes (ingestion) take a fraction of the
 * time an INSERT of the same rows takes.
 */
export async function copyRows(client: pg.PoolClient, table: string, columns: string[], rows: Array<Array<string | null>>): Promise<number> {
  if (rows.length === 0) return 0;
  const copy = new CopyIn(`COPY ${table} (${columns.join(', ')}) FROM STDIN`, encodeRows(rows));
  (client as unknown as { query(submittable: CopyIn): unknown }).query(copy);
  return copy.done;
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

function encodeRows(rows: Array<Array<string | null>>): Buffer[] {
  const chunks: Buffer[] = [];
  let lines: string[] = [];
  let size = 0;
  for (const row of rows) {
    const line = `${row.map((value) => (value === null ? '\\N' : escapeValue(value))).join('\t')}\n`;
    lines.push(line);
    size += line.length;
    // CopyData messages of about 64 KB, as psql sends them.
    if (size >= 64 * 1024) {
      chunks.push(Buffer.from(lines.join(''), 'utf8'));
      lines = [];
      size = 0;
    }
  }
  if (lines.length) chunks.push(Buffer.from(lines.join(''), 'utf8'));
  return chunks;
}

interface CopyConnection {
  query(text: string): void;
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
}

/** The protocol side of one COPY FROM STDIN, as pg's Query would run it. */
class CopyIn {
  readonly done: Promise<number>;
  private resolve!: (rows: number) => void;
  private reject!: (error: Error) => void;
  private rowCount = 0;

  constructor(
    private readonly text: string,
    private readonly chunks: Buffer[],
  ) {
    this.done = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  submit(connection: CopyConnection): void {
    connection.query(this.text);
  }

  handleCopyInResponse(connection: CopyConnection): void {
    for (const chunk of this.chunks) connection.sendCopyFromChunk(chunk);
    connection.endCopyFrom();
  }

  handleCommandComplete(message: { text?: string }): void {
    this.rowCount = Number(/\d+$/.exec(message.text ?? '')?.[0] ?? 0);
  }

  // pg lets go of a query once it fails: the ReadyForQuery that follows never reaches it.
  handleError(error: Error): void {
    this.reject(error);
  }

  handleReadyForQuery(): void {
    this.resolve(this.rowCount);
  }

  // Messages a COPY FROM never gets, or that need nothing done.
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}
  handleCopyData(): void {}
}

import { spawn, spawnSync } from 'node:child_process';

/**
 * A real `COPY … FROM STDIN` through psql's `\copy … FROM pstdin`, when psql is installed: node's
 * `pg` has no COPY support without pg-copy-streams, which this project does not depend on.
 */
export function psqlAvailable(): boolean {
  return spawnSync('psql', ['--version'], { stdio: 'ignore' }).status === 0;
}

/** One field in COPY's text format. */
export function copyField(value: string | null): string {
  if (value === null) return '\\N';
  return value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

/** Pipes `data` (COPY text format) into `table (columns)`; resolves with the wall time, psql start included. */
export function copyWithPsql(url: string, table: string, columns: string[], data: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn('psql', [url, '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-c', `\\copy ${table} (${columns.join(', ')}) FROM pstdin`], { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve(performance.now() - started) : reject(new Error(`psql \\copy failed (exit ${code}): ${stderr}`))));
    child.stdin.end(data);
  });
}

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** The Backline checkout under test: BACKLINE_ROOT, else the current folder. */
export function backlineRoot(): string {
  const root = path.resolve(process.env.BACKLINE_ROOT ?? process.cwd());
  if (!fs.existsSync(path.join(root, 'dist', 'src', 'main.js'))) {
    throw new Error(`${root}/dist/src/main.js is missing: run \`npm run build\` in the Backline folder first (or set BACKLINE_ROOT).`);
  }
  return root;
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Wall time from spawn to exit, process start and shutdown included. */
  ms: number;
}

/** Runs `node bin/backline.js <args>` as a child process, as a user would, and times it. */
export function runBackline(root: string, args: string[], env: NodeJS.ProcessEnv, nodeArgs: string[] = []): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [...nodeArgs, path.join(root, 'bin', 'backline.js'), ...args], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString(), ms: performance.now() - started }));
  });
}

/** The environment of the benchmark minus the variables that would point the CLI elsewhere. */
export function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.DATABASE_URL;
  delete env.BACKLINE_DATA_DIR;
  return { ...env, ...extra };
}

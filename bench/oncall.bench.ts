import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { ingest, rootFromPath } from '../src/catalog/ingest';
import { PgCatalogStore } from '../src/catalog/PgCatalogStore';
import { migrate, readMigrations } from '../src/db/migrate';
import { createPagerDutyProvider } from '../src/oncall/pagerduty';
import { PgOnCallCacheStore } from '../src/oncall/PgOnCallCacheStore';
import { createOnCallResolver } from '../src/oncall/resolve';
import { Prng } from './lib/prng';
import { writeResults } from './lib/results';
import { startBenchServer } from './lib/server';
import { ms, ratio, summarise, table, timeEach, type Summary } from './lib/stats';
import { numberFlags } from './lib/args';

/**
 * Who is on call, three ways, over the demo catalog: a PagerDuty answer fetched every time from a
 * loopback fake that answers after `--latency` ms (a public API's round trip), the same answer
 * from the 60 s Postgres cache, and a catalog Rotation (no provider). The provider round trip is
 * the baseline each is compared with.
 *
 *   node <out>/bench/oncall.bench.js [--requests 100] [--latency 80] [--seed 42]
 */
const log = (line: string) => process.stdout.write(`${line}\n`);
const HOUR = 3_600_000;

interface Options {
  requests: number;
  latency: number;
  seed: number;
}

function parseArgs(argv: string[]): Options {
  return numberFlags<Options>(argv, { requests: 100, latency: 80, seed: 42 }, 'usage: oncall.bench [--requests N] [--latency MS] [--seed S]');
}

/** A PagerDuty stand-in: the Payments service and two weeks of daily level-1 shifts plus a level 2. */
async function fakePagerDuty(latencyMs: number, seed: number): Promise<{ server: Server; url: string }> {
  const rng = new Prng(seed);
  const people = ['ana.silva', 'ben.okafor', 'chloe.martin', 'hannah.kim'];
  const day = Math.floor(Date.now() / (24 * HOUR)) * 24 * HOUR;
  const oncalls = [
    { escalation_level: 2, start: null, end: null, user: { name: 'Marcus Webb', email: 'marcus.webb@northwind.example' } },
    ...Array.from({ length: 15 }, (_, i) => {
      const person = rng.pick(people);
      return { escalation_level: 1, start: new Date(day + (i - 1) * 24 * HOUR).toISOString(), end: new Date(day + i * 24 * HOUR).toISOString(), user: { name: person, email: `${person}@northwind.example` } };
    }),
  ];
  const server = createServer((request, response) => {
    const body = request.url!.startsWith('/services/')
      ? { service: { id: 'PQ7K2ZL', name: 'Payments API', html_url: 'https://northwind.pagerduty.com/service-directory/PQ7K2ZL', escalation_policy: { id: 'PEP0001' } } }
      : { oncalls, more: false };
    setTimeout(() => response.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(body)), latencyMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const root = process.env.BACKLINE_ROOT ?? process.cwd();
  const server = await startBenchServer(log);
  const database = await server.createDatabase('bench_oncall');
  const pool = new pg.Pool({ connectionString: database.url, max: 4 });
  const pagerDuty = await fakePagerDuty(options.latency, options.seed);
  try {
    await migrate(pool, readMigrations(path.join(root, 'migrations')));
    const catalog = PgCatalogStore.create({ pool });
    await ingest([await rootFromPath(path.join(root, 'examples', 'demo-catalog', 'catalog-info.yaml'))], { store: catalog, maxBytes: 2 * 1024 * 1024 });
    const provider = createPagerDutyProvider({ token: 'bench', apiUrl: pagerDuty.url });
    const cache = PgOnCallCacheStore.create({ pool });
    const alwaysAsk = createOnCallResolver({ catalog, providers: [provider], cache, cacheTtlMs: 0 });
    const cached = createOnCallResolver({ catalog, providers: [provider], cache, cacheTtlMs: 60_000 });
    const service = (await catalog.getByRef('component:default/payments-service'))!;
    const rotationTeam = (await catalog.getByRef('group:default/risk'))!;
    const requests = Array.from({ length: options.requests }, (_, i) => i);
    log(`Load average before measuring: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')} on ${os.cpus().length} CPUs`);

    const check = async (answer: Promise<{ oncall: unknown[]; warnings: string[] }>) => {
      const { oncall, warnings } = await answer;
      if (oncall.length === 0 || warnings.length) throw new Error(`unexpected answer: ${JSON.stringify(warnings)}`);
    };
    await check(cached.resolve(service)); // fills the cache
    const results: Record<string, Summary> = {
      'PagerDuty every time (baseline)': summarise(await timeEach(requests, () => check(alwaysAsk.resolve(service)))),
      'PagerDuty from the 60 s Postgres cache': summarise(await timeEach(requests, () => check(cached.resolve(service)))),
      'catalog Rotation': summarise(await timeEach(requests, () => check(cached.resolve(rotationTeam)))),
    };
    const baseline = results['PagerDuty every time (baseline)']!.p50;
    log(`\n${options.requests} sequential answers each; the fake PagerDuty answers after ${options.latency} ms per request (two requests per lookup)\n`);
    log(table(['answer', 'p50 ms', 'p95 ms', 'max ms', 'p50 vs baseline'], Object.entries(results).map(([name, s]) => [name, ms(s.p50), ms(s.p95), ms(s.max), ratio(s.p50, baseline)])));
    log(`\nLoad average after: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
    const file = writeResults('oncall', { options, results });
    if (file) log(`Saved ${file}`);
  } finally {
    pagerDuty.server.close();
    await pool.end();
    await server.dropDatabase(database.name);
    await server.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});

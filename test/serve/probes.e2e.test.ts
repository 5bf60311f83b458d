/**
 * What an orchestrator and an operator see of `serve` (HTTP mode): liveness and readiness, the
 * request id of every request, and a stop that keeps to its deadline.
 */
import { ingest, rootFromPath } from '../../src/catalog/ingest';
import { PgCatalogStore } from '../../src/catalog/PgCatalogStore';
import { loadConfig } from '../../src/config';
import { readMigrations } from '../../src/db/migrate';
import { createLogger } from '../../src/logger';
import { DEMO_CATALOG } from '../../src/paths';
import { startServer, type RunningServer } from '../../src/serve/server';
import { startFakeSlack, type FakeSlack } from '../support/fakeSlack';
import { freePort } from '../support/net';
import { postToSlackEndpoint, signSlackRequest, slashCommandBody } from '../support/slackSigning';
import { useTestDatabase } from '../support/testDatabase';
import { waitUntil } from '../support/waitFor';

const SECRET = 'probes-signing-secret-0123456789';
const db = useTestDatabase();
let slack: FakeSlack;
let server: RunningServer;
let base: string;
const logLines: string[] = [];

async function start(): Promise<void> {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const config = loadConfig({ DATABASE_URL: db().url, PORT: String(port), SLACK_BOT_TOKEN: 'xoxb-probes', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: slack.url, BACKLINE_DOCS_REFRESH_MINUTES: '0' });
  server = await startServer(config, { logger: createLogger({ level: 'info', write: (line) => logLines.push(line) }) });
  await Promise.all([server.directoryListedAtStart, server.checkedAtStart, server.healthEvaluatedAtStart]);
}

beforeAll(async () => {
  await ingest([await rootFromPath(DEMO_CATALOG)], { store: PgCatalogStore.create({ pool: db().pool }), maxBytes: 1024 * 1024 });
  slack = await startFakeSlack({ users: { 'chloe.martin@northwind.example': { id: 'U0CHLOE', real_name: 'Chloé Martin' } } });
  await start();
});

afterAll(async () => {
  await server.stop();
  await slack.close();
});

afterEach(() => {
  slack.reset();
  logLines.length = 0;
});

const logged = () => logLines.map((line) => JSON.parse(line) as Record<string, unknown>);
const command = (text: string, headers: Record<string, string> = {}, fields: Record<string, string> = {}) => {
  const body = slashCommandBody({ text, response_url: slack.responseUrl(), ...fields });
  return postToSlackEndpoint(`${base}/slack/events`, body, { ...signSlackRequest(SECRET, body), ...headers });
};

describe('liveness and readiness', () => {
  it('answers /healthz and /readyz with ok while the database answers with every migration', async () => {
    for (const route of ['/healthz', '/readyz']) {
      const answer = await fetch(`${base}${route}`);
      expect({ route, status: answer.status, body: await answer.json() }).toEqual({ route, status: 200, body: { status: 'ok' } });
    }
  });

  it('is not ready while the database lacks a migration this version knows, and names it and the fix', async () => {
    const latest = readMigrations().at(-1)!;
    const name = `${String(latest.id).padStart(6, '0')}_${latest.name}`;
    const { rows } = await db().pool.query<{ applied_at: Date }>('DELETE FROM backline_migrations WHERE id = $1::int RETURNING applied_at', [latest.id]);
    try {
      const answer = await fetch(`${base}/readyz`);
      expect(answer.status).toBe(503);
      expect(await answer.json()).toEqual({ status: 'migrations pending', reason: `the database lacks migration ${name}: run \`backline migrate\` with this version, or restart serve, which applies them at start` });
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
    } finally {
      await db().pool.query('INSERT INTO backline_migrations (id, name, applied_at) VALUES ($1::int, $2::text, $3::timestamptz)', [latest.id, latest.name, rows[0]!.applied_at]);
    }
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
  });
});

describe('request ids', () => {
  it('answers every HTTP request with its id, keeping one a proxy in front sent when it looks like an id', async () => {
    const own = (await fetch(`${base}/healthz`)).headers.get('x-request-id');
    expect(own).toMatch(/^[0-9a-f]{16}$/);
    expect((await fetch(`${base}/metrics`, { headers: { 'X-Request-Id': 'edge-7f3a.1' } })).headers.get('x-request-id')).toBe('edge-7f3a.1');
    expect((await fetch(`${base}/healthz`, { headers: { 'X-Request-Id': '"><script>' } })).headers.get('x-request-id')).toMatch(/^[0-9a-f]{16}$/);
  });

  it('puts the id of a Slack request on every line logged while it is handled', async () => {
    const answer = await command('', { 'X-Request-Id': 'edge-42' }, { command: '/no-such-command' });
    expect(answer.headers['x-request-id']).toBe('edge-42');
    await waitUntil(() => logged().some((line) => line.msg === 'handled /no-such-command'), 3000, 'the request to be logged');
    const lines = logged().filter((line) => line.requestId === 'edge-42');
    expect(lines.map((line) => line.msg)).toEqual(['request refused', 'handled /no-such-command']);
    expect(lines[0]).toMatchObject({ command: '/no-such-command', userId: 'U0TESTER' });
  });
});

describe('stopping', () => {
  it('exits anyway once the deadline passes, naming the request it cut', async () => {
    await db().pool.query('DELETE FROM slack_identities');
    slack.delay('users.lookupByEmail', 4000, 10);
    const acked = await command('payments-service', { 'X-Request-Id': 'slow-1' });
    expect(acked.text).toBe('');
    const started = Date.now();
    const { cut } = await server.stop({ deadlineMs: 500 });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(cut[0]).toMatch(/^\/whoowns \(request slow-1, for \d+\.\d s\)$/);
    expect(cut).toContain('stopping Slack requests');
    const warning = logged().find((line) => line.level === 'warn' && String(line.msg).startsWith('stopping took longer than 0.5 s'));
    expect(warning?.msg).toContain('(BACKLINE_SHUTDOWN_SECONDS); exiting anyway, cutting: /whoowns (request slow-1, for');
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
    // In a process that exits now the cut request would end here; in this one it runs on, and the
    // test waits for it before serve starts again for the hooks after this test.
    await waitUntil(() => logged().some((line) => line.msg === 'handled /whoowns' && line.requestId === 'slow-1'), 8000, 'the cut request to end');
    slack.reset();
    await start();
  });
});

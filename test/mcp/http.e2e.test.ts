import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ingest, rootFromPath } from '../../src/catalog/ingest';
import { PgCatalogStore } from '../../src/catalog/PgCatalogStore';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { DEMO_CATALOG, DEMO_TECHDOCS } from '../../src/paths';
import { startServer, type RunningServer } from '../../src/serve/server';
import { expectNoViolations, startFakeSlack, type FakeSlack } from '../support/fakeSlack';
import { freePort } from '../support/net';
import { useTestDatabase } from '../support/testDatabase';
import { answersOnTheDemoCatalog, call, finishedTask, refusal, SERVICE_VALUES } from './demoCatalogCalls';

// Liam is in cloud-infra, a team of platform-engineering, which owns the templates; Ana is in payments.
const LIAM = 'liam-0123456789abcdef0123456789abcdef';
const ANA = 'ana-fedcba9876543210fedcba9876543210==';
const db = useTestDatabase();
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'backline-mcp-http-'));
const logLines: Array<Record<string, unknown>> = [];
let slack: FakeSlack;
let server: RunningServer;
let endpoint: string;
const clients: Client[] = [];

/** The SDK's client over Streamable HTTP, sending the token as a bearer token. */
async function connect(token: string): Promise<Client> {
  const client = new Client({ name: 'backline-tests', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(endpoint), { requestInit: { headers: { Authorization: `Bearer ${token}` } } }));
  clients.push(client);
  return client;
}

const post = (headers: Record<string, string>, body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' })) =>
  fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers }, body });

let liam: Client;
let ana: Client;

beforeAll(async () => {
  const report = await ingest([await rootFromPath(DEMO_CATALOG)], { store: PgCatalogStore.create({ pool: db().pool }), maxBytes: 1024 * 1024 });
  expect(report.errors).toEqual([]);
  slack = await startFakeSlack();
  const port = await freePort();
  endpoint = `http://127.0.0.1:${port}/mcp`;
  const config = loadConfig({
    DATABASE_URL: db().url,
    PORT: String(port),
    SLACK_BOT_TOKEN: 'xoxb-mcp-e2e',
    SLACK_SIGNING_SECRET: 'mcp-e2e-signing-secret-0123456789',
    SLACK_API_URL: slack.url,
    BACKLINE_MCP_TOKENS: `${LIAM}=user:default/liam.oconnor, ${ANA}=user:ana.silva`,
    BACKLINE_DOCS_DIR: DEMO_TECHDOCS,
    BACKLINE_DOCS_REFRESH_MINUTES: '0',
    BACKLINE_LOCAL_REPOS_DIR: path.join(scratch, 'repositories'),
  });
  server = await startServer(config, { logger: createLogger({ level: 'info', write: (line) => logLines.push(JSON.parse(line) as Record<string, unknown>) }) });
  await server.healthEvaluatedAtStart;
  liam = await connect(LIAM);
  ana = await connect(ANA);
}, 60_000);

afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await server?.stop();
  await slack?.close();
  fs.rmSync(scratch, { recursive: true, force: true });
});

afterEach(() => expectNoViolations(slack));

describe('POST /mcp on serve, with a token mapped to a catalog User', () => {
  answersOnTheDemoCatalog(() => liam, () => db().url);

  it('runs a template for a member of the team that owns it, with the task readable as it goes, by its requester only', async () => {
    expect((await call(liam, 'list_templates', {})).structured.templates.every((template: { mayRun: boolean }) => template.mayRun)).toBe(true);
    const started = await call(liam, 'run_template', { name: 'typescript-service', values: SERVICE_VALUES('ledger-exports') });
    const finished = await finishedTask(liam, started.structured.task);
    expect(finished).toMatchObject({ status: 'completed', output: { entityRef: 'component:default/ledger-exports', links: [{ title: 'Repository', url: expect.stringContaining('/northwind/ledger-exports') }] } });
    const { rows } = await db().pool.query('SELECT requested_by FROM scaffolder_tasks WHERE id = $1::text', [started.structured.task]);
    expect(rows).toEqual([{ requested_by: { slackUserId: null, userRef: 'user:default/liam.oconnor' } }]);
    expect(await refusal(ana, 'get_task', { task: started.structured.task })).toBe(`There is no task ${started.structured.task} of yours. Send task as the id run_template answered with.`);
    await expect(ana.readResource({ uri: started.structured.uri })).rejects.toMatchObject({ code: -32602 });
  });

  it("refuses run_template to someone outside the template's owners, saying who may run it, and starts nothing", async () => {
    const message = await refusal(ana, 'run_template', { name: 'typescript-service', values: SERVICE_VALUES('ana-exports') });
    expect(message).toBe('TypeScript HTTP service is open to platform-engineering, and you are not a member. Ask its owner to add your team to the annotation backline.dev/allowed-groups, or ask someone in platform-engineering to run it.');
    expect(await refusal(ana, 'dry_run_template', { name: 'typescript-service', values: SERVICE_VALUES('ana-exports') })).toBe(message);
    const { rows } = await db().pool.query(`SELECT id FROM scaffolder_tasks WHERE parameters->>'name' = 'ana-exports'`);
    expect(rows).toEqual([]);
    expect((await call(ana, 'who_owns', { query: 'ledger-service' })).structured.match).toBe('component:default/ledger-service');
  });

  it("logs every call with its token's user, and never the token", () => {
    const calls = logLines.filter((line) => line.msg === 'mcp call');
    expect(calls).toEqual(expect.arrayContaining([expect.objectContaining({ user: 'user:default/liam.oconnor', transport: 'http', tool: 'who_owns', outcome: 'answered' })]));
    expect(calls).toEqual(expect.arrayContaining([expect.objectContaining({ user: 'user:default/ana.silva', tool: 'run_template', outcome: 'refused', reason: expect.stringContaining('you are not a member') })]));
    expect(JSON.stringify(logLines)).not.toContain(LIAM);
    expect(JSON.stringify(logLines)).not.toContain(ANA);
  });
});

describe('POST /mcp without a good token', () => {
  it('answers 401 without a token, saying where a token comes from, and the SDK client cannot connect', async () => {
    const answer = await post({});
    expect(answer.status).toBe(401);
    expect(answer.headers.get('www-authenticate')).toBe('Bearer realm="backline"');
    expect(await answer.json()).toEqual({ jsonrpc: '2.0', id: null, error: { code: -32000, message: 'POST /mcp needs the header Authorization: Bearer <token>, with a token from BACKLINE_MCP_TOKENS; ask whoever runs Backline for yours.' } });
    const client = new Client({ name: 'no-token', version: '1.0.0' });
    await expect(client.connect(new StreamableHTTPClientTransport(new URL(endpoint)))).rejects.toMatchObject({ code: 401, message: expect.stringContaining('needs the header Authorization: Bearer <token>') });
  });

  it('answers 401 to an unknown token, and logs the refusal without the token', async () => {
    const guess = 'liam-0123456789abcdef0123456789abcdeX';
    const answer = await post({ authorization: `Bearer ${guess}` });
    expect(answer.status).toBe(401);
    expect(answer.headers.get('www-authenticate')).toBe('Bearer realm="backline", error="invalid_token"');
    expect(((await answer.json()) as { error: { message: string } }).error.message).toBe('That bearer token is not one of BACKLINE_MCP_TOKENS; ask whoever runs Backline for yours.');
    expect(logLines).toEqual(expect.arrayContaining([expect.objectContaining({ level: 'warn', msg: 'refused a request to /mcp with an unknown token' })]));
    expect(JSON.stringify(logLines)).not.toContain(guess);
  });

  it('answers a body that is not JSON with a parse error, and a GET with 405 saying to POST', async () => {
    const garbled = await post({ authorization: `Bearer ${LIAM}` }, '{"jsonrpc": "2.0", "method": ');
    expect(garbled.status).toBe(400);
    expect(((await garbled.json()) as { error: { code: number; message: string } }).error).toEqual({ code: -32700, message: 'The body is not JSON: send a JSON-RPC 2.0 message such as {"jsonrpc":"2.0","id":1,"method":"tools/list"}.' });
    const get = await fetch(endpoint, { headers: { authorization: `Bearer ${LIAM}`, accept: 'text/event-stream' } });
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
  });
});

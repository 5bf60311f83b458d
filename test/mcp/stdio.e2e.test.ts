import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ingest, rootFromPath } from '../../src/catalog/ingest';
import { PgCatalogStore } from '../../src/catalog/PgCatalogStore';
import { DEMO_CATALOG } from '../../src/paths';
import { useTestDatabase } from '../support/testDatabase';
import { answersOnTheDemoCatalog, call, finishedTask, readText, refusal, SERVICE_VALUES } from './demoCatalogCalls';

const MCP_PROCESS = path.join(__dirname, '..', 'support', 'mcpProcess.js');
const db = useTestDatabase();
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'backline-mcp-stdio-'));

interface Connection {
  client: Client;
  stderr: string[];
}

/** `backline mcp` in a child process, as an assistant starts it, with the SDK's client on its stdio. */
async function connect(args: string[] = []): Promise<Connection> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [MCP_PROCESS, ...args],
    env: { PATH: process.env.PATH ?? '', DATABASE_URL: db().url, BACKLINE_LOCAL_REPOS_DIR: path.join(scratch, 'repositories'), BACKLINE_LOG_LEVEL: 'info' },
    stderr: 'pipe',
  });
  const stderr: string[] = [];
  transport.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  const client = new Client({ name: 'backline-tests', version: '1.0.0' });
  await client.connect(transport).catch((error: Error) => {
    throw new Error(`backline mcp did not start: ${error.message}\n${stderr.join('')}`);
  });
  return { client, stderr };
}

/** The JSON log lines of the server, one object each. */
const logLines = (stderr: string[]) =>
  stderr
    .join('')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);

let operator: Connection;

beforeAll(async () => {
  const report = await ingest([await rootFromPath(DEMO_CATALOG)], { store: PgCatalogStore.create({ pool: db().pool }), maxBytes: 1024 * 1024 });
  expect(report.errors).toEqual([]);
  operator = await connect();
}, 60_000);

afterAll(async () => {
  await operator?.client.close();
  fs.rmSync(scratch, { recursive: true, force: true });
});

describe('backline mcp over stdio, as whoever runs it', () => {
  answersOnTheDemoCatalog(() => operator.client, () => db().url);

  it('runs a template as `backline template run` would: the task is readable as it goes, and registers the new component', async () => {
    const started = await call(operator.client, 'run_template', { name: 'typescript-service', values: SERVICE_VALUES('ledger-tools') });
    expect(started.structured).toMatchObject({ template: 'typescript-service', status: 'open', uri: `backline://task/${started.structured.task}` });
    expect(started.text).toContain(`Follow it with get_task ${started.structured.task}.`);
    const finished = await finishedTask(operator.client, started.structured.task);
    expect(finished).toMatchObject({ status: 'completed', error: null, output: { entityRef: 'component:default/ledger-tools' } });
    expect(finished.steps.map((step: { status: string }) => step.status)).toEqual(['completed', 'completed', 'completed']);
    expect(JSON.parse((await readText(operator.client, started.structured.uri)).text)).toEqual(finished);
    expect((await call(operator.client, 'who_owns', { query: 'ledger-tools' })).structured).toMatchObject({ match: 'component:default/ledger-tools', owner: { ref: 'group:default/ledger' } });
    // Recorded as the CLI records its tasks: no Slack user, no catalog User.
    const { rows } = await db().pool.query<{ requested_by: unknown }>('SELECT requested_by FROM scaffolder_tasks WHERE id = $1::text', [started.structured.task]);
    expect(rows).toEqual([{ requested_by: { slackUserId: null, userRef: null } }]);
  });

  it('logs every call with who made it', () => {
    const calls = logLines(operator.stderr).filter((line) => line.msg === 'mcp call');
    expect(calls).toEqual(expect.arrayContaining([expect.objectContaining({ user: 'local operator', transport: 'stdio', tool: 'who_owns', arguments: { query: 'payments-service' }, outcome: 'answered' })]));
    expect(calls).toEqual(expect.arrayContaining([expect.objectContaining({ tool: 'run_template', arguments: { template: 'typescript-service' } })]));
    // Template values may hold secrets: the log names the template only.
    expect(operator.stderr.join('')).not.toContain('Tools for the ledger team.');
    // Nothing else goes to stderr: no driver warnings among the log lines.
    expect(operator.stderr.join('').split('\n').filter((line) => line.trim() && !line.startsWith('{'))).toEqual([]);
  });
});

describe('backline mcp --as a catalog User', () => {
  it("applies that User's template permissions: a payments engineer may not run platform engineering's templates", async () => {
    const ana = await connect(['--as', 'user:default/ana.silva']);
    try {
      const { templates } = (await call(ana.client, 'list_templates', {})).structured;
      expect(templates.find((template: { name: string }) => template.name === 'typescript-service')).toMatchObject({ mayRun: false, refusal: expect.stringContaining('TypeScript HTTP service is open to platform-engineering, and you are not a member') });
      expect(await refusal(ana.client, 'run_template', { name: 'typescript-service', values: SERVICE_VALUES('ana-tools') })).toContain('TypeScript HTTP service is open to platform-engineering, and you are not a member.');
      const { rows } = await db().pool.query(`SELECT id FROM scaffolder_tasks WHERE parameters->>'name' = 'ana-tools'`);
      expect(rows).toEqual([]);
      expect(logLines(ana.stderr)).toEqual(expect.arrayContaining([expect.objectContaining({ user: 'user:default/ana.silva', tool: 'run_template', outcome: 'refused' })]));
    } finally {
      await ana.client.close();
    }
  });
});

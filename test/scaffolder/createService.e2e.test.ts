import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ingest, rootFromPath } from '../../src/catalog/ingest';
import { PgCatalogStore } from '../../src/catalog/PgCatalogStore';
import { loadConfig } from '../../src/config';
import { silentLogger } from '../../src/logger';
import { startServer, type RunningServer } from '../../src/serve/server';
import { DEMO_CATALOG } from '../../src/paths';
import { startFakeGitHub, type FakeGitHub } from '../support/fakeGithub';
import { expectNoViolations, startFakeSlack, type FakeSlack, type FakeSlackMessage } from '../support/fakeSlack';
import { freePort } from '../support/net';
import { interactionBody, postSignedToSlackEndpoint, slashCommandBody } from '../support/slackSigning';
import { useTestDatabase } from '../support/testDatabase';
import { waitUntil } from '../support/waitFor';

const SECRET = 'create-service-signing-secret-0123';
const REQUESTER = 'U0TESTER';
const db = useTestDatabase();
let slack: FakeSlack;
let github: FakeGitHub;
let server: RunningServer;
let base: string;
let scratch: string;

// A team with a GitHub team, and the person asking, who belongs to it (Payments → Money Movement → Northwind Labs).
const TEAM_CATALOG = `apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: checkout-squad
  annotations:
    github.com/team-slug: northwind/checkout-squad
spec:
  type: team
  parent: payments
  children: []
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata:
  name: tess.tester
  annotations:
    slack.com/user-id: ${REQUESTER}
spec:
  memberOf: [checkout-squad]
`;

beforeAll(async () => {
  scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'backline-create-service-'));
  await fs.writeFile(path.join(scratch, 'team.yaml'), TEAM_CATALOG);
  const store = PgCatalogStore.create({ pool: db().pool });
  const report = await ingest([await rootFromPath(DEMO_CATALOG), await rootFromPath(path.join(scratch, 'team.yaml'))], { store, maxBytes: 1024 * 1024 });
  expect(report.errors).toEqual([]);
  slack = await startFakeSlack();
  github = await startFakeGitHub();
  github.addOrg('northwind');
  github.addTeam('northwind', { slug: 'checkout-squad' });
  github.addRepo('northwind', 'existing-service', { files: { 'README.md': '# taken' } });
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const config = loadConfig({
    DATABASE_URL: db().url,
    PORT: String(port),
    SLACK_BOT_TOKEN: 'xoxb-create-service',
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: slack.url,
    GITHUB_TOKEN: 'ghp_backline_test',
    GITHUB_API_URL: github.url,
    BACKLINE_GITHUB_ORGS: 'northwind',
    BACKLINE_GITHUB_REFRESH_MINUTES: '0',
    BACKLINE_TEMPLATE_ALLOWED_GROUPS: 'northwind-labs',
    BACKLINE_LOCAL_REPOS_DIR: path.join(scratch, 'repositories'),
  });
  server = await startServer(config, { logger: silentLogger });
  // serve evaluates health at start, asking the same providers: let that settle before the tests set up theirs.
  await server.healthEvaluatedAtStart;
  await server.github?.idle();
});

afterAll(async () => {
  await server.stop();
  await slack.close();
  await github.close();
  await fs.rm(scratch, { recursive: true, force: true });
});

afterEach(() => {
  expectNoViolations(slack);
  slack.reset();
  github.resetRecords();
});

const events = () => `${base}/slack/events`;
const post = (body: string) => postSignedToSlackEndpoint(events(), SECRET, body);

interface SlackView {
  id?: string;
  callback_id: string;
  private_metadata?: string;
  blocks: Array<{ type: string; block_id?: string; element?: { type: string; action_id: string; options?: Array<{ value: string }> } }>;
}

function submission(view: SlackView, values: Record<string, Record<string, unknown>>) {
  return interactionBody({
    type: 'view_submission',
    team: { id: 'T0BACKLINE', domain: 'backline-test' },
    user: { id: REQUESTER, username: 'tess', team_id: 'T0BACKLINE' },
    api_app_id: 'A0BACKLINE',
    trigger_id: '12.34.56',
    view: { id: view.id ?? 'V0FORM', type: 'modal', callback_id: view.callback_id, private_metadata: view.private_metadata ?? '', hash: '1.2', state: { values } },
  });
}

const text = (value: string) => ({ value: { type: 'plain_text_input', value } });
const select = (value: string) => ({ value: { type: 'static_select', selected_option: { value } } });
const external = (actionId: string, value: string) => ({ [actionId]: { type: 'external_select', selected_option: { value } } });

async function submit(view: SlackView, values: Record<string, Record<string, unknown>>): Promise<{ response_action: string; view?: SlackView; errors?: Record<string, string> }> {
  const response = await post(submission(view, values));
  expect(response.status).toBe(200);
  return response.json as { response_action: string; view?: SlackView; errors?: Record<string, string> };
}

async function openForm(): Promise<SlackView> {
  const opened = await post(slashCommandBody({ command: '/create-service', text: '', user_id: REQUESTER, response_url: slack.responseUrl() }));
  expect(opened.status).toBe(200);
  await waitFor(() => slack.callsTo('views.update').length === 1);
  return slack.callsTo('views.update')[0]!.args.view as SlackView;
}

/** Picks the TypeScript service template and fills its first page for `name`. */
async function fillFirstPage(name: string): Promise<SlackView> {
  const picker = await openForm();
  const first = await submit(picker, { template: select('typescript-service') });
  expect(first.response_action).toBe('update');
  const ownerAction = first.view!.blocks.find((block) => block.block_id === 'f:owner')!.element!.action_id;
  const second = await submit(first.view!, { 'f:name': text(name), 'f:description': text(`The ${name} service.`), 'f:owner': external(ownerAction, 'group:default/checkout-squad') });
  expect(second.response_action).toBe('update');
  return second.view!;
}

const repoPage = (repo: string) => ({
  'f:repoUrl:owner': select('northwind'),
  'f:repoUrl:repo': text(repo),
  'f:visibility': select('private'),
  'f:port': { value: { type: 'number_input', value: '8080' } },
  'f:topics': { value: { type: 'multi_static_select', selected_options: [{ value: 'payments' }] } },
  'f:docs': { value: { type: 'checkboxes', selected_options: [{ value: 'true' }] } },
});

function progressMessage(name: string): FakeSlackMessage | undefined {
  return slack.messages.find((message) => message.channel === REQUESTER && (message.text ?? '').includes(name));
}

async function waitForTask(name: string, outcome: 'is ready' | 'failed'): Promise<FakeSlackMessage> {
  await waitFor(() => (progressMessage(name)?.text ?? '').includes(outcome), 10_000);
  return progressMessage(name)!;
}

const waitFor = (condition: () => boolean, timeoutMs = 5000) => waitUntil(condition, timeoutMs, 'Backline');

describe('/create-service', () => {
  it('opens a template picker listing the shipped templates', async () => {
    const picker = await openForm();
    expect(slack.callsTo('views.open')).toHaveLength(1);
    expect(picker.callback_id).toBe('create-service:pick');
    expect(picker.blocks[0]!.element!.options!.map((option) => option.value)).toEqual(['scheduled-job', 'typescript-service', 'typescript-library']);
  });

  it('answers a missing required field with an inline error on its block', async () => {
    const picker = await openForm();
    const form = (await submit(picker, { template: select('typescript-service') })).view!;
    const answer = await submit(form, { 'f:name': text('checkout-gateway'), 'f:description': { value: { type: 'plain_text_input', value: null } }, 'f:owner': external('entity-picker:group', 'group:default/checkout-squad') });
    expect(answer).toEqual({ response_action: 'errors', errors: { 'f:description': 'Description is required.' } });
  });

  it('refuses a repository that already exists on GitHub, on the repository name block', async () => {
    const page = await fillFirstPage('fresh-name');
    const answer = await submit(page, repoPage('existing-service'));
    expect(answer).toEqual({ response_action: 'errors', errors: { 'f:repoUrl:repo': 'The repository northwind/existing-service already exists. Choose another name.' } });
  });

  it('refuses a component name the catalog already has', async () => {
    const picker = await openForm();
    const form = (await submit(picker, { template: select('typescript-service') })).view!;
    const answer = await submit(form, { 'f:name': text('payments-service'), 'f:description': text('Again.'), 'f:owner': external('entity-picker:group', 'group:default/checkout-squad') });
    expect(answer).toEqual({ response_action: 'errors', errors: { 'f:name': 'component:default/payments-service already has the name payments-service in the catalog. Choose another name.' } });
  });

  it('creates the repository with one tree and one commit, registers it, and posts the links in one updated message', async () => {
    const page = await fillFirstPage('checkout-gateway');
    expect(await submit(page, repoPage('checkout-gateway'))).toEqual({ response_action: 'clear' });
    const message = await waitForTask('checkout-gateway', 'is ready');

    const repo = github.repository('northwind', 'checkout-gateway')!;
    expect(repo.commitsOnDefaultBranch).toBe(1);
    expect(repo.description).toBe('The checkout-gateway service.');
    expect(repo.private).toBe(true);
    expect(repo.topics).toEqual(['payments']);
    expect(repo.teams).toEqual({ 'checkout-squad': 'admin' });
    expect(Object.keys(repo.files).sort()).toEqual(['.github/workflows/ci.yml', '.gitignore', 'Dockerfile', 'README.md', 'catalog-info.yaml', 'docs/index.md', 'mkdocs.yml', 'package.json', 'src/server.ts', 'test/server.test.ts', 'tsconfig.json']);
    expect(repo.files['.github/workflows/ci.yml']).toContain('docker build -t ${{ github.repository }}:${{ github.sha }} .');
    expect(repo.files['catalog-info.yaml']).toContain('  name: "checkout-gateway"\n');
    expect(repo.files['catalog-info.yaml']).toContain('  owner: "group:default/checkout-squad"\n');

    const writes = github.requests.filter((request) => request.method !== 'GET').map((request) => `${request.method} ${request.path}`);
    expect(writes).toEqual([
      'POST /orgs/northwind/repos',
      'POST /repos/northwind/checkout-gateway/git/trees',
      'POST /repos/northwind/checkout-gateway/git/commits',
      'PATCH /repos/northwind/checkout-gateway/git/refs/heads/main',
      'PUT /repos/northwind/checkout-gateway/topics',
      'PUT /orgs/northwind/teams/checkout-squad/repos/northwind/checkout-gateway',
    ]);

    expect(slack.callsTo('chat.postMessage')).toHaveLength(1);
    expect(message.edits).toBeGreaterThanOrEqual(3);
    const blocks = JSON.stringify(message.blocks);
    expect(blocks).toContain(':white_check_mark: Create the repository');
    expect(blocks).toContain(`"url":"${github.web}/northwind/checkout-gateway"`);
    expect(blocks).toContain('Registered in the catalog as `component:default/checkout-gateway`');

    const whoowns = await post(slashCommandBody({ command: '/whoowns', text: 'checkout-gateway', user_id: REQUESTER, response_url: slack.responseUrl() }));
    expect((whoowns.json as { text: string }).text).toBe('component:default/checkout-gateway is owned by checkout-squad');
  });

  it('reports a GitHub failure in the middle of publishing with the step, the reason and the repository left behind, and a retry finishes it', async () => {
    github.refuse('/repos/northwind/ledger-sync/git/commits', 500, 'Server Error');
    const page = await fillFirstPage('ledger-sync');
    await submit(page, repoPage('ledger-sync'));
    const failed = await waitForTask('ledger-sync', 'failed');
    const text = JSON.stringify(failed.blocks);
    expect(text).toContain(':x: Create the repository: GitHub answered 500 when creating the commit (POST /repos/northwind/ledger-sync/git/commits): Server Error');
    expect(text).toContain('*Left behind:* the GitHub repository northwind/ledger-sync');
    const { rows } = await db().pool.query(`SELECT status, failed_step, attempts FROM scaffolder_tasks WHERE parameters ->> 'name' = 'ledger-sync'`);
    expect(rows).toEqual([{ status: 'failed', failed_step: 'publish', attempts: 1 }]);

    github.refuse('/repos/northwind/ledger-sync/git/commits', undefined);
    const retry = (failed.blocks as Array<{ type: string; elements?: Array<{ action_id: string; value: string }> }>).find((block) => block.type === 'actions')!.elements![0]!;
    const press = await post(
      interactionBody({
        type: 'block_actions',
        user: { id: REQUESTER, username: 'tess', team_id: 'T0BACKLINE' },
        team: { id: 'T0BACKLINE', domain: 'backline-test' },
        api_app_id: 'A0BACKLINE',
        channel: { id: failed.channel, name: 'directmessage' },
        container: { type: 'message', message_ts: failed.ts, channel_id: failed.channel },
        trigger_id: '1.2.3',
        response_url: slack.responseUrl(),
        actions: [{ type: 'button', block_id: 'retry', action_id: retry.action_id, value: retry.value, action_ts: '1.3' }],
      }),
    );
    expect(press.status).toBe(200);
    await waitForTask('ledger-sync', 'is ready');
    expect(github.repository('northwind', 'ledger-sync')!.commitsOnDefaultBranch).toBe(1);
    expect(github.requests.filter((request) => request.method === 'POST' && request.path === '/orgs/northwind/repos')).toHaveLength(1);
    const after = await db().pool.query(`SELECT status, attempts FROM scaffolder_tasks WHERE parameters ->> 'name' = 'ledger-sync'`);
    expect(after.rows).toEqual([{ status: 'completed', attempts: 2 }]);
  });

  it('tells someone outside the allowed groups who may use the templates', async () => {
    const opened = await post(slashCommandBody({ command: '/create-service', text: '', user_id: 'U0STRANGER', response_url: slack.responseUrl() }));
    expect(opened.status).toBe(200);
    await waitFor(() => slack.callsTo('views.update').length === 1);
    const view = slack.callsTo('views.update')[0]!.args.view as { blocks: Array<{ text: { text: string } }> };
    expect(view.blocks[0]!.text.text).toMatch(/^:no_entry: You cannot use any template yet\. Backline cannot find you in the catalog/);
  });
});

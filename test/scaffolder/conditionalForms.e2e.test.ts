import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ingest, rootFromPath } from '../../src/catalog/ingest';
import { PgCatalogStore } from '../../src/catalog/PgCatalogStore';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { startServer, type RunningServer } from '../../src/serve/server';
import { expectNoViolations, startFakeSlack, type FakeSlack } from '../support/fakeSlack';
import { freePort } from '../support/net';
import { interactionBody, postSignedToSlackEndpoint, slashCommandBody } from '../support/slackSigning';
import { useTestDatabase } from '../support/testDatabase';
import { waitUntil } from '../support/waitFor';

const SECRET = 'conditional-forms-signing-secret-01';
const REQUESTER = 'U0DEPLOYER';
const API_TOKEN = 'tok-very-secret-4242';
const CONFORMANCE = path.resolve(__dirname, '../../../shared/conformance/backstage-templates');
const db = useTestDatabase();
const logLines: string[] = [];
let slack: FakeSlack;
let server: RunningServer;
let base: string;
let scratch: string;

/** "Pick a platform, get its fields" (a schema dependency with oneOf), and a page with a password and an if/then. */
const DEPLOY_TARGET = `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata: { name: deploy-target, title: Deploy target }
spec:
  type: service
  parameters:
    - title: Where it runs
      required: [name, platform]
      properties:
        name: { type: string, title: Name }
        platform: { type: string, title: Platform, enum: [kubernetes, lambda], enumNames: [Kubernetes, AWS Lambda] }
      dependencies:
        platform:
          oneOf:
            - properties:
                platform: { enum: [kubernetes] }
                namespace: { type: string, title: Namespace }
                replicas: { type: integer, title: Replicas, default: 2 }
              required: [namespace]
            - properties:
                platform: { enum: [lambda] }
                memory: { type: integer, title: Memory (MB) }
                region: { type: string, title: Region, enum: [eu-west-1, us-east-1], ui:widget: radio }
              required: [region]
    - title: Access
      required: [apiToken]
      properties:
        apiToken: { type: string, title: API token, ui:widget: password }
        notes: { type: string, title: Notes, ui:widget: textarea }
  steps:
    - id: announce
      name: Announce
      action: debug:log
      input: { message: 'deploying \${{ parameters.name }} to \${{ parameters.platform }} with \${{ parameters.apiToken }}' }
`;

// The requester is the catalog's user "guest", which owns Backstage's example template.
const PEOPLE = `apiVersion: backstage.io/v1alpha1
kind: User
metadata:
  name: guest
  annotations:
    slack.com/user-id: ${REQUESTER}
spec:
  memberOf: []
`;

beforeAll(async () => {
  scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'backline-conditional-forms-'));
  await fs.mkdir(path.join(scratch, 'templates', 'deploy-target'), { recursive: true });
  await fs.writeFile(path.join(scratch, 'templates', 'deploy-target', 'template.yaml'), DEPLOY_TARGET);
  await fs.writeFile(path.join(scratch, 'people.yaml'), PEOPLE);
  const store = PgCatalogStore.create({ pool: db().pool });
  const roots = [await rootFromPath(path.join(scratch, 'people.yaml')), await rootFromPath(path.join(CONFORMANCE, 'default-app-example', 'template.yaml'))];
  expect((await ingest(roots, { store, maxBytes: 1024 * 1024 })).errors).toEqual([]);
  slack = await startFakeSlack();
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const config = loadConfig({
    DATABASE_URL: db().url,
    PORT: String(port),
    SLACK_BOT_TOKEN: 'xoxb-conditional-forms',
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: slack.url,
    BACKLINE_TEMPLATES_DIR: path.join(scratch, 'templates'),
    BACKLINE_LOCAL_REPOS_DIR: path.join(scratch, 'repositories'),
  });
  server = await startServer(config, { logger: createLogger({ level: 'debug', write: (line) => logLines.push(line) }) });
  await server.healthEvaluatedAtStart;
});

afterAll(async () => {
  await server.stop();
  await slack.close();
  await fs.rm(scratch, { recursive: true, force: true });
});

afterEach(() => {
  expectNoViolations(slack);
  slack.reset();
});

interface Block {
  type: string;
  block_id?: string;
  dispatch_action?: boolean;
  optional?: boolean;
  element?: { type: string; action_id: string; initial_value?: string; initial_option?: { value: string }; multiline?: boolean };
  elements?: Array<{ action_id: string; value: string }>;
}
interface SlackView {
  id: string;
  hash: string;
  callback_id: string;
  private_metadata: string;
  blocks: Block[];
}
type StateValues = Record<string, Record<string, unknown>>;

const post = (body: string) => postSignedToSlackEndpoint(`${base}/slack/events`, SECRET, body);
const waitFor = (condition: () => boolean) => waitUntil(condition, 5000, 'Backline');
const user = { id: REQUESTER, username: 'guest', team_id: 'T0BACKLINE' };
const text = (value: string | null) => ({ value: { type: 'plain_text_input', value } });
const select = (value: string) => ({ value: { type: 'static_select', selected_option: { value } } });
const radio = (value: string) => ({ value: { type: 'radio_buttons', selected_option: { value } } });
const inputs = (view: SlackView) => view.blocks.filter((block) => block.type === 'input').map((block) => block.block_id);

/** The view as Slack holds it now: its id and the hash a views.update must name. */
const shown = (id: string) => slack.views.get(id) as unknown as SlackView;

async function openTemplate(name: string): Promise<SlackView> {
  const opened = await post(slashCommandBody({ command: '/create-service', text: name, user_id: REQUESTER, response_url: slack.responseUrl() }));
  expect(opened.status).toBe(200);
  await waitFor(() => slack.callsTo('views.update').length === 1);
  return shown(slack.callsTo('views.update')[0]!.args.view_id as string);
}

/** A block action from inside the modal, as Slack sends it: the action, and the view's state at that moment. */
async function act(view: SlackView, action: { block_id: string; action_id: string; value?: string }, values: StateValues): Promise<SlackView> {
  const updates = slack.callsTo('views.update').length;
  const response = await post(
    interactionBody({
      type: 'block_actions',
      user,
      team: { id: 'T0BACKLINE', domain: 'backline-test' },
      api_app_id: 'A0BACKLINE',
      container: { type: 'view', view_id: view.id },
      trigger_id: '4.5.6',
      view: { ...view, type: 'modal', state: { values } },
      actions: [{ type: 'static_select', action_ts: '1.1', ...action }],
    }),
  );
  expect(response.status).toBe(200);
  await waitFor(() => slack.callsTo('views.update').length === updates + 1);
  return shown(view.id);
}

async function submit(view: SlackView, values: StateValues): Promise<{ response_action: string; view?: SlackView; errors?: Record<string, string> }> {
  const response = await post(interactionBody({ type: 'view_submission', team: { id: 'T0BACKLINE', domain: 'backline-test' }, user, api_app_id: 'A0BACKLINE', view: { ...view, type: 'modal', state: { values } } }));
  expect(response.status).toBe(200);
  return response.json as { response_action: string; view?: SlackView; errors?: Record<string, string> };
}

/** Slack keeps the view id across response_action updates; the test's view follows. */
const continued = (before: SlackView, after: SlackView): SlackView => ({ ...after, id: before.id, hash: before.hash });

const choosePlatform = (view: SlackView, platform: string) => act(view, { block_id: 'f:platform', action_id: 'value' }, { 'f:name': text('orders-api'), 'f:platform': select(platform) });

describe('a form page whose fields depend on a choice', () => {
  it('shows only the fields of the chosen platform, redrawing the modal with views.update as the choice changes', async () => {
    const first = await openTemplate('deploy-target');
    expect(inputs(first)).toEqual(['f:name', 'f:platform']);
    expect(first.blocks.find((block) => block.block_id === 'f:platform')!.dispatch_action).toBe(true);

    const kubernetes = await choosePlatform(first, 'kubernetes');
    expect(inputs(kubernetes)).toEqual(['f:name', 'f:platform', 'f:namespace', 'f:replicas']);
    expect(slack.callsTo('views.update').at(-1)!.args).toMatchObject({ view_id: first.id, hash: first.hash });

    const lambda = await choosePlatform(kubernetes, 'lambda');
    expect(inputs(lambda)).toEqual(['f:name', 'f:platform', 'f:memory', 'f:region']);
    expect(lambda.blocks.find((block) => block.block_id === 'f:region')).toMatchObject({ optional: false, element: { type: 'radio_buttons' } });
    expect(lambda.blocks.find((block) => block.block_id === 'f:name')!.element!.initial_value).toBe('orders-api');
  });

  it('answers a missing required field of the chosen branch inline, and drops the fields of the branch left', async () => {
    const lambda = await choosePlatform(await openTemplate('deploy-target'), 'lambda');
    const state = { 'f:name': text('orders-api'), 'f:platform': select('lambda'), 'f:memory': { value: { type: 'number_input', value: '512' } } };
    expect(await submit(lambda, { ...state, 'f:region': { value: { type: 'radio_buttons', selected_option: null } } })).toEqual({ response_action: 'errors', errors: { 'f:region': 'Region is required.' } });

    // A namespace typed before switching to Lambda is still in Slack's state: it must not reach the task.
    const next = await submit(lambda, { ...state, 'f:region': radio('us-east-1'), 'f:namespace': text('left-over') });
    expect(next.response_action).toBe('update');
    expect(JSON.parse(next.view!.private_metadata).v).toEqual({ name: 'orders-api', platform: 'lambda', memory: 512, region: 'us-east-1' });
    expect(inputs(next.view!)).toEqual(['f:apiToken', 'f:notes']);
    expect(next.view!.blocks.find((block) => block.block_id === 'f:notes')!.element!.multiline).toBe(true);
  });

  it('goes back to the page before with every value kept', async () => {
    const lambda = await choosePlatform(await openTemplate('deploy-target'), 'lambda');
    const second = await submit(lambda, { 'f:name': text('orders-api'), 'f:platform': select('lambda'), 'f:region': radio('eu-west-1') });
    const page = continued(lambda, second.view!);
    const back = page.blocks.find((block) => block.block_id === 'nav')!.elements![0]!;
    expect(back.action_id).toBe('create-service:back');

    const first = await act(page, { block_id: 'nav', action_id: back.action_id, value: back.value }, { 'f:apiToken': text(null), 'f:notes': text('typed before going back') });
    expect(inputs(first)).toEqual(['f:name', 'f:platform', 'f:memory', 'f:region']);
    const initial = Object.fromEntries(first.blocks.filter((block) => block.element).map((block) => [block.block_id, block.element!.initial_value ?? block.element!.initial_option?.value]));
    expect(initial).toEqual({ 'f:name': 'orders-api', 'f:platform': 'lambda', 'f:memory': undefined, 'f:region': 'eu-west-1' });
    expect(JSON.parse(first.private_metadata).v).toMatchObject({ notes: 'typed before going back' });
  });

  it("goes back on Backstage's example template too, keeping the name", async () => {
    const first = await openTemplate('example-nodejs-template');
    const second = await submit(first, { 'f:name': text('billing-ui') });
    const page = continued(first, second.view!);
    expect(inputs(page)).toEqual(['f:repoUrl:owner', 'f:repoUrl:repo']);
    const back = await act(page, { block_id: 'nav', action_id: 'create-service:back', value: '0' }, { 'f:repoUrl:owner': text('northwind'), 'f:repoUrl:repo': text(null) });
    expect(back.blocks.find((block) => block.block_id === 'f:name')!.element!.initial_value).toBe('billing-ui');
  });
});

describe('a password field', () => {
  it('reaches the task but never its stored rows or a log line', async () => {
    const lambda = await choosePlatform(await openTemplate('deploy-target'), 'lambda');
    const second = await submit(lambda, { 'f:name': text('payments-api'), 'f:platform': select('lambda'), 'f:region': radio('eu-west-1') });
    expect(await submit(continued(lambda, second.view!), { 'f:apiToken': text(API_TOKEN), 'f:notes': text(null) })).toEqual({ response_action: 'clear' });

    await waitUntil(async () => (await db().pool.query(`SELECT 1 FROM scaffolder_tasks WHERE parameters ->> 'name' = 'payments-api' AND status = 'completed'`)).rowCount === 1, 10_000, 'the task');
    const task = await db().pool.query(`SELECT * FROM scaffolder_tasks WHERE parameters ->> 'name' = 'payments-api'`);
    expect(task.rows[0].parameters).toEqual({ name: 'payments-api', platform: 'lambda', region: 'eu-west-1' });
    const log = await db().pool.query(`SELECT line FROM scaffolder_task_log WHERE task_id = $1`, [task.rows[0].id]);
    expect(log.rows.map((row) => row.line)).toEqual(['deploying payments-api to lambda with ***']);
    const everything = JSON.stringify([task.rows, (await db().pool.query(`SELECT * FROM scaffolder_task_steps WHERE task_id = $1`, [task.rows[0].id])).rows, log.rows]);
    expect(everything).not.toContain(API_TOKEN);
    expect(logLines.length).toBeGreaterThan(0);
    expect(logLines.filter((line) => line.includes(API_TOKEN))).toEqual([]);
  });
});

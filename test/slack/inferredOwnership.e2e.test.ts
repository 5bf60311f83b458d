import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import yaml from 'js-yaml';
import { ingest, rootFromPath } from '../../src/catalog/ingest';
import { validateEntity } from '../../src/catalog/model';
import { PgCatalogStore } from '../../src/catalog/PgCatalogStore';
import { loadConfig } from '../../src/config';
import { silentLogger } from '../../src/logger';
import { startServer, type RunningServer } from '../../src/serve/server';
import { checkMessageLimits } from '../../commands/blockKit/checks';
import { startFakeGitHub, type FakeGitHub } from '../support/fakeGithub';
import { expectNoViolations, startFakeSlack, type FakeSlack } from '../support/fakeSlack';
import { inferredComponent, storeInferred } from '../support/inferredFixtures';
import { freePort } from '../support/net';
import { interactionBody, postSignedToSlackEndpoint, slashCommandBody } from '../support/slackSigning';
import { useTestDatabase } from '../support/testDatabase';
import { waitUntil } from '../support/waitFor';

const SECRET = 'inferred-ownership-signing-secret';
const PAYMENTS_MEMBER = 'U0PAT';
const RISK_MEMBER = 'U0ROB';
const HOSTILE_EVIDENCE = '.github/CODEOWNERS line 1: * @acme/payments <!channel> <@U0EVIL> <https://evil.example|click here> & more';
const db = useTestDatabase();
let slack: FakeSlack;
let github: FakeGitHub;
let server: RunningServer;
let base: string;
let scratch: string;
let catalogFile: string;

const TEAMS = `apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: payments
  title: Payments
  annotations:
    slack.com/channel: C0PAYMENTS
spec:
  type: team
  children: []
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: risk
  title: Risk
  annotations:
    slack.com/channel: C0RISK
spec:
  type: team
  children: []
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata:
  name: pat
  annotations:
    slack.com/user-id: ${PAYMENTS_MEMBER}
spec:
  profile: { displayName: Pat Payments }
  memberOf: [payments]
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata:
  name: rob
  annotations:
    slack.com/user-id: ${RISK_MEMBER}
spec:
  profile: { displayName: Rob Risk }
  memberOf: [risk]
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ledger
spec:
  type: service
  lifecycle: production
  owner: payments
`;

const INFERRED = [
  inferredComponent({ name: 'payments-api', slug: 'acme/payments-api', from: 'codeowners', evidence: '.github/CODEOWNERS line 3: * @acme/payments', owner: 'group:default/payments', type: 'service', description: 'Takes card payments.', tags: ['typescript', 'payments'] }),
  inferredComponent({ name: 'fraud-rules', slug: 'acme/fraud-rules', from: 'team-permission', evidence: 'team risk has admin permission on acme/fraud-rules', owner: 'group:default/risk' }),
  inferredComponent({ name: 'orphan-job', slug: 'acme/orphan-job', from: 'none', evidence: 'no CODEOWNERS rule owns the repository root, and no single team administers acme/orphan-job' }),
  inferredComponent({ name: 'hostile-repo', slug: 'acme/hostile-repo', from: 'codeowners', evidence: HOSTILE_EVIDENCE, owner: 'group:default/payments' }),
].join('---\n');

beforeAll(async () => {
  scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'backline-inferred-'));
  catalogFile = path.join(scratch, 'teams.yaml');
  await fs.writeFile(catalogFile, TEAMS);
  const store = PgCatalogStore.create({ pool: db().pool });
  const report = await ingest([await rootFromPath(catalogFile)], { store, maxBytes: 1024 * 1024 });
  expect(report.errors).toEqual([]);
  await storeInferred(store, INFERRED);
  slack = await startFakeSlack();
  github = await startFakeGitHub();
  github.addOrg('acme');
  for (const repo of ['payments-api', 'fraud-rules', 'orphan-job', 'hostile-repo']) github.addRepo('acme', repo, { files: { 'README.md': `# ${repo}\n` } });
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const config = loadConfig({
    DATABASE_URL: db().url,
    PORT: String(port),
    SLACK_BOT_TOKEN: 'xoxb-inferred',
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: slack.url,
    GITHUB_TOKEN: 'ghp_backline_test',
    GITHUB_API_URL: github.url,
    BACKLINE_GITHUB_ORGS: 'acme',
    BACKLINE_GITHUB_REFRESH_MINUTES: '0',
  });
  server = await startServer(config, { logger: silentLogger });
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
const waitFor = (condition: () => boolean | Promise<boolean>) => waitUntil(condition, 10_000, 'what the press should lead to');

interface Card {
  response_type: string;
  text: string;
  blocks: Array<{ type: string; block_id?: string; elements?: Array<{ type: string; text?: string; action_id?: string; value?: string }> }>;
}

async function card(query: string): Promise<Card> {
  const response = await postSignedToSlackEndpoint(events(), SECRET, slashCommandBody({ text: query, response_url: slack.responseUrl() }));
  expect(response.status).toBe(200);
  const body = response.json as Card;
  expect(checkMessageLimits(body)).toEqual([]);
  return body;
}

const contexts = (body: Card) => body.blocks.filter((block) => block.type === 'context').map((block) => block.elements!.map((element) => element.text).join(' '));
const buttonOf = (body: Card, actionId: string) => body.blocks.flatMap((block) => (block.type === 'actions' ? block.elements! : [])).find((element) => element.action_id === actionId);

/**
 * A press of a card's button. `onMessage` is the ts of the channel message the card is (a shared
 * card), so that answers can go in its thread; without it the card is the presser's ephemeral one.
 */
function press(button: { action_id?: string; value?: string }, options: { userId: string; onMessage?: string; responseUrl?: string }) {
  const ephemeral = options.onMessage === undefined;
  return postSignedToSlackEndpoint(
    events(),
    SECRET,
    interactionBody({
      type: 'block_actions',
      user: { id: options.userId, username: options.userId.toLowerCase(), team_id: 'T0BACKLINE' },
      team: { id: 'T0BACKLINE', domain: 'backline-test' },
      api_app_id: 'A0BACKLINE',
      channel: { id: 'C0GENERAL', name: 'general' },
      container: { type: 'message', message_ts: options.onMessage ?? '1700000000.000100', channel_id: 'C0GENERAL', is_ephemeral: ephemeral },
      ...(!ephemeral && { message: { ts: options.onMessage, text: 'card' } }),
      trigger_id: '1.2.3',
      response_url: options.responseUrl ?? slack.responseUrl(),
      actions: [{ type: 'button', block_id: 'whoowns:inferred', action_id: button.action_id, value: button.value, action_ts: '1700000001.000200' }],
    }),
  );
}

describe('the /whoowns card says how ownership is known', () => {
  it('shows an owner inferred from CODEOWNERS as inferred, with its evidence, and offers Confirm and Not us', async () => {
    const body = await card('payments-api');
    expect(body.text).toBe('component:default/payments-api is probably owned by Payments (inferred, not declared)');
    expect(JSON.stringify(body.blocks)).toContain('*Owner*\\n*Payments*  <#C0PAYMENTS>  _(inferred)_');
    expect(contexts(body)).toContain(':mag: *Owner inferred from CODEOWNERS*, not declared in a catalog file\nEvidence: .github/CODEOWNERS line 3: * @acme/payments');
    expect(buttonOf(body, 'whoowns:confirm')).toMatchObject({ text: { type: 'plain_text', text: 'Confirm' }, value: 'component:default/payments-api|group:default/payments' });
    expect(buttonOf(body, 'whoowns:not-us')).toMatchObject({ style: 'danger', value: 'component:default/payments-api|group:default/payments' });
  });

  it('shows an owner inferred from team permissions, and a repository whose owner could not be inferred, without buttons to confirm nobody', async () => {
    expect(contexts(await card('fraud-rules'))).toContain(':mag: *Owner inferred from team permissions*, not declared in a catalog file\nEvidence: team risk has admin permission on acme/fraud-rules');
    const orphan = await card('orphan-job');
    expect(orphan.text).toBe('component:default/orphan-job has no owner Backline could infer');
    expect(contexts(orphan)).toContain(':grey_question: *No owner could be inferred*, not declared in a catalog file\nEvidence: no CODEOWNERS rule owns the repository root, and no single team administers acme/orphan-job');
    expect(buttonOf(orphan, 'whoowns:confirm')).toBeUndefined();
  });

  it('shows a declared owner as declared, naming the file and the field that declares it', async () => {
    const body = await card('ledger');
    expect(body.text).toBe('component:default/ledger is owned by Payments');
    expect(contexts(body)).toContain(`:page_facing_up: Owner declared in the catalog: spec.owner: payments in ${catalogFile}`);
    expect(buttonOf(body, 'whoowns:confirm')).toBeUndefined();
  });

  it('escapes evidence that holds Slack markup, so it pings nobody and links nowhere', async () => {
    const body = await card('hostile-repo');
    const shown = contexts(body).find((text) => text.includes('Evidence'))!;
    expect(shown).toContain('@acme/payments &lt;!channel&gt; &lt;@U0EVIL&gt; &lt;https://evil.example|click here&gt; &amp; more');
    expect(JSON.stringify(body)).not.toMatch(/<!channel>|<@U0EVIL>|<https:\/\/evil/);
  });
});

describe('Confirm', () => {
  it('opens one pull request adding a catalog-info.yaml Backline itself accepts, and says so in the thread, however often it is pressed', async () => {
    const confirm = buttonOf(await card('payments-api'), 'whoowns:confirm')!;
    // A double click on the shared card, then a press on another card of it.
    const [first, second] = await Promise.all([press(confirm, { userId: PAYMENTS_MEMBER, onMessage: '1700000000.000500' }), press(confirm, { userId: PAYMENTS_MEMBER, onMessage: '1700000000.000500' })]);
    expect([first.status, second.status]).toEqual([200, 200]);
    await waitFor(() => slack.callsTo('chat.postMessage').length === 1 && slack.responses.length === 1);
    expect((await press(confirm, { userId: PAYMENTS_MEMBER, onMessage: '1700000000.000900' })).status).toBe(200);
    await waitFor(() => slack.callsTo('chat.postMessage').length === 2);

    const pulls = github.pullRequests('acme', 'payments-api');
    expect(pulls).toHaveLength(1);
    expect(pulls[0]).toMatchObject({ title: 'Add catalog-info.yaml', head: 'backline/catalog-info', base: 'main' });
    expect(pulls[0]!.body).toContain('.github/CODEOWNERS line 3: * @acme/payments');
    expect(pulls[0]!.body).toContain('`user:default/pat`');
    const file = yaml.load(pulls[0]!.files['catalog-info.yaml']!);
    expect(validateEntity(file)).toMatchObject({ valid: true });
    expect(file).toEqual({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name: 'payments-api', description: 'Takes card payments.', tags: ['typescript', 'payments'], annotations: { 'github.com/project-slug': 'acme/payments-api' } },
      spec: { type: 'service', lifecycle: 'unknown', owner: 'payments' },
    });

    const [reply, again] = slack.callsTo('chat.postMessage');
    expect(reply!.args).toMatchObject({ channel: 'C0GENERAL', thread_ts: '1700000000.000500' });
    expect(String(reply!.args.text)).toMatch(new RegExp(`^:white_check_mark: <@${PAYMENTS_MEMBER}> confirmed that \\*Payments\\* owns \\*payments-api\\*: <[^|>]+/acme/payments-api/pull/1\\|pull request #1> adds catalog-info.yaml to acme/payments-api\\.`));
    expect(again!.args).toMatchObject({ thread_ts: '1700000000.000900' });
    expect(String(again!.args.text)).toContain('pull request #1');
    // The second press of the double click was told it had been answered already, to the presser alone.
    expect(slack.responses[0]!.body).toMatchObject({ response_type: 'ephemeral' });
    expect(String(slack.responses[0]!.body.text)).toContain('Already shared');
  });

  it('answers the presser alone when Slack refuses the thread, and quotes the evidence in the pull request as text', async () => {
    const confirm = buttonOf(await card('hostile-repo'), 'whoowns:confirm')!;
    slack.failNext('chat.postMessage', 'not_in_channel');
    expect((await press(confirm, { userId: PAYMENTS_MEMBER, onMessage: '1700000000.000700' })).status).toBe(200);
    await waitFor(() => slack.responses.length === 1);
    expect(slack.responses[0]!.body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(String(slack.responses[0]!.body.text)).toMatch(/^:white_check_mark: <@U0PAT> confirmed that \*Payments\* owns \*hostile-repo\*: <[^|>]+\/acme\/hostile-repo\/pull\/1\|pull request #1>/);
    const [pull] = github.pullRequests('acme', 'hostile-repo');
    expect(pull!.body).toContain(`\n~~~\n${HOSTILE_EVIDENCE}\n~~~`);
  });

  it('refuses someone outside the owning team, privately, naming who may confirm, and opens nothing', async () => {
    const confirm = buttonOf(await card('payments-api'), 'whoowns:confirm')!;
    github.resetRecords();
    expect((await press(confirm, { userId: RISK_MEMBER, onMessage: '1700000000.001000' })).status).toBe(200);
    await waitFor(() => slack.responses.length === 1);
    expect(slack.responses[0]!.body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(String(slack.responses[0]!.body.text)).toBe(`:no_entry_sign: Only members of *Payments* can confirm that *Payments* owns *payments-api*: <@${PAYMENTS_MEMBER}>.`);
    expect(slack.callsTo('chat.postMessage')).toEqual([]);
    expect(github.requests.filter((request) => request.method !== 'GET')).toEqual([]);
  });
});

describe('Not us', () => {
  it('records the correction, reads the repository again, tells the team in its channel and the thread, and does it all once', async () => {
    const notUs = buttonOf(await card('fraud-rules'), 'whoowns:not-us')!;
    await server.github?.idle();
    github.resetRecords();
    expect((await press(notUs, { userId: RISK_MEMBER, onMessage: '1700000000.002000' })).status).toBe(200);
    await waitFor(() => slack.messages.some((message) => message.channel === 'C0RISK') && slack.messages.some((message) => message.thread_ts === '1700000000.002000'));

    const { rows } = await db().pool.query('SELECT repository, rejected_owner, entity_ref, rejected_by, evidence FROM ownership_corrections');
    expect(rows).toEqual([{ repository: 'acme/fraud-rules', rejected_owner: 'group:default/risk', entity_ref: 'component:default/fraud-rules', rejected_by: 'user:default/rob', evidence: 'team risk has admin permission on acme/fraud-rules' }]);
    const notice = slack.messages.find((message) => message.channel === 'C0RISK')!;
    expect(notice.text).toBe(`<@${RISK_MEMBER}> said fraud-rules is not owned by Risk; Backline will stop inferring it. Evidence was: team risk has admin permission on acme/fraud-rules`);
    const thread = slack.messages.find((message) => message.thread_ts === '1700000000.002000')!;
    expect(thread.text).toBe(`:no_entry_sign: <@${RISK_MEMBER}> said *Risk* does not own *fraud-rules*. Backline will stop inferring Risk for acme/fraud-rules and is reading acme/fraud-rules again now.`);
    // The repository is read again: its catalog file looked for anew, past the cache of answers.
    await waitFor(() => github.requests.some((request) => request.path === '/repos/acme/fraud-rules/contents/catalog-info.yaml'));

    // Pressed again, on the same card and on another: nothing new is recorded, posted or told.
    await press(notUs, { userId: RISK_MEMBER, onMessage: '1700000000.002000' });
    await press(notUs, { userId: RISK_MEMBER, onMessage: '1700000000.003000' });
    await waitFor(() => slack.responses.length === 2);
    expect(slack.responses.map((response) => response.body.response_type)).toEqual(['ephemeral', 'ephemeral']);
    expect(String(slack.responses[1]!.body.text)).toContain('Backline already knows *Risk* does not own *fraud-rules*');
    expect((await db().pool.query('SELECT 1 FROM ownership_corrections')).rowCount).toBe(1);
    await server.github?.idle();
    expect(slack.messages.filter((message) => message.channel === 'C0RISK')).toHaveLength(1);
    expect(slack.callsTo('chat.postMessage')).toHaveLength(2);
  });

  it('refuses someone outside the owning team and records nothing', async () => {
    const notUs = buttonOf(await card('payments-api'), 'whoowns:not-us')!;
    await press(notUs, { userId: RISK_MEMBER });
    await waitFor(() => slack.responses.length === 1);
    expect(String(slack.responses[0]!.body.text)).toBe(`:no_entry_sign: Only members of *Payments* can say that *Payments* does not own *payments-api*: <@${PAYMENTS_MEMBER}>.`);
    expect((await db().pool.query(`SELECT 1 FROM ownership_corrections WHERE repository = 'acme/payments-api'`)).rowCount).toBe(0);
  });
});

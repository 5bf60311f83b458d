import { ingest, rootFromPath } from '../../src/catalog/ingest';
import { PgCatalogStore } from '../../src/catalog/PgCatalogStore';
import { loadConfig } from '../../src/config';
import { silentLogger } from '../../src/logger';
import { startServer, type RunningServer } from '../../src/serve/server';
import { CatalogFolder } from '../support/catalogFiles';
import { expectNoViolations, startFakeSlack, type FakeSlack } from '../support/fakeSlack';
import { foreignMarkup, mrkdwnTexts, type LegitimateMarkup } from '../support/hostileStrings';
import { freePort } from '../support/net';
import { buttonPress, interactionBody, postSignedToSlackEndpoint, slashCommandBody } from '../support/slackSigning';
import { useTestDatabase } from '../support/testDatabase';
import { waitUntil } from '../support/waitFor';

const SECRET = 'e2e-signing-secret-0123456789';
const folder = new CatalogFolder();
let slack: FakeSlack;
let server: RunningServer | undefined;
let events: string;

// Jest runs afterAll hooks in the order they are declared: this one comes before the test database's,
// so serve has stopped using the database before it is dropped.
afterAll(async () => {
  await server?.stop();
  await slack?.close();
  folder.dispose();
});

const db = useTestDatabase();

/** Someone who can commit a catalog-info.yaml wrote this: a ping or a foreign link in every field the card reads. */
const HOSTILE_CATALOG = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'hostile-service',
      title: '<!channel> Payments',
      description: '<!here> see <https://evil.example|the runbook> &lt;!everyone&gt;',
      annotations: { 'github.com/project-slug': '<https://evil.example|click>' },
      links: [{ url: 'javascript:alert(1)', title: '<!everyone>', type: 'docs' }],
    },
    spec: { type: '<!channel>', lifecycle: '<!here>', owner: 'hostile-team' },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: {
      name: 'hostile-team',
      title: '<@U123ABC> team',
      annotations: { 'slack.com/channel': '<!channel>', 'slack.com/usergroup': '<!subteam^S123>|<!here>' },
    },
    spec: { type: 'team', children: [] },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name: 'alice' },
    spec: { profile: { email: 'alice@acme.example', displayName: 'Alice' }, memberOf: ['hostile-team'] },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name: 'mallory', annotations: { 'slack.com/user-id': 'U0MALLORY><!channel' } },
    spec: { profile: { displayName: '<https://evil.example|Mallory>' }, memberOf: ['hostile-team'] },
  },
];

// Alice's mention is built from the id Slack gave for her email; the repository link points at github.com.
const LEGITIMATE: LegitimateMarkup = { users: ['U0ALICE', 'U0TESTER'], linkOrigins: ['https://github.com'] };

beforeAll(async () => {
  folder.write('catalog-info.yaml', HOSTILE_CATALOG.map((entity) => JSON.stringify(entity)).join('\n---\n'));
  const report = await ingest([await rootFromPath(folder.root)], { store: PgCatalogStore.create({ pool: db().pool }), maxBytes: 1024 * 1024 });
  expect(report.errors).toEqual([]);
  slack = await startFakeSlack({ users: { 'alice@acme.example': { id: 'U0ALICE', real_name: 'Alice' } } });
  const port = await freePort();
  events = `http://127.0.0.1:${port}/slack/events`;
  server = await startServer(loadConfig({ DATABASE_URL: db().url, PORT: String(port), SLACK_BOT_TOKEN: 'xoxb-e2e', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: slack.url }), { logger: silentLogger });
});

afterEach(() => {
  expectNoViolations(slack);
  slack.reset();
});

interface Message {
  response_type: string;
  text: string;
  blocks: Array<{ type: string; elements?: Array<{ action_id: string; value: string }> }>;
}

const command = async (text: string) => (await postSignedToSlackEndpoint(events, SECRET, slashCommandBody({ text, response_url: slack.responseUrl() }))).json as Message;
const markupIn = (message: Message) => [...mrkdwnTexts(message.blocks), message.text].flatMap((text) => foreignMarkup(text, LEGITIMATE));

describe('a catalog entity with pings and links in its fields', () => {
  it('is answered by /whoowns with its fields shown as text, and only the mentions Backline checked', async () => {
    const card = await command('hostile-service');
    expect(markupIn(card)).toEqual([]);
    const shown = JSON.stringify(card.blocks);
    expect(shown).toContain('&lt;!here&gt; see &lt;https://evil.example|the runbook&gt;');
    expect(shown).toContain('<@U0ALICE>');
    expect(card.text).toBe('component:default/hostile-service is owned by &lt;@U123ABC&gt; team');
  });

  it('is shared in the channel by "Share in channel" without pinging anyone or linking anywhere foreign', async () => {
    const card = await command('hostile-service');
    const share = card.blocks.find((block) => block.type === 'actions')!.elements!.find((element) => element.action_id === 'whoowns:share')!;
    await postSignedToSlackEndpoint(events, SECRET, interactionBody(buttonPress({ ...share, block_id: 'whoowns:card' }, { responseUrl: slack.responseUrl() })));
    await waitUntil(() => slack.responses.length === 1, 5000, 'the shared card');
    const shared = slack.responses[0]!.body as unknown as Message;
    expect(shared.response_type).toBe('in_channel');
    // Slack reads mrkdwn and the message text for pings; plain_text (the header) it shows as written.
    const everything = [...mrkdwnTexts(shared.blocks), shared.text].join('\n');
    for (const ping of ['<!channel>', '<!here>', '<!everyone>', '<!subteam^S123>', '<@U123ABC>', '<https://evil.example', 'javascript:alert(1)|']) expect(everything).not.toContain(ping);
    expect(markupIn(shared)).toEqual([]);
    expect(everything).toContain('Shared by <@U0TESTER> with /whoowns');
  });
});

describe('a /whoowns question made of pings', () => {
  it('is answered with the question as text, and a fallback text within 4,000 characters', async () => {
    const answer = await command(`<!channel> ${'<!here> '.repeat(6_250)}`);
    expect(markupIn(answer)).toEqual([]);
    expect(answer.text.length).toBeLessThanOrEqual(4000);
    expect(answer.text).toMatch(/^Nothing in the catalog is called "&lt;!channel&gt; &lt;!here&gt; /);
  });
});


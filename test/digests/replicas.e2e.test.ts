import { ingest, rootFromPath } from '../../src/catalog/ingest';
import { loadConfig } from '../../src/config';
import { openHealth } from '../../src/compose/health';
import { openBackline } from '../../src/compose/backline';
import { CatalogFolder, component, docs, user } from '../support/catalogFiles';
import { expectNoViolations, startFakeSlack, type FakeSlack } from '../support/fakeSlack';
import { spawnServe, type ServeProcess } from '../support/serve';
import { useTestDatabase } from '../support/testDatabase';
import { waitUntil } from '../support/waitFor';

/**
 * Three `backline serve` processes on one database, each running the scheduler and the outbox
 * sender, with teams whose digests are due every minute: each team's digest of each slot reaches
 * its channel once. This waits for a real minute boundary, so it takes up to about a minute.
 */
const db = useTestDatabase();
const TEAMS = ['payments', 'search', 'identity'];
const folder = new CatalogFolder();
let slack: FakeSlack;
const replicas: Replica[] = [];

type Replica = ServeProcess;

/** A team whose digest is due every minute, in its own channel, owning one service that fails checks. */
function team(name: string): string {
  return docs(
    [
      'apiVersion: backstage.io/v1alpha1',
      'kind: Group',
      'metadata:',
      `  name: ${name}`,
      '  annotations:',
      `    slack.com/channel: team-${name}`,
      "    backline.dev/digest-schedule: '* * * * *'",
      'spec:',
      '  type: team',
      '  children: []',
    ].join('\n'),
    user(`${name}-lead`, [name]),
    component(`${name}-api`, { owner: name }),
  );
}

beforeAll(async () => {
  const config = loadConfig({ DATABASE_URL: db().url });
  const backline = await openBackline(config);
  try {
    const file = folder.write('catalog-info.yaml', TEAMS.map(team).join('---\n'));
    await ingest([await rootFromPath(file)], { store: backline.catalog, maxBytes: config.maxFileBytes });
    // Results exist before the replicas start, whenever the first minute boundary falls.
    await openHealth(backline).service.collectAndScore();
  } finally {
    await backline.close();
  }
  slack = await startFakeSlack({ enforceChannelRateLimit: true, channels: TEAMS.map((name, i) => ({ id: `C0TEAM${i}`, name: `team-${name}` })) });
});

afterAll(async () => {
  for (const replica of replicas) if (replica.child.exitCode === null) replica.child.kill('SIGKILL');
  await Promise.all(replicas.map((replica) => replica.exited));
  await slack?.close();
  folder.dispose();
});

async function startReplica(): Promise<Replica> {
  const replica = await spawnServe({ databaseUrl: db().url, slackUrl: slack.url });
  replicas.push(replica);
  await replica.ready;
  return replica;
}

function digestKeys(): string[] {
  return slack.messages.map((message) => String((message.metadata?.event_payload as { key?: string } | undefined)?.key)).filter((key) => key.startsWith('digest:'));
}

it('sends each team the digest of each scheduled slot once with three serve processes on one database', async () => {
  await Promise.all([startReplica(), startReplica(), startReplica()]);

  await waitUntil(() => TEAMS.every((name) => digestKeys().some((key) => key.startsWith(`digest:group:default/${name}:`))), 100_000, 'a digest in every team channel');
  expect(await Promise.all(replicas.map(async (replica) => (replica.child.kill('SIGTERM'), replica.exited)))).toEqual([0, 0, 0]);

  // Every process has stopped: nothing else can arrive. Each (team, slot) came once.
  const keys = digestKeys();
  expect(keys.length).toBeGreaterThanOrEqual(TEAMS.length);
  expect(new Set(keys).size).toBe(keys.length);
  for (const [i, name] of TEAMS.entries()) {
    const inChannel = slack.messages.filter((message) => message.channel === `C0TEAM${i}`);
    expect(inChannel.length).toBeGreaterThanOrEqual(1);
    expect(inChannel.every((message) => String((message.metadata?.event_payload as { key?: string }).key).startsWith(`digest:group:default/${name}:`))).toBe(true);
  }
  expectNoViolations(slack);
  expect(replicas.flatMap((replica) => replica.stderr).join('')).not.toContain('"level":"error"');
}, 150_000);

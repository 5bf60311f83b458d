import { silentLogger } from '../../src/logger';
import { startServer, type RunningServer } from '../../src/serve/server';
import { component, docs } from '../support/catalogFiles';
import { startFakeGitHub, type FakeGitHub } from '../support/fakeGithub';
import { startFakeSlack, type FakeSlack } from '../support/fakeSlack';
import { freePort } from '../support/net';
import { useTestDatabase } from '../support/testDatabase';
import { refs, resetCatalog, serveConfig } from './helpers';

const db = useTestDatabase();
let github: FakeGitHub;
let slack: FakeSlack;
let server: RunningServer | undefined;

const described = (name: string, description: string) => component(name).replace('metadata:', `metadata:\n  description: ${description}`);
const aliasBomb = ['a: &a [x,x,x,x,x,x,x,x,x,x]', ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(',')}]`)].join('\n');

beforeAll(async () => {
  await resetCatalog(db());
  github = await startFakeGitHub();
  github.addRepo('acme', 'hostile', {
    files: {
      'bomb.yaml': aliasBomb,
      'deep.json': `${'['.repeat(5000)}${']'.repeat(5000)}`,
      'catalog-info.yaml': docs(described('bombed', '{ $yaml: ./bomb.yaml }'), described('deep', '{ $json: ./deep.json }'), component('survivor')),
    },
  });
  // Large, valid files keep the refresh busy long enough to be asked things while it runs.
  const many = (repo: number) => docs(...Array.from({ length: 1500 }, (_, i) => component(`svc-${repo}-${i}`)));
  for (let repo = 0; repo < 6; repo++) github.addRepo('acme', `monorepo-${repo}`, { files: { 'catalog-info.yaml': many(repo) } });
  slack = await startFakeSlack();
});

afterAll(async () => {
  await server?.stop();
  await github.close();
  await slack.close();
});

it('keeps answering /healthz while a refresh ingests an alias bomb and JSON nested 5,000 deep, and ingests the rest of the organisation', async () => {
  const port = await freePort();
  const config = serveConfig({ db: db(), github, slackUrl: slack.url, port });
  server = await startServer(config, { logger: silentLogger });
  let refreshing = true;
  const refreshed = server.github!.idle().then(() => (refreshing = false));
  const answeredDuringRefresh: number[] = [];
  while (refreshing) {
    const response = await fetch(`http://127.0.0.1:${port}/healthz`);
    if (refreshing) answeredDuringRefresh.push(response.status);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await refreshed;

  expect(answeredDuringRefresh.length).toBeGreaterThan(1);
  expect(new Set(answeredDuringRefresh)).toEqual(new Set([200]));
  const components = await refs(db(), 'component');
  expect(components).toHaveLength(1 + 6 * 1500);
  expect(components).toContain('component:default/survivor');
  expect(components).not.toContain('component:default/bombed');
  const { rows } = await db().pool.query<{ message: string }>("SELECT message FROM processing_errors WHERE message LIKE '%expands to more than%' OR message LIKE '%nested more than 64 levels%'");
  expect(rows).toHaveLength(2);
});

import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ingest } from '../../src/catalog/ingest';
import { PgCatalogStore } from '../../src/catalog/PgCatalogStore';
import { silentLogger } from '../../src/logger';
import { composeScaffolder, createGitHubWriter } from '../../src/scaffolder/compose';
import { PgTaskStore } from '../../src/scaffolder/PgTaskStore';
import type { Scaffolder } from '../../src/scaffolder/service';
import { MemoryGitHubCacheStore } from '../../src/sources/github/cache';
import { connect, MAX_BYTES, TOKEN } from '../github/helpers';
import { startFakeGitHub, type FakeGitHub } from '../support/fakeGithub';
import { useTestDatabase } from '../support/testDatabase';

/** Backstage's own sample templates, as Backstage ships them (read, never copied into this repository). */
const CONFORMANCE = path.resolve(__dirname, '../../../shared/conformance/backstage-templates');
/** Skeletons of our own for the templates whose steps fetch one. */
const SKELETONS = path.resolve(__dirname, '../fixtures/conformance-skeletons');

const db = useTestDatabase();
let github: FakeGitHub;
let scratch: string;
let scaffolder: Scaffolder;
let catalog: PgCatalogStore;

beforeAll(async () => {
  scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'backline-conformance-'));
  for (const name of ['conditional-output-demo', 'default-app-example', 'notifications-demo']) {
    await fs.mkdir(path.join(scratch, 'templates', name), { recursive: true });
    await fs.copyFile(path.join(CONFORMANCE, name, 'template.yaml'), path.join(scratch, 'templates', name, 'template.yaml'));
    const skeleton = path.join(SKELETONS, name);
    if (await fs.stat(skeleton).catch(() => undefined)) await fs.cp(skeleton, path.join(scratch, 'templates', name), { recursive: true });
  }
  github = await startFakeGitHub();
  github.addOrg('acme');
  catalog = PgCatalogStore.create({ pool: db().pool });
  const integration = connect(github, db());
  scaffolder = composeScaffolder({
    settings: { templatesDir: path.join(scratch, 'templates'), localReposDir: path.join(scratch, 'repositories'), allowedGroups: [] },
    store: PgTaskStore.create({ pool: db().pool }),
    catalog,
    // The example allows github.com only, so Backline publishes as if GITHUB_API_URL were
    // api.github.com, through the fake; registering reads the new repository back from the fake too.
    ingest: (root) => ingest([{ ...root, target: root.target.replace('https://github.com/', `${github.web}/`) }], integration.ingestDependencies({ store: catalog, maxBytes: MAX_BYTES })),
    github: { api: createGitHubWriter({ apiUrl: github.url, auth: { kind: 'token', token: TOKEN }, cache: new MemoryGitHubCacheStore() }), webUrl: 'https://github.com' },
    logger: silentLogger,
    workspaceRoot: path.join(scratch, 'work'),
  });
});

afterAll(async () => {
  await github.close();
  await fs.rm(scratch, { recursive: true, force: true });
});

beforeEach(() => github.resetRecords());

const requester = { slackUserId: null, userRef: null };
async function run(name: string, values: Record<string, unknown>) {
  const task = await scaffolder.create(await scaffolder.template(name), values, requester);
  return scaffolder.run(task.id);
}

describe("Backstage's example Node.js template (default-app-example)", () => {
  it('dry-runs: renders the skeleton and simulates publishing and registering', async () => {
    const dry = await scaffolder.dryRun(await scaffolder.template('example-nodejs-template'), { name: 'hello-node', repoUrl: 'github.com?owner=acme&repo=hello-node' }, { keep: true });
    try {
      expect(dry.result.error).toBeNull();
      expect(dry.result.steps.map((step) => [step.id, step.status])).toEqual([
        ['fetch-base', 'completed'],
        ['publish', 'simulated'],
        ['register', 'simulated'],
      ]);
      expect(dry.files).toEqual(['catalog-info.yaml', 'index.js', 'package.json']);
      expect(JSON.parse(await fs.readFile(path.join(dry.directory!, 'package.json'), 'utf8'))).toMatchObject({ name: 'hello-node' });
    } finally {
      await fs.rm(dry.directory!, { recursive: true, force: true });
    }
    expect(github.requests).toEqual([]);
  });

  it('runs to completion: publishes the repository to GitHub and registers its component', async () => {
    const task = await run('example-nodejs-template', { name: 'hello-node', repoUrl: 'github.com?owner=acme&repo=hello-node' });
    expect(task.error).toBeNull();
    expect(task.status).toBe('completed');
    expect(Object.keys(github.repository('acme', 'hello-node')!.files).sort()).toEqual(['catalog-info.yaml', 'index.js', 'package.json']);
    expect(github.repository('acme', 'hello-node')!.files['index.js']).toContain("res.end('Hello from hello-node\\n')");
    expect(task.output).toEqual({ links: [{ title: 'Repository', url: 'https://github.com/acme/hello-node' }], text: [], entityRef: 'component:default/hello-node' });
    expect(await catalog.getByRef('component:default/hello-node')).toMatchObject({ entity: { spec: { owner: 'user:guest' } } });
  });
});

describe("Backstage's conditional-output-demo", () => {
  it('dry-runs and shows only the links and text whose if: holds', async () => {
    const template = await scaffolder.template('conditional-output-demo');
    const withCi = await scaffolder.dryRun(template, { name: 'billing' });
    expect(withCi.result.status).toBe('completed');
    expect(withCi.result.output).toEqual({
      links: [
        { title: 'Backstage Homepage', url: 'https://backstage.io' },
        { title: 'CI Dashboard', url: 'https://ci.example.com/billing' },
        { title: 'CI Docs', url: 'https://ci.example.com/docs' },
      ],
      text: [
        { title: 'Summary', content: '**Component:** `billing`\n' },
        { title: 'CI Details', content: '**CI enabled:** Yes\n' },
        { title: 'CI Setup Instructions', content: 'Run `ci-setup --name billing` to configure CI.\n' },
      ],
      entityRef: null,
    });
    const without = await scaffolder.dryRun(template, { name: 'billing', enableCI: 'No', showDetails: false });
    expect(without.result.output).toEqual({ links: [{ title: 'Backstage Homepage', url: 'https://backstage.io' }], text: [{ title: 'Summary', content: '**Component:** `billing`\n' }], entityRef: null });
  });

  it('runs to completion and logs its message', async () => {
    const task = await run('conditional-output-demo', { name: 'billing', enableCI: 'No' });
    expect(task.status).toBe('completed');
    const log = await PgTaskStore.create({ pool: db().pool }).logOf(task.id);
    expect(log.map((line) => [line.stepId, line.line])).toEqual([['log', 'Creating billing']]);
    expect(task.output?.links).toEqual([{ title: 'Backstage Homepage', url: 'https://backstage.io' }]);
  });
});

describe("Backstage's notifications-demo, whose notification:send Backline does not run", () => {
  const message = /^The step "Send notification" \(send-notification, \S+\/notifications-demo\/template\.yaml line \d+\) uses the action notification:send, which Backline does not run .*Nothing was created\.$/;

  it('stops a dry run before its first step, naming the step and the action', async () => {
    const dry = await scaffolder.dryRun(await scaffolder.template('notifications-demo'), { recipients: 'broadcast', title: 'Hello' });
    expect(dry.result.status).toBe('failed');
    expect(dry.result.failedStep).toBe('send-notification');
    expect(dry.result.error).toMatch(message);
    expect(dry.files).toEqual([]);
  });

  it('stops a run before its first step, naming the step and the action, and calls nothing', async () => {
    const task = await run('notifications-demo', { recipients: 'broadcast', title: 'Hello' });
    expect(task.status).toBe('failed');
    expect(task.failedStep).toBe('send-notification');
    expect(task.error).toMatch(message);
    expect(github.requests).toEqual([]);
  });
});

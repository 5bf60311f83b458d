import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ingest } from '../../src/catalog/ingest';
import { PgCatalogStore } from '../../src/catalog/PgCatalogStore';
import { silentLogger } from '../../src/logger';
import { composeScaffolder, createGitHubWriter } from '../../src/scaffolder/compose';
import { PgTaskStore } from '../../src/scaffolder/PgTaskStore';
import type { Scaffolder } from '../../src/scaffolder/service';
import { PgGitHubCacheStore } from '../../src/sources/github/PgGitHubCacheStore';
import { connect, MAX_BYTES, TOKEN } from '../github/helpers';
import { startFakeGitHub, type FakeGitHub } from '../support/fakeGithub';
import { useTestDatabase } from '../support/testDatabase';
import { minimalTemplate } from './templateFixtures';

const db = useTestDatabase();
let github: FakeGitHub;
let scratch: string;
let scaffolder: Scaffolder;

/** A template whose skeleton has `files` text files (and one binary file when asked). */
async function writeTemplate(name: string, files: number, options: { binary?: boolean; allowedHosts?: string[] } = {}): Promise<void> {
  const dir = path.join(scratch, 'templates', name);
  await fs.mkdir(path.join(dir, 'skeleton', 'src'), { recursive: true });
  await fs.writeFile(
    path.join(dir, 'template.yaml'),
    minimalTemplate(name, { action: 'publish:github', input: { description: 'Made by a test', ...(options.allowedHosts && { allowedHosts: options.allowedHosts }) } }),
  );
  await fs.writeFile(path.join(dir, 'skeleton', 'catalog-info.yaml'), 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${{ values.name }}\nspec: { type: service, lifecycle: experimental, owner: team-a }\n');
  for (let i = 1; i < files; i++) await fs.writeFile(path.join(dir, 'skeleton', 'src', `module-${i}.ts`), `export const module${i} = '\${{ values.name }}-${i}';\n`);
  if (options.binary) await fs.writeFile(path.join(dir, 'skeleton', 'logo.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01, 0x02]));
}

beforeAll(async () => {
  scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'backline-publish-'));
  github = await startFakeGitHub();
  github.addOrg('acme');
  await writeTemplate('five-files', 5);
  await writeTemplate('sixty-files', 60);
  await writeTemplate('with-binary', 5, { binary: true });
  await writeTemplate('github-com-only', 1, { allowedHosts: ['github.com'] });
  await writeTemplate('this-host-only', 1, { allowedHosts: [new URL(github.web).host] });
  const catalog = PgCatalogStore.create({ pool: db().pool });
  const integration = connect(github, db());
  scaffolder = composeScaffolder({
    settings: { templatesDir: path.join(scratch, 'templates'), localReposDir: path.join(scratch, 'repositories'), allowedGroups: [] },
    store: PgTaskStore.create({ pool: db().pool }),
    catalog,
    ingest: (root) => ingest([root], integration.ingestDependencies({ store: catalog, maxBytes: MAX_BYTES })),
    github: { api: createGitHubWriter({ apiUrl: github.url, auth: { kind: 'token', token: TOKEN }, cache: PgGitHubCacheStore.create({ pool: db().pool }) }), webUrl: github.web },
    logger: silentLogger,
  });
});

afterAll(async () => {
  await github.close();
  await fs.rm(scratch, { recursive: true, force: true });
});

async function publish(template: string, repo: string) {
  github.resetRecords();
  const task = await scaffolder.create(await scaffolder.template(template), { name: repo, repoUrl: `${new URL(github.web).host}?owner=acme&repo=${repo}` }, { slackUserId: null, userRef: null });
  const finished = await scaffolder.run(task.id);
  return { task: finished, calls: github.requests.map((request) => `${request.method} ${request.path.replace(repo, 'REPO')}`) };
}

describe('publish:github', () => {
  it('makes the same GitHub calls for 5 files as for 60: one tree, one commit, one ref', async () => {
    const few = await publish('five-files', 'few');
    const many = await publish('sixty-files', 'many');
    expect(few.task.status).toBe('completed');
    expect(many.task.status).toBe('completed');
    expect(many.calls).toEqual(few.calls);
    expect(few.calls).toEqual(['POST /orgs/acme/repos', 'POST /repos/acme/REPO/git/trees', 'POST /repos/acme/REPO/git/commits', 'PATCH /repos/acme/REPO/git/refs/heads/main']);
    expect(Object.keys(github.repository('acme', 'many')!.files)).toHaveLength(60);
    expect(github.repository('acme', 'many')!.files['src/module-59.ts']).toBe("export const module59 = 'many-59';\n");
  });

  it('sends a binary file, which a tree cannot carry inline, as a blob', async () => {
    const { task, calls } = await publish('with-binary', 'binary');
    expect(task.status).toBe('completed');
    expect(calls.filter((call) => call.endsWith('/git/blobs'))).toEqual(['POST /repos/acme/REPO/git/blobs']);
  });

  it('refuses a repository that already exists, leaving nothing behind', async () => {
    github.addRepo('acme', 'taken', { files: { 'README.md': 'mine' } });
    const { task } = await publish('five-files', 'taken');
    expect(task.status).toBe('failed');
    expect(task.failedStep).toBe('publish');
    expect(task.error).toBe('publish:github: the repository acme/taken already exists on GitHub; choose another name');
    expect(task.leftBehind).toEqual([]);
    expect(github.repository('acme', 'taken')!.files).toEqual({ 'README.md': 'mine' });
  });

  it('records every step and its log in PostgreSQL', async () => {
    const { task } = await publish('five-files', 'logged');
    const log = await PgTaskStore.create({ pool: db().pool }).logOf(task.id);
    expect(log.map((line) => line.stepId)).toEqual(['fetch', 'publish']);
    expect(log[1]!.line).toMatch(/^publish:github: created acme\/logged with 5 file\(s\) in commit [0-9a-f]{12} on main$/);
  });

  it('refuses a host the step does not allow, even when the allowed hosts name github.com', async () => {
    const { task, calls } = await publish('github-com-only', 'elsewhere');
    expect(task.status).toBe('failed');
    expect(task.error).toBe(`publish:github: ${new URL(github.web).host} is not one of the template's allowedHosts (github.com)`);
    expect(calls).toEqual([]);
    expect(github.repository('acme', 'elsewhere')).toBeUndefined();
  });

  it('publishes to the configured host when the step allows it by name', async () => {
    const { task } = await publish('this-host-only', 'allowed');
    expect(task.status).toBe('completed');
    expect(github.repository('acme', 'allowed')).toBeDefined();
  });
});

import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { RootLocation } from '../../src/catalog/ingest';
import { createCatalogRegister } from '../../src/scaffolder/actions/catalog';
import { createGitHubRepoCreate } from '../../src/scaffolder/actions/githubRepoCreate';
import { createGitHubRepoPush } from '../../src/scaffolder/actions/githubRepoPush';
import type { Action, ActionContext } from '../../src/scaffolder/actions/types';
import { createGitHubWriter } from '../../src/scaffolder/compose';
import { runTemplate } from '../../src/scaffolder/runner';
import type { LeftBehind } from '../../src/scaffolder/tasks';
import { templateFromEntity } from '../../src/scaffolder/template';
import { MemoryGitHubCacheStore } from '../../src/sources/github/cache';
import { startFakeGitHub, type FakeGitHub } from '../support/fakeGithub';

let github: FakeGitHub;
let actions: Map<string, Action>;
let workspace: string;
let name: string;
let repoUrl: string;

beforeAll(async () => {
  github = await startFakeGitHub();
  github.addOrg('acme');
  github.addTeam('acme', { slug: 'platform' });
  const api = createGitHubWriter({ apiUrl: github.url, auth: { kind: 'token', token: 'ghp_backline_test' }, cache: new MemoryGitHubCacheStore() });
  actions = new Map([createGitHubRepoCreate({ api, webUrl: github.web }), createGitHubRepoPush({ api, webUrl: github.web })].map((action) => [action.id, action]));
});
afterAll(() => github.close());

beforeEach(async () => {
  workspace = await fs.mkdtemp(path.join(os.tmpdir(), 'backline-repo-'));
  name = `service-${Math.random().toString(36).slice(2, 8)}`;
  repoUrl = `${new URL(github.web).host}?owner=acme&repo=${name}`;
  github.resetRecords();
});
afterEach(() => fs.rm(workspace, { recursive: true, force: true }));

async function writeFiles(count: number): Promise<void> {
  await fs.mkdir(path.join(workspace, 'src'), { recursive: true });
  await fs.writeFile(path.join(workspace, 'catalog-info.yaml'), `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: { name: ${name} }\nspec: { type: service, lifecycle: experimental, owner: team-a }\n`);
  for (let i = 1; i < count; i++) await fs.writeFile(path.join(workspace, 'src', `file-${i}.ts`), `export const n = ${i};\n`);
}

async function run(id: string, input: Record<string, unknown>, previouslyLeftBehind: LeftBehind[] = []) {
  const log: string[] = [];
  const left: LeftBehind[] = [];
  const context: ActionContext = { input, workspace, templateDir: null, templateName: 't', log: (line) => void log.push(line), previouslyLeftBehind, leave: (item) => void left.push(item), dryRun: false, publishedRepositories: [] };
  const output = await actions.get(id)!.run(context);
  return { output, log, left };
}
const writes = () => github.requests.filter((request) => request.method !== 'GET').map((request) => `${request.method} ${request.path.replace(/^\/repos\/acme\/[^/]+/, '')}`);

describe('github:repo:create', () => {
  it('creates the repository with the settings, access, collaborators, topics and variables the template asks for', async () => {
    const { output } = await run('github:repo:create', {
      repoUrl,
      description: 'Ledger API',
      homepage: 'https://ledger.example.com',
      repoVisibility: 'internal',
      deleteBranchOnMerge: true,
      allowMergeCommit: false,
      squashMergeCommitTitle: 'PR_TITLE',
      hasWiki: false,
      access: 'acme/platform',
      collaborators: [
        { user: 'user:default/ada', access: 'push' },
        { team: 'group:default/platform', access: 'maintain' },
      ],
      topics: ['Payments', 'api'],
      repoVariables: { REGION: 'eu-west-1' },
    });
    expect(output).toEqual({ remoteUrl: `${github.web}/acme/${name}.git`, repoContentsUrl: `${github.web}/acme/${name}/blob/main` });
    const repository = github.repository('acme', name)!;
    expect(repository).toMatchObject({ description: 'Ledger API', private: false, topics: ['payments', 'api'], teams: { platform: 'maintain' } });
    const settings = github.settingsOf('acme', name);
    expect(settings.settings).toMatchObject({ visibility: 'internal', homepage: 'https://ledger.example.com', delete_branch_on_merge: true, allow_merge_commit: false, squash_merge_commit_title: 'PR_TITLE', has_wiki: false });
    expect(settings.collaborators).toEqual({ ada: 'push' });
    expect(settings.variables).toEqual({ REGION: 'eu-west-1' });
  });

  it('refuses a repository that exists, naming it', async () => {
    github.addRepo('acme', name, { files: { 'README.md': 'mine\n' } });
    await expect(run('github:repo:create', { repoUrl })).rejects.toThrow(`github:repo:create: the repository acme/${name} already exists on GitHub; choose another name`);
  });

  it('names the inputs it does not carry out in the task log', async () => {
    const { log } = await run('github:repo:create', { repoUrl, secrets: { TOKEN: 'x' }, oidcCustomization: { useDefault: true } });
    expect(log).toContain('github:repo:create: the input "secrets" is not supported and was ignored');
    expect(log.join('\n')).not.toContain('TOKEN');
  });
});

describe('github:repo:push', () => {
  it.each([1, 40])('fills the new repository with one tree, one commit and one ref for %i file(s), on master by default as Backstage does', async (count) => {
    await run('github:repo:create', { repoUrl });
    await writeFiles(count);
    github.resetRecords();
    const { output } = await run('github:repo:push', { repoUrl, gitCommitMessage: 'chore: scaffold' });
    const gitWrites = writes().filter((write) => write.includes('/git/'));
    expect(gitWrites).toEqual(['POST /git/trees', 'POST /git/commits', 'POST /git/refs', 'DELETE /git/refs/heads/main']);
    const repository = github.repository('acme', name)!;
    expect(repository.defaultBranch).toBe('master');
    expect(repository.commitsOnDefaultBranch).toBe(1);
    expect(Object.keys(repository.files)).toHaveLength(count);
    expect(repository.files['catalog-info.yaml']).toContain(`name: ${name}`);
    expect(output).toEqual({ remoteUrl: `${github.web}/acme/${name}.git`, repoContentsUrl: `${github.web}/acme/${name}/blob/master`, commitHash: expect.stringMatching(/^[0-9a-f]{40}$/) });
    expect(github.settingsOf('acme', name).protection.master).toMatchObject({ enforce_admins: true, required_pull_request_reviews: { required_approving_review_count: 1 } });
  });

  it('pushes to the defaultBranch asked for and protects it as the inputs say', async () => {
    await run('github:repo:create', { repoUrl });
    await writeFiles(3);
    await run('github:repo:push', { repoUrl, defaultBranch: 'main', requiredApprovingReviewCount: 2, requiredStatusCheckContexts: ['ci'], protectEnforceAdmins: false, requiredCommitSigning: true });
    const repository = github.repository('acme', name)!;
    expect(repository).toMatchObject({ defaultBranch: 'main', commitsOnDefaultBranch: 1 });
    expect(repository.files['README.md']).toBeUndefined();
    const settings = github.settingsOf('acme', name);
    expect(settings.protection.main).toMatchObject({ enforce_admins: false, required_status_checks: { strict: true, contexts: ['ci'] }, required_pull_request_reviews: { required_approving_review_count: 2 } });
    expect(settings.signedBranches).toEqual(['main']);
  });

  it('fills a repository that is empty, which the git data API alone cannot write to', async () => {
    github.addRepo('acme', name);
    await writeFiles(2);
    await run('github:repo:push', { repoUrl, defaultBranch: 'main', protectDefaultBranch: false });
    expect(github.repository('acme', name)).toMatchObject({ defaultBranch: 'main', commitsOnDefaultBranch: 1 });
    expect(Object.keys(github.repository('acme', name)!.files).sort()).toEqual(['catalog-info.yaml', 'src/file-1.ts']);
  });

  it('refuses a repository with history of its own and leaves it as it was', async () => {
    github.addRepo('acme', name, { files: { 'README.md': 'hello\n', 'src/main.ts': 'keep me\n' } });
    await writeFiles(2);
    await expect(run('github:repo:push', { repoUrl, defaultBranch: 'main' })).rejects.toThrow(`github:repo:push: acme/${name} already has commits on main`);
    expect(writes()).toEqual([]);
    expect(github.repository('acme', name)!.files).toEqual({ 'README.md': 'hello\n', 'src/main.ts': 'keep me\n' });
  });

  it('keeps the push when GitHub will not protect the branch, and says so in the log', async () => {
    await run('github:repo:create', { repoUrl });
    await writeFiles(1);
    github.refuse(`/repos/acme/${name}/branches/master/protection`, 403, 'Upgrade to GitHub Pro or make this repository public to enable this feature.');
    const { log } = await run('github:repo:push', { repoUrl });
    expect(github.repository('acme', name)!.files['catalog-info.yaml']).toBeDefined();
    expect(log).toContain('github:repo:push: GitHub answered 403 when protecting master (Upgrade to GitHub Pro or make this repository public to enable this feature.); the branch is not protected');
  });

  it("hands catalog:register a repoContentsUrl it accepts as the task's own repository", async () => {
    await writeFiles(1);
    const registered: RootLocation[] = [];
    const register = createCatalogRegister({ ingest: async (root) => (registered.push(root), { errors: [], entities: { added: 1 } }) as never });
    const template = templateFromEntity(
      {
        apiVersion: 'scaffolder.backstage.io/v1beta3',
        kind: 'Template',
        metadata: { name: 'create-then-push' },
        spec: {
          type: 'service',
          steps: [
            { id: 'create', action: 'github:repo:create', input: { repoUrl } },
            { id: 'push', action: 'github:repo:push', input: { repoUrl, defaultBranch: 'main' } },
            { id: 'register', action: 'catalog:register', input: { repoContentsUrl: '${{ steps.push.output.repoContentsUrl }}', catalogInfoPath: '/catalog-info.yaml' } },
          ],
        },
      },
      { baseDir: null, source: 'create-then-push.yaml' },
    );
    const result = await runTemplate({
      template,
      parameters: {},
      actions: new Map([...actions, [register.id, register]]),
      user: null,
      workspace,
      dryRun: false,
      previouslyLeftBehind: [],
      hooks: { step: async () => undefined, log: async () => undefined, leftBehind: async () => undefined },
    });
    expect(result.error).toBeNull();
    expect(registered).toEqual([{ type: 'url', target: `${github.web}/acme/${name}/blob/main/catalog-info.yaml` }]);
  });
});

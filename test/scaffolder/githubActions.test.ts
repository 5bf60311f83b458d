import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { GitHubApi } from '../../src/scaffolder/actions/githubApi';
import { createGitHubPullRequest } from '../../src/scaffolder/actions/githubPullRequest';
import { createGitHubRepositoryActions } from '../../src/scaffolder/actions/githubRepository';
import type { Action, ActionContext } from '../../src/scaffolder/actions/types';
import { createGitHubWriter } from '../../src/scaffolder/compose';
import type { LeftBehind } from '../../src/scaffolder/tasks';
import { MemoryGitHubCacheStore } from '../../src/sources/github/cache';
import { startFakeGitHub, type FakeGitHub } from '../support/fakeGithub';

let github: FakeGitHub;
let api: GitHubApi;
let actions: Map<string, Action>;
let workspace: string;
let repoUrl: string;

beforeAll(async () => {
  github = await startFakeGitHub();
  api = createGitHubWriter({ apiUrl: github.url, auth: { kind: 'token', token: 'ghp_backline_test' }, cache: new MemoryGitHubCacheStore() });
  actions = new Map([createGitHubPullRequest({ api, webUrl: github.web }), ...createGitHubRepositoryActions({ api, webUrl: github.web })].map((action) => [action.id, action]));
});
afterAll(() => github.close());

beforeEach(async () => {
  workspace = await fs.mkdtemp(path.join(os.tmpdir(), 'backline-pr-'));
  const name = `service-${Math.random().toString(36).slice(2, 8)}`;
  github.addRepo('acme', name, { files: { 'README.md': '# service\n', 'docs/index.md': 'old\n' } });
  repoUrl = `${new URL(github.web).host}?owner=acme&repo=${name}`;
  github.resetRecords();
});
afterEach(() => fs.rm(workspace, { recursive: true, force: true }));

async function writeFiles(count: number): Promise<void> {
  await fs.mkdir(path.join(workspace, 'src'), { recursive: true });
  for (let i = 0; i < count; i++) await fs.writeFile(path.join(workspace, 'src', `file-${i}.ts`), `export const n = ${i};\n`);
}

async function run(id: string, input: Record<string, unknown>, previouslyLeftBehind: LeftBehind[] = []) {
  const log: string[] = [];
  const left: LeftBehind[] = [];
  const context: ActionContext = { input, workspace, templateDir: null, templateName: 't', log: (line) => void log.push(line), previouslyLeftBehind, leave: (item) => void left.push(item), dryRun: false, publishedRepositories: [] };
  const output = await actions.get(id)!.run(context);
  return { output, log, left };
}
const writes = () => github.requests.filter((request) => request.method !== 'GET').map((request) => `${request.method} ${request.path.replace(/^\/repos\/acme\/[^/]+/, '')}`);
const repoName = () => new URLSearchParams(repoUrl.split('?')[1]).get('repo')!;

describe('publish:github:pull-request', () => {
  it.each([1, 40])('opens one pull request with one tree, one commit and one ref for %i file(s)', async (count) => {
    await writeFiles(count);
    const { output } = await run('publish:github:pull-request', { repoUrl, branchName: 'add-files', title: 'Add files', description: 'From a template', targetPath: 'generated' });
    expect(writes()).toEqual(['POST /git/trees', 'POST /git/commits', 'POST /git/refs', 'POST /pulls']);
    const [pull] = github.pullRequests('acme', repoName());
    expect(output).toEqual({ remoteUrl: `${github.web}/acme/${repoName()}/pull/1`, pullRequestNumber: 1, targetBranchName: 'main' });
    expect(pull).toMatchObject({ number: 1, title: 'Add files', body: 'From a template', head: 'add-files', base: 'main', draft: false, commits: 1 });
    // Built on the target branch: its files stay, the new ones land under targetPath.
    expect(Object.keys(pull!.files).sort()).toEqual(['README.md', 'docs/index.md', ...Array.from({ length: count }, (_, i) => `generated/src/file-${i}.ts`)].sort());
    expect(github.repository('acme', repoName())!.files).toEqual({ 'README.md': '# service\n', 'docs/index.md': 'old\n' });
  });

  it('targets the branch asked for, as a draft, with the commit message and reviewers asked for', async () => {
    await writeFiles(2);
    await run('publish:github:pull-request', { repoUrl, branchName: 'first', title: 'First', description: 'd' });
    await run('publish:github:pull-request', {
      repoUrl,
      branchName: 'second',
      targetBranchName: 'first',
      title: 'Second',
      description: 'd',
      draft: true,
      commitMessage: 'chore: generated',
      reviewers: ['ada'],
      teamReviewers: ['platform', 'platform'],
    });
    const second = github.pullRequests('acme', repoName())[1]!;
    expect(second).toMatchObject({ base: 'first', draft: true, reviewers: ['ada'], teamReviewers: ['platform'], commits: 1 });
    const commit = github.requests.find((request) => request.method === 'POST' && request.path.endsWith('/git/commits') && request.body.message === 'chore: generated');
    expect(commit).toBeDefined();
  });

  it('refuses a branch that exists unless update is set, and with update moves it and updates the open pull request', async () => {
    await writeFiles(1);
    await run('publish:github:pull-request', { repoUrl, branchName: 'feature', title: 'One', description: 'd' });
    await expect(run('publish:github:pull-request', { repoUrl, branchName: 'feature', title: 'Two', description: 'd' })).rejects.toThrow(
      `publish:github:pull-request: the branch feature already exists in acme/${repoName()}; choose another branchName, or set update: true to update it`,
    );
    await fs.writeFile(path.join(workspace, 'src', 'extra.ts'), 'extra\n');
    const { output } = await run('publish:github:pull-request', { repoUrl, branchName: 'feature', title: 'Two', description: 'updated', update: true });
    expect(output.pullRequestNumber).toBe(1);
    const pulls = github.pullRequests('acme', repoName());
    expect(pulls).toHaveLength(1);
    expect(pulls[0]).toMatchObject({ title: 'Two', body: 'updated', commits: 1 });
    expect(pulls[0]!.files['src/extra.ts']).toBe('extra\n');
  });

  it('with update, updates the pull request another run opened between its look and its request, rather than failing', async () => {
    await writeFiles(1);
    const input = { repoUrl, branchName: 'backline/catalog-info', title: 'Add catalog-info.yaml', description: 'd', update: true };
    // The other run (another replica) opens the pull request right after this one has looked for it.
    let raced = false;
    const racing: GitHubApi = {
      request: async (request) => {
        const answer = await api.request(request);
        if (!raced && request.method === 'GET' && request.path.endsWith('/pulls')) {
          raced = true;
          await run('publish:github:pull-request', input);
        }
        return answer;
      },
    };
    const context: ActionContext = { input, workspace, templateDir: null, templateName: 't', log: () => undefined, previouslyLeftBehind: [], leave: () => undefined, dryRun: false, publishedRepositories: [] };
    const output = await createGitHubPullRequest({ api: racing, webUrl: github.web }).run(context);
    expect(output.pullRequestNumber).toBe(1);
    expect(github.pullRequests('acme', repoName())).toHaveLength(1);
    expect(github.requests.filter((request) => request.method === 'POST' && request.path.endsWith('/pulls')).map((request) => request.status)).toEqual([201, 422]);
  });

  it('refuses a targetPath that leaves the repository, before calling GitHub', async () => {
    await writeFiles(1);
    await expect(run('publish:github:pull-request', { repoUrl, branchName: 'b', title: 't', description: 'd', targetPath: '../../etc' })).rejects.toThrow(/goes up with "\.\."/);
    expect(github.requests).toEqual([]);
  });
});

describe('github:issues:label, github:actions:dispatch and github:webhook', () => {
  it('label an issue, dispatch a workflow and create a webhook on the repository', async () => {
    await run('github:issues:label', { repoUrl, number: 7, labels: ['scaffolded', 'team-a'] });
    await run('github:actions:dispatch', { repoUrl, workflowId: 'ci.yml', branchOrTagName: 'main', workflowInputs: { env: 'staging' } });
    const webhook = await run('github:webhook', { repoUrl, webhookUrl: 'https://hooks.example.com/in', webhookSecret: 's3cret', events: ['push'], contentType: 'json' });
    expect(github.extras('acme', repoName())).toEqual({
      labels: { 7: ['scaffolded', 'team-a'] },
      dispatches: [{ workflow: 'ci.yml', ref: 'main', inputs: { env: 'staging' } }],
      hooks: [{ config: { url: 'https://hooks.example.com/in', content_type: 'json', secret: 's3cret', insecure_ssl: '0' }, events: ['push'], active: true }],
    });
    expect(webhook.log.join('\n')).not.toContain('s3cret');
  });

  it('fails a dispatch GitHub refuses, naming what GitHub said', async () => {
    github.failNext(422);
    await expect(run('github:actions:dispatch', { repoUrl, workflowId: 'ci.yml', branchOrTagName: 'nope' })).rejects.toThrow(/GitHub answered 422 when dispatching the workflow ci\.yml .*Fake failure 422/);
  });
});

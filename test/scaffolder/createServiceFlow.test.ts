import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { WebClient } from '@slack/web-api';
import { CREATE_SERVICE, fieldBlockId } from '../../commands/createService.blocks';
import { createServiceFlow, type ViewStateValues } from '../../commands/createService';
import { ingest } from '../../src/catalog/ingest';
import { PgCatalogStore } from '../../src/catalog/PgCatalogStore';
import { createLogger, silentLogger, type Logger } from '../../src/logger';
import { composeScaffolder, createGitHubWriter } from '../../src/scaffolder/compose';
import { PgTaskStore } from '../../src/scaffolder/PgTaskStore';
import { GitHubRateLimitError } from '../../src/sources/github/client';
import { PgGitHubCacheStore } from '../../src/sources/github/PgGitHubCacheStore';
import { createSlackProgressMessenger } from '../../src/slack/progressMessages';
import { encodePrivateMetadata } from '../../commands/blockKit/privateMetadata';
import { startFakeGitHub, type FakeGitHub } from '../support/fakeGithub';
import { expectNoViolations, startFakeSlack, type FakeSlack } from '../support/fakeSlack';
import { useTestDatabase } from '../support/testDatabase';
import { minimalTemplate } from './templateFixtures';

const db = useTestDatabase();
const TOKEN = 'ghp_backline_test';
const REQUESTER = 'U0REQUESTER';
let scratch: string;
let slack: FakeSlack;
/** A GitHub that answers, but only after longer than Slack lets a form submission wait. */
let slowGitHub: FakeGitHub;
let github: FakeGitHub;

const TEMPLATE = minimalTemplate('one-page', { action: 'publish:github' });

beforeAll(async () => {
  scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'backline-create-service-flow-'));
  const dir = path.join(scratch, 'templates', 'one-page');
  await fs.mkdir(path.join(dir, 'skeleton'), { recursive: true });
  await fs.writeFile(path.join(dir, 'template.yaml'), TEMPLATE);
  await fs.writeFile(path.join(dir, 'skeleton', 'README.md'), '# ${{ values.name }}\n');
  slack = await startFakeSlack();
  github = await startFakeGitHub();
  slowGitHub = await startFakeGitHub({ latencyMs: 20_000 });
  slowGitHub.addOrg('acme');
  slowGitHub.addRepo('acme', 'taken', { files: { 'README.md': 'mine' } });
});

afterAll(async () => {
  await slack.close();
  await github.close();
  await slowGitHub.close();
  await fs.rm(scratch, { recursive: true, force: true });
});

afterEach(() => {
  expectNoViolations(slack);
  slack.reset();
});

function flow(options: { github?: FakeGitHub; logger?: Logger } = {}) {
  const catalog = PgCatalogStore.create({ pool: db().pool });
  const scaffolder = composeScaffolder({
    settings: { templatesDir: path.join(scratch, 'templates'), localReposDir: path.join(scratch, 'repositories'), allowedGroups: [] },
    store: PgTaskStore.create({ pool: db().pool }),
    catalog,
    ingest: (root) => ingest([root], { store: catalog, maxBytes: 64 * 1024 }),
    ...(options.github && { github: { api: createGitHubWriter({ apiUrl: options.github.url, auth: { kind: 'token', token: TOKEN }, cache: PgGitHubCacheStore.create({ pool: db().pool }) }), webUrl: options.github.web } }),
    logger: options.logger ?? silentLogger,
  });
  const client = new WebClient('xoxb-create-service-flow', { slackApiUrl: slack.url, retryConfig: { retries: 0 } });
  const host = options.github ? new URL(options.github.web).host : 'github.com';
  return createServiceFlow({ scaffolder, catalog, messenger: createSlackProgressMessenger(client), repoTarget: { host, orgs: ['acme'] } });
}

/** The template's only page, submitted with `name` and the repository acme/`repo`. */
const lastPage = (name: string, repo: string) => {
  const values: ViewStateValues = {
    [fieldBlockId('name')]: { value: { type: 'plain_text_input', value: name } },
    [fieldBlockId('repoUrl', 'owner')]: { value: { type: 'static_select', selected_option: { value: 'acme' } } },
    [fieldBlockId('repoUrl', 'repo')]: { value: { type: 'plain_text_input', value: repo } },
  };
  return { callbackId: CREATE_SERVICE.pageCallback, privateMetadata: encodePrivateMetadata({ t: 'one-page', p: 0, v: {} }), values, userId: REQUESTER };
};

describe('submitting the last page of /create-service', () => {
  it("answers without the repository check when GitHub is slower than Slack's 3 s allows, leaving an existing name to publishing", async () => {
    const answer = await flow({ github: slowGitHub }).submit(lastPage('slow-check', 'taken'));
    expect(answer).toEqual({ action: 'clear', followUp: expect.any(Function) });
  });

  it('fails a rate-limited GitHub request at once instead of waiting for the limit to reset', async () => {
    github.secondaryRateLimit(40);
    const writer = createGitHubWriter({ apiUrl: github.url, auth: { kind: 'token', token: TOKEN }, cache: PgGitHubCacheStore.create({ pool: db().pool }) });
    await expect(writer.request({ method: 'GET', path: '/repos/acme/anything', owner: 'acme' })).rejects.toThrow(GitHubRateLimitError);
  });

  it('still runs the task when Slack refuses the progress message, and logs why', async () => {
    const lines: string[] = [];
    slack.failNext('chat.postMessage', 'channel_not_found');
    const answer = await flow({ logger: createLogger({ write: (line) => lines.push(line) }) }).submit(lastPage('no-message', 'no-message'));
    if (answer?.action !== 'clear') throw new Error(`expected the modal to close, got ${JSON.stringify(answer)}`);
    await answer.followUp!();
    const { rows } = await db().pool.query(`SELECT status, progress_message FROM scaffolder_tasks WHERE parameters ->> 'name' = 'no-message'`);
    expect(rows).toEqual([{ status: 'completed', progress_message: null }]);
    const warning = lines.map((line) => JSON.parse(line) as Record<string, unknown>).find((line) => line.msg === 'could not post the progress message; running the task without one');
    expect(warning).toMatchObject({ level: 'warn', command: '/create-service', userId: REQUESTER, error: { message: expect.stringContaining('channel_not_found') } });
  });
});

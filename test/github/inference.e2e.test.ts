import { createHmac } from 'node:crypto';
import { silentLogger } from '../../src/logger';
import { startServer, type RunningServer } from '../../src/serve/server';
import { component, docs } from '../support/catalogFiles';
import { startFakeGitHub, type FakeGitHub } from '../support/fakeGithub';
import { startFakeSlack, type FakeSlack } from '../support/fakeSlack';
import { freePort } from '../support/net';
import { postSignedToSlackEndpoint, slashCommandBody } from '../support/slackSigning';
import { useTestDatabase } from '../support/testDatabase';
import { resetCatalog, serveConfig } from './helpers';

const SECRET = 'github-webhook-secret';
const SIGNING_SECRET = 'e2e-signing-secret-0123456789';
const db = useTestDatabase();
let github: FakeGitHub;
let slack: FakeSlack;
let server: RunningServer;
let base: string;

/**
 * `serve` pointed at an organisation with no catalog YAML: each repository answers `/whoowns` on
 * the team its CODEOWNERS or team permissions name, and catalog files and CODEOWNERS pushed later
 * change the answer through the webhook.
 */
beforeAll(async () => {
  await resetCatalog(db());
  github = await startFakeGitHub();
  github.addTeam('acme', { slug: 'payments', name: 'Payments', members: ['ana'] });
  github.addTeam('acme', { slug: 'risk', name: 'Risk Engineering', members: ['raj'] });
  github.addUser({ login: 'ana', name: 'Ana Lima' });
  github.addUser({ login: 'raj', name: 'Raj Patel' });
  github.addRepo('acme', 'payments-api', { description: 'Takes payments', files: { '.github/CODEOWNERS': '* @acme/payments\n' } });
  github.addRepo('acme', 'fraud-scores', { files: { 'docs/CODEOWNERS': '* @acme/risk\n' } });
  github.addRepo('acme', 'ledger', { files: { 'README.md': '# ledger' }, teams: { risk: 'admin', payments: 'push' } });
  github.addRepo('acme', 'old-ledger', { archived: true, files: { CODEOWNERS: '* @acme/risk\n' } });
  github.addRepo('acme', 'lonely', { files: { 'README.md': '# lonely' } });
  github.addRepo('acme', 'solo', { files: { CODEOWNERS: '* @nobody-here\n' } });
  slack = await startFakeSlack();
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  server = await startServer(serveConfig({ db: db(), github, slackUrl: slack.url, port }, { GITHUB_WEBHOOK_SECRET: SECRET }), { logger: silentLogger });
  await server.healthEvaluatedAtStart;
  await server.github!.idle();
});

afterAll(async () => {
  await server.stop();
  await github.close();
  await slack.close();
});

async function whoowns(text: string): Promise<string> {
  const answer = await postSignedToSlackEndpoint(`${base}/slack/events`, SIGNING_SECRET, slashCommandBody({ command: '/whoowns', text }));
  expect(answer.status).toBe(200);
  return JSON.stringify(answer.json);
}

async function deliver(event: string, payload: unknown): Promise<void> {
  const body = JSON.stringify(payload);
  const response = await fetch(`${base}/github/webhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-github-event': event, 'x-github-delivery': `d-${Math.random()}`, 'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}` },
    body,
  });
  expect(response.status).toBe(202);
  await server.github!.idle();
}

const push = (name: string, files: string[]) => ({ ref: 'refs/heads/main', repository: { name, full_name: `acme/${name}`, default_branch: 'main', owner: { login: 'acme' } }, commits: [{ id: 'c1', added: files, modified: [], removed: [] }] });

describe('/whoowns for an organisation without catalog files', () => {
  it('answers for every inferred repository with the team its CODEOWNERS names, in whichever place GitHub reads it from', async () => {
    expect(await whoowns('payments-api')).toContain('Payments');
    expect(await whoowns('acme/payments-api')).toContain('Ana Lima');
    expect(await whoowns('fraud-scores')).toContain('Risk Engineering');
  });

  it('answers with the team that administers a repository without CODEOWNERS', async () => {
    expect(await whoowns('ledger')).toContain('Risk Engineering');
  });

  it('warns when nobody is known to own a repository, and says why', async () => {
    const card = await whoowns('lonely');
    expect(card).toContain('Nobody is known to own component:default/lonely: acme/lonely: it has no CODEOWNERS file, and no single team has admin or maintain permission.');
  });

  it('warns that a person owns a repository whose CODEOWNERS names only people, even one the catalog does not know', async () => {
    const card = await whoowns('solo');
    expect(card).toContain('is owned by an individual (user:default/nobody-here) rather than a team');
  });

  it('does not answer for an archived repository', async () => {
    expect(await whoowns('old-ledger')).not.toContain('Risk Engineering');
  });

  it('follows a push to CODEOWNERS', async () => {
    github.setFile('acme', 'ledger', 'CODEOWNERS', '* @acme/payments\n');
    await deliver('push', push('ledger', ['CODEOWNERS']));
    expect(await whoowns('ledger')).toContain('Payments');
  });

  it('switches to the declared entity when a catalog file is pushed', async () => {
    github.setFile('acme', 'payments-api', 'catalog-info.yaml', docs(component('payments-api', { owner: 'risk', title: 'Payments API (declared)' })));
    await deliver('push', push('payments-api', ['catalog-info.yaml']));
    const card = await whoowns('payments-api');
    expect(card).toContain('Payments API (declared)');
    expect(card).toContain('Risk Engineering');
  });
});

import { createHmac } from 'node:crypto';
import { PgCatalogStore } from '../../src/catalog/PgCatalogStore';
import { silentLogger } from '../../src/logger';
import { startServer, type RunningServer } from '../../src/serve/server';
import { component, docs } from '../support/catalogFiles';
import { startFakeGitHub, type FakeGitHub } from '../support/fakeGithub';
import { startFakeSlack, type FakeSlack } from '../support/fakeSlack';
import { uploadSlowly } from '../support/slowUpload';
import { freePort } from '../support/net';
import { useTestDatabase } from '../support/testDatabase';
import { refs, resetCatalog, serveConfig } from './helpers';

const SECRET = 'github-webhook-secret';
const MAX_BYTES = 64 * 1024;
const db = useTestDatabase();
let github: FakeGitHub;
let slack: FakeSlack;
let server: RunningServer;
let webhook: string;


beforeAll(async () => {
  await resetCatalog(db());
  github = await startFakeGitHub();
  github.addRepo('acme', 'billing', { files: { 'catalog-info.yaml': docs(component('billing', { owner: 'payments' })) } });
  github.addRepo('acme', 'ledger', { files: { 'catalog-info.yaml': docs(component('ledger')) } });
  github.addRepo('acme', 'search', { files: { 'catalog-info.yaml': docs(component('search')) } });
  slack = await startFakeSlack();
  const port = await freePort();
  webhook = `http://127.0.0.1:${port}/github/webhook`;
  const config = serveConfig({ db: db(), github, slackUrl: slack.url, port }, { GITHUB_WEBHOOK_SECRET: SECRET, BACKLINE_GITHUB_WEBHOOK_MAX_BYTES: String(MAX_BYTES), BACKLINE_GITHUB_WEBHOOK_CONCURRENCY: '2' });
  server = await startServer(config, { logger: silentLogger });
  // serve evaluates health at start, asking the same providers: let that settle before the tests set up theirs.
  await server.healthEvaluatedAtStart;
  await server.github!.idle();
  // The checks at start ask GitHub too; the tests count requests from here on.
  await server.checkedAtStart;
});

afterAll(async () => {
  await server.stop();
  await github.close();
  await slack.close();
});

const sign = (body: string, secret = SECRET) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

async function deliver(event: string, payload: unknown, options: { signature?: string | null; raw?: string } = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  const body = options.raw ?? JSON.stringify(payload);
  const signature = options.signature === undefined ? sign(body) : options.signature;
  const response = await fetch(webhook, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-github-event': event, 'x-github-delivery': `d-${Math.random()}`, ...(signature !== null && { 'x-hub-signature-256': signature }) },
    body,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const repository = (name: string) => ({ name, full_name: `acme/${name}`, default_branch: 'main', owner: { login: 'acme', name: 'acme' } });
const push = (name: string, files: string[], ref = 'refs/heads/main') => ({ ref, repository: repository(name), commits: [{ id: 'c1', added: [], modified: files, removed: [] }] });

/** Polls until `check` passes, failing after `ms`: the refresh runs after the answer. */
async function within(ms: number, check: () => Promise<void>): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

const ownerOf = async (name: string) => ((await PgCatalogStore.create({ pool: db().pool }).getByRef(`component:default/${name}`))?.entity.spec as { owner?: string } | undefined)?.owner;

describe('POST /github/webhook', () => {
  it('has the organisation in the catalog from the pass at start', async () => {
    expect(await refs(db())).toEqual(['component:default/billing', 'component:default/ledger', 'component:default/search']);
  });

  it('refreshes a repository within seconds of a push to its default branch that touches the catalog file', async () => {
    github.setFile('acme', 'billing', 'catalog-info.yaml', docs(component('billing', { owner: 'team-b' })));
    const answer = await deliver('push', push('billing', ['catalog-info.yaml']));
    expect(answer).toEqual({ status: 202, body: { status: 'refreshing', repository: 'acme/billing' } });
    await within(5000, async () => expect(await ownerOf('billing')).toBe('team-b'));
  });

  it('ignores a push that does not touch the catalog file, and a push to another branch', async () => {
    github.resetRecords();
    expect(await deliver('push', push('ledger', ['src/index.ts']))).toEqual({ status: 202, body: { status: 'ignored', reason: 'the push to acme/ledger does not touch catalog-info.yaml or .github/CODEOWNERS or CODEOWNERS or docs/CODEOWNERS' } });
    expect(await deliver('push', push('ledger', ['catalog-info.yaml'], 'refs/heads/feature'))).toEqual({ status: 202, body: { status: 'ignored', reason: 'a push to refs/heads/feature, not to the default branch of acme/ledger' } });
    await server.github!.idle();
    expect(github.requests).toEqual([]);
  });

  it('removes the entities of a repository that was deleted, and of one that was archived', async () => {
    github.deleteRepo('acme', 'ledger');
    expect((await deliver('repository', { action: 'deleted', repository: repository('ledger') })).status).toBe(202);
    await within(5000, async () => expect(await refs(db())).toEqual(['component:default/billing', 'component:default/search']));

    github.archiveRepo('acme', 'search');
    expect((await deliver('repository', { action: 'archived', repository: repository('search') })).status).toBe(202);
    await within(5000, async () => expect(await refs(db())).toEqual(['component:default/billing']));
  });

  it('follows a renamed repository to its new name', async () => {
    github.deleteRepo('acme', 'billing');
    github.addRepo('acme', 'billing-service', { files: { 'catalog-info.yaml': docs(component('billing', { owner: 'team-b' })) } });
    expect((await deliver('repository', { action: 'renamed', changes: { repository: { name: { from: 'billing' } } }, repository: repository('billing-service') })).status).toBe(202);
    await within(5000, async () => {
      const { rows } = await db().pool.query<{ location_key: string }>("SELECT location_key FROM entities WHERE ref_key = 'component:default/billing'");
      expect(rows).toEqual([{ location_key: `url:${github.web}/acme/billing-service/blob/main/catalog-info.yaml` }]);
    });
  });

  it('adds a new repository on its first push, and takes it out when it is transferred to another organisation', async () => {
    github.addRepo('acme', 'radar', { files: { 'catalog-info.yaml': docs(component('radar')) } });
    expect((await deliver('push', push('radar', ['catalog-info.yaml']))).status).toBe(202);
    await within(5000, async () => expect(await refs(db())).toContain('component:default/radar'));

    github.deleteRepo('acme', 'radar');
    github.addRepo('globex', 'radar', { files: { 'catalog-info.yaml': docs(component('radar')) } });
    const moved = { action: 'transferred', changes: { owner: { from: { organization: { login: 'acme' } } } }, repository: { ...repository('radar'), owner: { login: 'globex' } } };
    expect(await deliver('repository', moved)).toEqual({ status: 202, body: { status: 'refreshing', repository: 'globex/radar' } });
    await within(5000, async () => expect(await refs(db())).not.toContain('component:default/radar'));
  });

  it('rejects a delivery without a signature, or signed with another secret, with 401', async () => {
    const payload = push('billing', ['catalog-info.yaml']);
    expect(await deliver('push', payload, { signature: null })).toMatchObject({ status: 401, body: { status: 'rejected', reason: expect.stringContaining('X-Hub-Signature-256 is missing') } });
    expect(await deliver('push', payload, { signature: sign(JSON.stringify(payload), 'another-secret') })).toMatchObject({ status: 401, body: { reason: expect.stringContaining('does not match') } });
    expect(await deliver('push', payload, { signature: 'sha256=abc' })).toMatchObject({ status: 401 });
    expect(await deliver('push', payload, { signature: 'sha1=0123456789abcdef0123456789abcdef01234567' })).toMatchObject({ status: 401 });
  });

  it('answers a signed delivery that is not JSON with 400', async () => {
    expect(await deliver('push', undefined, { raw: '{"ref": "refs/heads/main", ' })).toEqual({ status: 400, body: { status: 'rejected', reason: 'the body is not a JSON webhook payload' } });
  });

  it('answers other events with 202 and does nothing, and a ping with 200', async () => {
    github.resetRecords();
    expect(await deliver('issues', { action: 'opened', repository: repository('billing') })).toEqual({ status: 202, body: { status: 'ignored', reason: 'issues event' } });
    expect(await deliver('repository', { action: 'publicized', repository: repository('billing') })).toEqual({ status: 202, body: { status: 'ignored', reason: 'repository publicized' } });
    expect(await deliver('push', { ...push('radar', ['catalog-info.yaml']), repository: { ...repository('radar'), owner: { login: 'globex' } } })).toEqual({ status: 202, body: { status: 'ignored', reason: 'globex is not one of the organisations in BACKLINE_GITHUB_ORGS' } });
    expect(await deliver('ping', { zen: 'Keep it logically awesome.', hook_id: 1 })).toEqual({ status: 200, body: { status: 'pong' } });
    await server.github!.idle();
    expect(github.requests).toEqual([]);
  });
});

describe('POST /github/webhook under attack', () => {
  const LARGE = 24 * 1024 * 1024;
  const headers = (signature?: string) => ({ 'content-type': 'application/json', 'x-github-event': 'push', ...(signature && { 'x-hub-signature-256': signature }) });

  it('refuses eight unsigned 24 MB deliveries at once with 401, each before its body is read', async () => {
    const outcomes = await Promise.all(Array.from({ length: 8 }, () => uploadSlowly(webhook, { headers: headers(), totalBytes: LARGE }).done));
    expect(outcomes.map((outcome) => outcome.status)).toEqual(Array(8).fill(401));
    for (const outcome of outcomes) expect(outcome.sentBytes).toBeLessThan(LARGE / 8);
  });

  it('refuses a body over BACKLINE_GITHUB_WEBHOOK_MAX_BYTES with 413, signed or not, as soon as it passes the cap', async () => {
    const declared = await uploadSlowly(webhook, { headers: headers(sign('anything')), totalBytes: LARGE }).done;
    expect(declared).toMatchObject({ status: 413, body: JSON.stringify({ status: 'rejected', reason: `the body is over ${MAX_BYTES} bytes (BACKLINE_GITHUB_WEBHOOK_MAX_BYTES)` }) });
    const streamed = await uploadSlowly(webhook, { headers: headers(sign('anything')), totalBytes: LARGE, declareLength: false }).done;
    expect(streamed.status).toBe(413);
    expect(streamed.sentBytes).toBeLessThan(LARGE / 8);
  });

  it('answers 503 with Retry-After while BACKLINE_GITHUB_WEBHOOK_CONCURRENCY bodies are being received, and still refreshes on a signed push after', async () => {
    const held = [1, 2].map(() => uploadSlowly(webhook, { headers: headers(sign('anything')), totalBytes: 10_000, hold: 100 }));
    try {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const refused = await fetch(webhook, { method: 'POST', headers: headers(sign('{}')), body: '{}' });
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('5');
    } finally {
      held.forEach((upload) => upload.abort());
    }
    await new Promise((resolve) => setTimeout(resolve, 100));

    github.addRepo('acme', 'payroll', { files: { 'catalog-info.yaml': docs(component('payroll', { owner: 'team-c' })) } });
    expect(await deliver('push', push('payroll', ['catalog-info.yaml']))).toEqual({ status: 202, body: { status: 'refreshing', repository: 'acme/payroll' } });
    await within(5000, async () => expect(await ownerOf('payroll')).toBe('team-c'));
  });

  it('reads an edited repository again, since inference takes its description and topics', async () => {
    expect(await deliver('repository', { action: 'edited', repository: repository('billing') })).toEqual({ status: 202, body: { status: 'refreshing', repository: 'acme/billing' } });
    await server.github!.idle();
  });
});

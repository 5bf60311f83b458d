import { PgCatalogStore } from '../../src/catalog/PgCatalogStore';
import { component, docs } from '../support/catalogFiles';
import { startFakeGitHub, type FakeGitHub } from '../support/fakeGithub';
import { useTestDatabase } from '../support/testDatabase';
import { connect, fakeClock, pass, refs, resetCatalog } from './helpers';

const db = useTestDatabase();
let github: FakeGitHub;
let clock: ReturnType<typeof fakeClock>;
let store: PgCatalogStore;

beforeEach(async () => {
  await resetCatalog(db());
  store = PgCatalogStore.create({ pool: db().pool });
  clock = fakeClock();
  github = await startFakeGitHub({ now: clock.now });
  for (const repo of ['billing', 'ledger', 'search']) github.addRepo('acme', repo, { files: { 'catalog-info.yaml': docs(component(repo)) } });
});
afterEach(() => github.close());

const withClock = (maxRateLimitWaitMs = 15 * 60_000, concurrency = 8) => connect(github, db(), { clock, maxRateLimitWaitMs, concurrency });
const statuses = () => github.requests.map((r) => r.status);

describe('GitHub rate limits', () => {
  it('waits until x-ratelimit-reset when the rate limit is used up, then carries on', async () => {
    github.exhaustRateLimit(120);
    const integration = withClock();
    const report = await pass(integration, store, ['acme']);
    expect(report.errors).toEqual([]);
    expect(await refs(db())).toEqual(['component:default/billing', 'component:default/ledger', 'component:default/search']);
    // Two minutes to the reset, and a second of margin for GitHub's whole-second reset times.
    expect(clock.sleeps).toEqual([121_000]);
    expect(statuses()[0]).toBe(403);
    expect(integration.client.stats).toMatchObject({ rateLimitWaits: 1, waitedMs: 121_000 });
  });

  it('sends nothing more until the reset once a response says no requests remain', async () => {
    github.limitRemaining(2, 300);
    // One request at a time, so that none is already on its way when the last allowed one answers.
    const report = await pass(withClock(15 * 60_000, 1), store, ['acme']);
    expect(report.errors).toEqual([]);
    expect(await refs(db())).toHaveLength(3);
    // The second answer said x-ratelimit-remaining: 0; nothing was sent until the reset, so GitHub never refused.
    expect(statuses()).not.toContain(403);
    expect(clock.sleeps).toHaveLength(1);
    expect(clock.sleeps[0]).toBeGreaterThanOrEqual(300_000);
  });

  it('stops and says until when, keeping the catalog as it was, when the reset is further away than the allowed wait', async () => {
    await pass(withClock(), store, ['acme']);
    github.setFile('acme', 'billing', 'catalog-info.yaml', docs(component('billing', { owner: 'team-b' })));
    github.resetRecords();
    github.exhaustRateLimit(2 * 3600, 10);

    const report = await pass(withClock(10 * 60_000), store, ['acme']);
    expect(report.errors).toEqual([
      expect.objectContaining({
        kind: 'read',
        message: expect.stringMatching(/^Reading the repositories of acme: GitHub's rate limit stops reading at GET \/orgs\/acme\/repos: the rate limit \(x-ratelimit-reset\) resets at \S+Z, in 121 minutes, longer than the 10 minutes BACKLINE_GITHUB_MAX_RATE_LIMIT_WAIT allows\. Entities already in the catalog are kept/),
      }),
    ]);
    expect(clock.sleeps).toEqual([]);
    expect(github.requests).toHaveLength(1);
    expect(await refs(db())).toEqual(['component:default/billing', 'component:default/ledger', 'component:default/search']);
    expect((await store.getByRef('component:default/billing'))?.entity.spec).toMatchObject({ owner: 'team-a' });
  });

  it('honours retry-after on a secondary rate limit', async () => {
    github.secondaryRateLimit(30, 2);
    const report = await pass(withClock(), store, ['acme']);
    expect(report.errors).toEqual([]);
    expect(clock.sleeps).toEqual([30_000, 30_000]);
    expect(statuses().slice(0, 3)).toEqual([403, 403, 200]);
  });

  it('retries a server error with backoff, and names the request when GitHub keeps failing', async () => {
    github.failNext(502);
    expect((await pass(withClock(), store, ['acme'])).errors).toEqual([]);
    expect(clock.sleeps).toEqual([1000]);

    await resetCatalog(db());
    github.failNext(502, 3);
    const report = await pass(withClock(), store, ['acme']);
    expect(report.errors.map((problem) => problem.message)).toEqual(['Reading the repositories of acme: GitHub answered 502 to GET /orgs/acme/repos: Fake failure 502']);
    expect(clock.sleeps).toEqual([1000, 1000, 2000]);
  });

  it('fails one repository that GitHub refuses, keeping its entities, and reads the others', async () => {
    await pass(withClock(), store, ['acme']);
    for (const repo of ['billing', 'ledger']) github.setFile('acme', repo, 'catalog-info.yaml', docs(component(repo, { owner: 'team-b' })));
    github.refuse('/repos/acme/billing/contents/catalog-info.yaml', 403);
    const integration = withClock();
    const report = await pass(integration, store, ['acme']);
    expect(report.errors).toEqual([expect.objectContaining({ file: `${github.web}/acme/billing/blob/main/catalog-info.yaml`, message: expect.stringContaining('GitHub refused GET /repos/acme/billing/contents/catalog-info.yaml (403): Resource not accessible by integration') })]);
    expect((await store.getByRef('component:default/billing'))?.entity.spec).toMatchObject({ owner: 'team-a' });
    expect((await store.getByRef('component:default/ledger'))?.entity.spec).toMatchObject({ owner: 'team-b' });
  });
});

import nock from 'nock';
import { ingest, rootFromPath } from '../../src/catalog/ingest';
import { PgCatalogStore } from '../../src/catalog/PgCatalogStore';
import { createOpsgenieProvider } from '../../src/oncall/opsgenie';
import { createPagerDutyProvider } from '../../src/oncall/pagerduty';
import { PgOnCallCacheStore } from '../../src/oncall/PgOnCallCacheStore';
import { createOnCallResolver, type OnCallResolverOptions } from '../../src/oncall/resolve';
import { DEMO_CATALOG } from '../../src/paths';
import { CatalogFolder, component, docs, group, user } from '../support/catalogFiles';
import { useTestDatabase } from '../support/testDatabase';
import { OPSGENIE, OPSGENIE_KEY, PAGERDUTY, PD_TOKEN, opsgenieTeam, pagerDutyService } from './providerFakes';

const db = useTestDatabase();
let catalog: PgCatalogStore;
let clock: number;
const NOW = Date.parse('2026-05-06T12:00:00Z');

beforeAll(async () => {
  catalog = PgCatalogStore.create({ pool: db().pool });
  const report = await ingest([await rootFromPath(DEMO_CATALOG)], { store: catalog, maxBytes: 1024 * 1024 });
  expect(report.errors).toEqual([]);
});

beforeEach(async () => {
  clock = NOW;
  await db().pool.query('DELETE FROM oncall_cache');
});

afterEach(() => {
  const pending = nock.pendingMocks();
  // Replies a test left delayed (a provider slower than the timeout) must not keep jest waiting.
  nock.abortPendingRequests();
  nock.cleanAll();
  expect(pending).toEqual([]);
});

function resolver(overrides: Partial<OnCallResolverOptions> = {}) {
  return createOnCallResolver({
    catalog,
    providers: [createPagerDutyProvider({ token: PD_TOKEN, apiUrl: PAGERDUTY }), createOpsgenieProvider({ apiKey: OPSGENIE_KEY, apiUrl: OPSGENIE })],
    cache: PgOnCallCacheStore.create({ pool: db().pool }),
    now: () => clock,
    // Generous, so that a loaded machine never turns a quick fake answer into a timeout; the
    // timeout test sets its own.
    timeoutMs: 10_000,
    ...overrides,
  });
}

const entity = async (ref: string) => (await catalog.getByRef(ref))!;

const payments = [
  { level: 2, name: 'Marcus Webb', email: 'marcus.webb@northwind.example', start: null, end: null },
  { level: 1, name: 'Ben Okafor', email: 'ben.okafor@northwind.example', start: '2026-05-04T09:00:00Z', end: '2026-05-11T09:00:00Z' },
  { level: 1, name: 'Ana Silva', email: 'ana.silva@northwind.example', start: '2026-05-11T09:00:00Z', end: '2026-05-18T09:00:00Z' },
];

describe('PagerDuty on-call', () => {
  it('puts the level-1 person first, with their shift end, a Slack mention and who is next', async () => {
    pagerDutyService(payments);
    const answer = await resolver().resolve(await entity('component:default/payments-service'));
    expect(answer).toMatchObject({ source: 'pagerduty', label: 'service Payments API', servedFrom: 'provider', warnings: [], pageUrl: 'https://northwind.pagerduty.com/service-directory/PQ7K2ZL' });
    expect(answer.origin).toEqual({ ref: 'component:default/payments-service', displayName: 'Payments Service', relation: 'itself' });
    expect(answer.oncall).toEqual([
      { name: 'Ben Okafor', email: 'ben.okafor@northwind.example', userRef: 'user:default/ben.okafor', slackUserId: 'U04BOKAFOR1', level: 1, from: Date.parse('2026-05-04T09:00:00Z'), until: Date.parse('2026-05-11T09:00:00Z') },
      { name: 'Marcus Webb', email: 'marcus.webb@northwind.example', userRef: 'user:default/marcus.webb', slackUserId: 'U02MWEBB001', level: 2, from: null, until: null },
    ]);
    expect(answer.next.map((person) => [person.name, person.from])).toEqual([['Ana Silva', Date.parse('2026-05-11T09:00:00Z')]]);
  });

  it('answers from the Postgres cache for 60 s, then asks again', async () => {
    pagerDutyService(payments);
    const first = await resolver().resolve(await entity('component:default/payments-service'));
    expect(first.servedFrom).toBe('provider');
    clock += 59_000;
    const cached = await resolver().resolve(await entity('component:default/payments-service'));
    expect(cached).toMatchObject({ servedFrom: 'cache', warnings: [] });
    expect(cached.oncall[0]!.name).toBe('Ben Okafor');
    clock += 2_000;
    pagerDutyService(payments);
    expect((await resolver().resolve(await entity('component:default/payments-service'))).servedFrom).toBe('provider');
  });

  it('shares one provider call between concurrent requests', async () => {
    pagerDutyService(payments);
    const shared = resolver();
    const answers = await Promise.all(Array.from({ length: 5 }, async () => shared.resolve(await entity('component:default/payments-service'))));
    expect(answers.map((answer) => answer.oncall[0]?.name)).toEqual(Array(5).fill('Ben Okafor'));
  });

  it.each([
    [401, { error: { message: 'Unauthorized' } }, 'PagerDuty rejected PAGERDUTY_TOKEN (401): check the key, and that it may read schedules.'],
    [404, { error: { message: 'Not Found' } }, 'PagerDuty has no service PQ7K2ZL: check the pagerduty.com/service-id annotation.'],
    [503, 'upstream down', 'PagerDuty answered 503 Service Unavailable.'],
  ])('turns a %i into a warning, never a failure', async (status, body, warning) => {
    nock(PAGERDUTY).get('/services/PQ7K2ZL').reply(status, body);
    const answer = await resolver().resolve(await entity('component:default/payments-service'));
    expect(answer).toMatchObject({ source: 'pagerduty', oncall: [], next: [], servedFrom: null, warnings: [warning] });
  });

  it('says how long to wait when rate limited, and when the answer is not JSON', async () => {
    nock(PAGERDUTY).get('/services/PQ7K2ZL').reply(429, {}, { 'Retry-After': '30' });
    expect((await resolver().resolve(await entity('component:default/payments-service'))).warnings).toEqual(['PagerDuty is rate-limiting Backline (429); it asks to wait 30 s.']);
    nock(PAGERDUTY).get('/services/PQ7K2ZL').reply(200, '<html>maintenance</html>', { 'Content-Type': 'text/html' });
    expect((await resolver().resolve(await entity('component:default/payments-service'))).warnings).toEqual(['PagerDuty answered with something that is not JSON.']);
  });

  it('gives up after the timeout and serves its last answer with a warning', async () => {
    pagerDutyService(payments);
    await resolver().resolve(await entity('component:default/payments-service'));
    clock += 5 * 60_000;
    nock(PAGERDUTY).get('/services/PQ7K2ZL').delay(10_000).reply(200, {});
    const answer = await resolver({ timeoutMs: 200 }).resolve(await entity('component:default/payments-service'));
    expect(answer.servedFrom).toBe('stale');
    expect(answer.warnings).toEqual(['PagerDuty did not answer in 0.2 s; showing what it said 5 min ago.']);
    expect(answer.oncall[0]!.name).toBe('Ben Okafor');
  });

  it('works out who is on call now from an old answer, when the shift changed since', async () => {
    pagerDutyService(payments);
    await resolver().resolve(await entity('component:default/payments-service'));
    clock = Date.parse('2026-05-12T08:00:00Z');
    nock(PAGERDUTY).get('/services/PQ7K2ZL').reply(502, 'bad gateway');
    const answer = await resolver().resolve(await entity('component:default/payments-service'));
    expect(answer.oncall.map((person) => person.name)).toEqual(['Ana Silva', 'Marcus Webb']);
    expect(answer.warnings).toEqual(['PagerDuty answered 502 Bad Gateway; showing what it said 6 days ago.']);
  });

  it('asks for the escalation policy or schedule an annotation names directly', async () => {
    const folder = new CatalogFolder();
    try {
      folder.write('catalog.yaml', docs(
        group('night-owls').replace('metadata:\n  name: night-owls', 'metadata:\n  name: night-owls\n  annotations:\n    pagerduty.com/escalation-policy-id: PEPOWLS'),
        group('early-birds').replace('metadata:\n  name: early-birds', 'metadata:\n  name: early-birds\n  annotations:\n    pagerduty.com/schedule-id: PSBIRDS'),
      ));
      await ingest([await rootFromPath(folder.path('catalog.yaml'))], { store: catalog, maxBytes: 1024 * 1024 });
      const entry = { level: 1, name: 'Owl', email: 'owl@example.com', start: '2026-05-06T00:00:00Z', end: '2026-05-07T00:00:00Z' };
      nock(PAGERDUTY).get('/oncalls').query((q) => q['escalation_policy_ids[]'] === 'PEPOWLS').reply(200, { oncalls: [{ ...entry, escalation_level: 1, user: { name: 'Owl', email: 'owl@example.com' }, escalation_policy: { summary: 'Owls', html_url: 'https://x.pagerduty.com/escalation_policies/PEPOWLS' } }] });
      nock(PAGERDUTY).get('/oncalls').query((q) => q['schedule_ids[]'] === 'PSBIRDS').reply(200, { oncalls: [{ ...entry, escalation_level: 1, user: { name: 'Bird', email: 'bird@example.com' }, schedule: { summary: 'Birds' } }] });
      const owls = await resolver().resolve(await entity('group:default/night-owls'));
      expect(owls).toMatchObject({ label: 'escalation policy Owls', pageUrl: 'https://x.pagerduty.com/escalation_policies/PEPOWLS', oncall: [{ name: 'Owl', userRef: null }] });
      const birds = await resolver().resolve(await entity('group:default/early-birds'));
      expect(birds).toMatchObject({ label: 'schedule Birds', oncall: [{ name: 'Bird' }] });
    } finally {
      folder.dispose();
    }
  });
});

describe('Opsgenie on-call', () => {
  it("reads the team's schedules with the GenieKey header", async () => {
    opsgenieTeam('cloud-infra', [
      { user: 'sofia.lindqvist@northwind.example', start: '2026-05-05T08:00:00Z', end: '2026-05-12T08:00:00Z' },
      { user: 'nobody.known@northwind.example', start: '2026-05-12T08:00:00Z', end: '2026-05-19T08:00:00Z' },
    ]);
    const answer = await resolver().resolve(await entity('group:default/cloud-infra'));
    expect(answer).toMatchObject({ source: 'opsgenie', label: 'team cloud-infra', pageUrl: null, warnings: [] });
    expect(answer.oncall).toEqual([{ name: 'Sofia Lindqvist', email: 'sofia.lindqvist@northwind.example', userRef: 'user:default/sofia.lindqvist', slackUserId: expect.any(String), level: 1, from: Date.parse('2026-05-05T08:00:00Z'), until: Date.parse('2026-05-12T08:00:00Z') }]);
    expect(answer.next).toMatchObject([{ name: 'nobody.known@northwind.example', userRef: null }]);
  });

  it('names the team when Opsgenie has no schedule for it', async () => {
    nock(OPSGENIE).get('/v2/schedules').reply(200, { data: [] });
    expect((await resolver().resolve(await entity('group:default/cloud-infra'))).warnings).toEqual(['Opsgenie has no enabled schedule owned by the team cloud-infra: check the opsgenie.com/team annotation.']);
  });
});

describe('where the on-call setting is found', () => {
  it("uses the owner team's annotation for a service without one, and says so", async () => {
    pagerDutyService(payments);
    const answer = await resolver().resolve(await entity('api:default/payments-api'));
    expect(answer.origin).toEqual({ ref: 'group:default/payments', displayName: 'Payments', relation: 'owner' });
  });

  it("uses a Rotation owned by the owner team, evaluated in the catalog", async () => {
    clock = Date.parse('2026-01-12T09:30:00Z');
    const answer = await resolver().resolve(await entity('group:default/risk'));
    expect(answer).toMatchObject({ source: 'rotation', label: 'Risk primary on-call', servedFrom: 'catalog', origin: { ref: 'group:default/risk', relation: 'itself' }, warnings: [] });
    expect(answer.oncall).toEqual([{ name: 'Elena Petrova', email: 'elena.petrova@northwind.example', userRef: 'user:default/elena.petrova', slackUserId: null, level: 1, from: null, until: Date.parse('2026-01-19T09:00:00Z') }]);
    expect(answer.next.map((person) => person.name)).toEqual(['Jonas Weber']);
  });

  it("falls back to the parent team's setting, and says it came from the parent", async () => {
    const folder = new CatalogFolder();
    try {
      folder.write('catalog.yaml', docs(
        group('dept').replace('metadata:\n  name: dept', 'metadata:\n  name: dept\n  annotations:\n    opsgenie.com/schedule: dept_schedule'),
        group('squad', { parent: 'dept' }),
        component('squad-service', { owner: 'squad' }),
        user('sam', ['squad']),
      ));
      await ingest([await rootFromPath(folder.path('catalog.yaml'))], { store: catalog, maxBytes: 1024 * 1024 });
      nock(OPSGENIE).get('/v2/schedules/dept_schedule/timeline').query((q) => q.identifierType === 'name').reply(200, { data: { finalTimeline: { rotations: [{ periods: [{ startDate: '2026-05-06T00:00:00Z', endDate: '2026-05-07T00:00:00Z', recipient: { type: 'user', name: 'sam@example.com' } }] }] } } });
      const answer = await resolver().resolve(await entity('component:default/squad-service'));
      expect(answer).toMatchObject({ source: 'opsgenie', origin: { ref: 'group:default/dept', relation: 'parent' }, oncall: [{ name: 'sam', userRef: 'user:default/sam' }] });
    } finally {
      folder.dispose();
    }
  });

  it('says what to set when the provider named in the catalog is not configured', async () => {
    const answer = await resolver({ providers: [] }).resolve(await entity('component:default/payments-service'));
    expect(answer).toMatchObject({ source: 'pagerduty', oncall: [] });
    expect(answer.warnings).toEqual(['On-call for Payments Service is in PagerDuty (pagerduty.com/service-id: PQ7K2ZL), but Backline cannot ask it: set PAGERDUTY_TOKEN (a read-only REST API key).']);
  });

  it('says how to set on-call up when nothing in the chain has any', async () => {
    const answer = await resolver().resolve(await entity('group:default/web'));
    expect(answer).toMatchObject({ source: null, origin: null, oncall: [] });
    expect(answer.warnings[0]).toMatch(/^No on-call is set up for group:default\/web or its team/);
  });
});

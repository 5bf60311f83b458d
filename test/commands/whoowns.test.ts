import { whoOwns } from '../../commands/whoowns';
import { ingest, rootFromPath } from '../../src/catalog/ingest';
import { PgCatalogStore } from '../../src/catalog/PgCatalogStore';
import { DEMO_CATALOG } from '../../src/paths';
import { useTestDatabase } from '../support/testDatabase';

const db = useTestDatabase();
let catalog: PgCatalogStore;

beforeAll(async () => {
  catalog = PgCatalogStore.create({ pool: db().pool });
  const report = await ingest([await rootFromPath(DEMO_CATALOG)], { store: catalog, maxBytes: 1024 * 1024 });
  expect(report.errors).toEqual([]);
});

const ask = (query: string) => whoOwns(query, { catalog });

describe('whoowns over the demo catalog', () => {
  it('finds a service by exact name, whatever the case, and names the owning team with its people and channel', async () => {
    const result = await ask('Payments-Service');
    expect(result.match?.ref).toBe('component:default/payments-service');
    expect(result.matchedBy).toBe('name');
    expect(result.owner).toMatchObject({ ref: 'group:default/payments', found: true, slackChannel: expect.stringMatching(/^C/) });
    expect(result.owner!.members.length).toBeGreaterThan(1);
    expect(result.owner!.members.every((m) => m.ref.startsWith('user:default/'))).toBe(true);
    expect(result.warnings).toEqual([]);
  });

  it('finds an entity by its full ref and by kind:name', async () => {
    expect((await ask('api:default/payments-api')).match?.ref).toBe('api:default/payments-api');
    expect((await ask('API:payments-api')).matchedBy).toBe('ref');
  });

  it('finds an entity by its title', async () => {
    const result = await ask('hosted checkout');
    expect(result.matchedBy).toBe('title');
    expect(result.match?.entity.metadata.title).toBe('Hosted Checkout');
  });

  it('finds a service by its repository slug or GitHub URL', async () => {
    expect((await ask('northwind/card-vault')).matchedBy).toBe('repository');
    const byUrl = await ask('https://github.com/northwind/kyc-service');
    expect(byUrl.matchedBy).toBe('repository');
    expect(byUrl.match?.ref).toBe('component:default/kyc-service');
  });

  it('suggests near misses for a typo instead of guessing', async () => {
    const result = await ask('paymnets-servce');
    expect(result.match).toBeNull();
    expect(result.owner).toBeNull();
    expect(result.suggestions[0]?.ref).toBe('component:default/payments-service');
    expect(result.suggestions.length).toBeLessThanOrEqual(5);
  });

  it('answers nothing and suggests nothing for an empty query or gibberish', async () => {
    expect(await ask('  ')).toMatchObject({ query: '', match: null, suggestions: [] });
    expect(await ask('zzzzqqqxxx')).toMatchObject({ match: null, suggestions: [] });
  });

  it('warns when the owner is not in the catalog', async () => {
    const result = await ask('referral-service');
    expect(result.owner).toMatchObject({ ref: 'group:default/growth-hackers', found: false, members: [] });
    expect(result.warnings).toEqual(['The owner group:default/growth-hackers is not in the catalog: add it, or fix spec.owner of component:default/referral-service.']);
  });

  it('warns when a person rather than a team owns something', async () => {
    const result = await ask('pdf-statements');
    expect(result.owner).toMatchObject({ ref: 'user:default/dmitri.ivanov', kind: 'user' });
    expect(result.warnings[0]).toMatch(/owned by an individual \(user:default\/dmitri\.ivanov\) rather than a team/);
  });

  it('warns about a team without members and names the nearest parent team with people', async () => {
    const result = await ask('payouts-service');
    expect(result.owner).toMatchObject({ ref: 'group:default/payouts', members: [] });
    expect(result.owner!.escalation).toMatchObject({ ref: 'group:default/money-movement' });
    expect(result.owner!.escalation!.members.length).toBeGreaterThan(0);
    expect(result.warnings).toEqual(['The team group:default/payouts has no members in the catalog; group:default/money-movement is the nearest team with people.']);
  });

  it('answers for a team with the team itself, and for a person with their team', async () => {
    expect((await ask('group:payments')).owner?.ref).toBe('group:default/payments');
    const person = await ask('grace.liu');
    expect(person.match?.kind).toBe('user');
    expect(person.owner?.kind).toBe('group');
  });

  it("looks up the team's people in Slack without waiting for on-call to answer", async () => {
    const asked: string[][] = [];
    let slackAsked!: () => void;
    const slackWasAsked = new Promise<void>((resolve) => (slackAsked = resolve));
    const result = await whoOwns('payments-service', {
      catalog,
      directory: {
        accountsByEmail: async (emails) => {
          asked.push(emails);
          slackAsked();
          return new Map(emails.map((email, i) => [email, { slackUserId: `U${i}`, deactivated: false }]));
        },
        emailOfUser: async () => null,
      },
      // On-call answers only once Slack has been asked: a card that waited for it first would hang.
      oncall: {
        resolve: async (entity) => {
          await slackWasAsked;
          return { target: entity.ref, source: null, origin: null, label: null, oncall: [], next: [], pageUrl: null, servedFrom: null, fetchedAt: null, warnings: [], at: 0 };
        },
      },
    });
    expect(asked).toHaveLength(1);
    expect(result.owner!.members.every((member) => member.slackUserId?.startsWith('U'))).toBe(true);
    expect(result.oncall?.target).toBe('component:default/payments-service');
  });
});

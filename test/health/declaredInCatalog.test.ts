import { createCommandSet } from '../../commands';
import { renderDigest } from '../../commands/digest.blocks';
import { gatherDigest } from '../../src/health/digestSources';
import { PgDigestStore } from '../../src/health/PgDigestStore';
import { CatalogFolder } from '../support/catalogFiles';
import { inferredComponent, storeInferred } from '../support/inferredFixtures';
import { useTestDatabase } from '../support/testDatabase';
import { healthOver, ingestCatalog } from './helpers';

const db = useTestDatabase();
const folder = new CatalogFolder();
const clock = { now: new Date('2026-05-06T12:00:00Z') };

afterAll(() => folder.dispose());

const statusesOf = (results: Array<{ checkId: string; status: string }>) => Object.fromEntries(results.map((result) => [result.checkId, result.status]));

describe('the "declared in the catalog" check', () => {
  it('fails on a Component Backline inferred, passes on declared ones, and its digest action leads to the card that confirms it', async () => {
    const catalog = await ingestCatalog(db().pool, folder);
    await storeInferred(catalog, inferredComponent({ name: 'refunds-worker', slug: 'acme/refunds-worker', from: 'codeowners', evidence: 'CODEOWNERS line 1: * @acme/payments', owner: 'group:default/payments' }));
    const { service, store, reader } = healthOver(db().pool, catalog, clock);
    await service.collectAndScore();

    const facts = await store.currentFacts(['component:default/refunds-worker', 'component:default/payments-api']);
    expect(facts.get('component:default/refunds-worker')!.facts).toMatchObject({ declaredInCatalog: false });
    expect(facts.get('component:default/payments-api')!.facts).toMatchObject({ declaredInCatalog: true });
    expect(statusesOf(await store.currentResults(['component:default/refunds-worker']))).toMatchObject({ 'declared-in-catalog': 'fail' });
    expect(statusesOf(await store.currentResults(['component:default/payments-api']))).toMatchObject({ 'declared-in-catalog': 'pass' });

    const digest = (await gatherDigest('group:default/payments', clock.now, { health: reader, store: PgDigestStore.create({ pool: db().pool }), catalog }))!;
    const action = digest.actions.find((candidate) => candidate.checkId === 'declared-in-catalog')!;
    expect(action).toMatchObject({ title: 'Declared in the catalog', level: 'bronze', entities: [{ ref: 'component:default/refunds-worker' }] });
    expect(action.fix.text).toContain('Press Confirm on its /whoowns card');

    const { blocks } = renderDigest(digest);
    const buttons = blocks.flatMap((block) => (block.type === 'actions' ? block.elements : [])) as Array<{ text: { text: string }; action_id: string; value: string }>;
    const review = buttons.find((button) => button.action_id.startsWith('digest:review-inferred:'))!;
    expect([review.text.text, review.value]).toEqual(['Review refunds-worker', 'ref:component:default/refunds-worker']);

    const reply = await createCommandSet({ catalog }).act(review.action_id, review.value, { userId: 'U0ANA', channelId: 'C0PAY', channelName: 'payments' });
    expect(reply).toMatchObject({ visibility: 'ephemeral', replaceOriginal: false, text: 'component:default/refunds-worker is probably owned by Payments Team (inferred, not declared)' });
    const actionIds = reply!.blocks.flatMap((block) => (block.type === 'actions' ? block.elements : [])).map((element) => (element as { action_id: string }).action_id);
    expect(actionIds).toEqual(['whoowns:share', 'whoowns:confirm', 'whoowns:not-us']);
  });
});

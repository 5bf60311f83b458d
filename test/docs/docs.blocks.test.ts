import type { DocsResult } from '../../commands/docs';
import { docsSummaryText, renderDocs } from '../../commands/docs.blocks';
import { renderWhoOwns } from '../../commands/whoowns.blocks';
import type { WhoOwnsResult } from '../../commands/whoowns';
import type { StoredEntity } from '../../src/catalog/store';
import { checkMessageLimits } from '../../commands/blockKit/checks';

const SITE = 'https://docs.example/techdocs/default/component/payments-service/';
const payments: StoredEntity = {
  ref: 'component:default/payments-service',
  refKey: 'component:default/payments-service',
  kind: 'component',
  namespace: 'default',
  name: 'payments-service',
  locationKey: 'file:/x.yaml',
  entity: { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'payments-service', title: 'Payments Service' }, spec: {} },
};

function result(extra: Partial<DocsResult> = {}): DocsResult {
  return {
    query: 'payments-service',
    words: '',
    entity: payments,
    site: { url: SITE, openUrl: SITE, entityRef: payments.ref, borrowed: false, siteName: 'Payments Service', builtAt: new Date('2026-11-19T06:00:00Z'), builtAgo: '3 days ago', stale: false, staleReason: null, fromCache: false },
    link: null,
    noDocs: false,
    pages: [],
    searchedEverySite: false,
    warnings: [],
    suggestions: [],
    ...extra,
  };
}

const openButton = (url: string) => ({ type: 'actions', block_id: 'docs:card', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open docs', emoji: true }, action_id: 'docs:open', value: 'open', url, style: 'primary' }] });

describe('the /docs card', () => {
  it('shows the site, when it was built and that it is current, with a button to open it', () => {
    expect(renderDocs(result())).toEqual([
      { type: 'header', text: { type: 'plain_text', text: 'Docs: Payments Service', emoji: true } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: '`component:default/payments-service`' }] },
      { type: 'section', text: { type: 'mrkdwn', text: `*<${SITE}|Payments Service>*\nbuilt 3 days ago · up to date` } },
      openButton(SITE),
    ]);
    expect(docsSummaryText(result())).toBe(`Docs of component:default/payments-service: ${SITE} (built 3 days ago)`);
  });

  it('leaves out the "Open docs" button where nothing can press it, since the card links the site already', () => {
    expect(renderDocs(result(), { noButtons: true })).toEqual(renderDocs(result()).slice(0, -1));
    const linkOnly = renderDocs(result({ site: null, link: { url: 'https://wiki.example/payments', title: 'Wiki' } }), { noButtons: true });
    expect(linkOnly.slice(2)).toEqual([{ type: 'section', text: { type: 'mrkdwn', text: "*<https://wiki.example/payments|Wiki>*\n_A link from the entity's metadata.links; there is no built TechDocs site to search._" } }]);
  });

  it('says why a build is stale, and lists the best pages with their snippets', () => {
    const blocks = renderDocs(
      result({
        words: 'partial <refund>',
        site: { ...result().site!, stale: true, staleReason: 'the docs changed 1 day ago, after the last build' },
        pages: [{ title: 'Partial refunds', url: `${SITE}refunds/#partial-refunds`, score: 0.9, snippet: 'Refund any amount & more.', entityRef: payments.ref, location: 'refunds/#partial-refunds' }],
      }),
    );
    expect(blocks.slice(2, 5)).toEqual([
      { type: 'section', text: { type: 'mrkdwn', text: `*<${SITE}|Payments Service>*\nbuilt 3 days ago · :warning: *stale*: the docs changed 1 day ago, after the last build` } },
      { type: 'section', text: { type: 'mrkdwn', text: '*Best pages for “partial &lt;refund&gt;”*' } },
      { type: 'section', text: { type: 'mrkdwn', text: `*<${SITE}refunds/#partial-refunds|Partial refunds>*\nRefund any amount &amp; more.` } },
    ]);
  });

  it('shows the annotation to add when an entity has no docs', () => {
    const blocks = renderDocs(result({ site: null, noDocs: true }));
    expect(blocks.slice(2)).toEqual([
      { type: 'section', text: { type: 'mrkdwn', text: '*Payments Service* has no docs yet. Add this to its `catalog-info.yaml` and publish its TechDocs:' } },
      { type: 'section', text: { type: 'mrkdwn', text: '```\nmetadata:\n  annotations:\n    backstage.io/techdocs-ref: dir:.\n```' } },
    ]);
  });

  it('says a site is borrowed, and shows warnings under the answer', () => {
    const blocks = renderDocs(result({ site: { ...result().site!, borrowed: true, entityRef: 'component:default/payments-service', openUrl: `${SITE}idempotency/` }, entity: { ...payments, ref: 'api:default/payments-api', name: 'payments-api', entity: { ...payments.entity, metadata: { name: 'payments-api' } } }, warnings: ['The docs site could not be read.'] }));
    expect(blocks.slice(3)).toEqual([
      { type: 'context', elements: [{ type: 'mrkdwn', text: 'The docs of `component:default/payments-service` (backstage.io/techdocs-entity on `api:default/payments-api`)' }] },
      { type: 'context', elements: [{ type: 'mrkdwn', text: ':warning: The docs site could not be read.' }] },
      openButton(`${SITE}idempotency/`),
    ]);
  });

  it('offers "did you mean" buttons when nothing matched, and stays inside Block Kit limits with long pages', () => {
    const blocks = renderDocs(result({ query: 'paymnets', words: 'paymnets', entity: null, site: null, searchedEverySite: true, suggestions: [{ ref: 'component:default/payments-service', title: 'Payments Service' }] }));
    expect(blocks).toEqual([
      { type: 'section', text: { type: 'mrkdwn', text: 'Nothing in the catalog is called *paymnets*, and no cached docs page matches it.' } },
      { type: 'section', text: { type: 'mrkdwn', text: 'Did you mean:' } },
      { type: 'actions', block_id: 'docs:lookup', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Payments Service', emoji: true }, action_id: 'docs:lookup:0', value: 'ref:component:default/payments-service' }] },
    ]);
    expect(renderDocs(result({ query: 'paymnets', words: 'paymnets', entity: null, site: null, searchedEverySite: true, suggestions: [{ ref: 'component:default/payments-service', title: 'Payments Service' }] }), { noButtons: true }).slice(1)).toEqual([
      { type: 'section', text: { type: 'mrkdwn', text: 'Did you mean:\n• Payments Service  `component:default/payments-service`' } },
    ]);
    const long = 'x'.repeat(5000);
    const crowded = renderDocs(result({ words: long, pages: Array.from({ length: 5 }, () => ({ title: long, url: `${SITE}${'p/'.repeat(100)}`, score: 1, snippet: long, entityRef: payments.ref, location: 'p/'.repeat(100) })), warnings: Array.from({ length: 9 }, () => long) }));
    expect(checkMessageLimits({ text: docsSummaryText(result()), blocks: crowded })).toEqual([]);
  });
});

describe('the docs line of the /whoowns card', () => {
  const card = (docs: WhoOwnsResult['docs']) =>
    renderWhoOwns({ kind: 'entity', query: 'payments-service', match: payments, matchedBy: 'name', alternatives: [], owner: null, provenance: null, placement: null, warnings: [], suggestions: [], docs });
  const docsField = (blocks: ReturnType<typeof card>) => JSON.stringify(blocks).match(/\*Docs\*\\n[^"]*/)?.[0];

  it('shows the built site with its age, and flags a stale or unreachable one', () => {
    expect(docsField(card({ url: SITE, label: 'Payments Service', builtAt: new Date(), builtAgo: '3 days ago', stale: false, unreachable: false }))).toBe(`*Docs*\\n<${SITE}|Payments Service> · built 3 days ago`);
    expect(docsField(card({ url: SITE, label: 'Payments Service', builtAt: new Date(), builtAgo: '4 months ago', stale: true, unreachable: true }))).toBe(`*Docs*\\n<${SITE}|Payments Service> · built 4 months ago · :warning: stale · :warning: unreachable`);
    expect(docsField(card(null))).toBeUndefined();
  });
});

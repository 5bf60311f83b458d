import type { StoredEntity } from '../../src/catalog/store';
import { HIGHLIGHT } from '../../src/search/store';
import { findJson, type FindResult } from '../../commands/find';
import { findSummaryText, renderFind, searchHomeBlocks } from '../../commands/find.blocks';
import { parseFindQuery } from '../../commands/findQuery';

const api: StoredEntity = {
  ref: 'api:default/Geocoding-API',
  refKey: 'api:default/geocoding-api',
  kind: 'api',
  namespace: 'default',
  name: 'Geocoding-API',
  locationKey: 'file:/catalog.yaml',
  entity: { apiVersion: 'backstage.io/v1alpha1', kind: 'API', metadata: { name: 'Geocoding-API', title: 'Geocoding API', annotations: { 'backstage.io/techdocs-ref': 'dir:.' } }, spec: { type: 'openapi', lifecycle: 'production', owner: 'team-geo' } },
};

const result = (query: string, overrides: Partial<FindResult> = {}): FindResult => ({
  kind: 'find',
  query,
  parsed: parseFindQuery(query),
  like: null,
  results: [
    {
      ref: 'api:default/geocoding-api',
      entity: api,
      kind: 'api',
      title: 'Geocoding API',
      owner: { ref: 'group:default/team-geo', displayName: 'Geo team', slackChannel: 'C0GEOTEAM1' },
      score: 3.2,
      why: { field: 'description', text: `Turns street addresses into coordinates (reverse ${HIGHLIGHT.start}geocoding${HIGHLIGHT.stop}).` },
      hasDocs: true,
    },
  ],
  suggestions: [],
  corrections: [],
  ...overrides,
});

describe('the /find answer', () => {
  it('lists each result with its kind, owner team and channel, the matched words in bold, and its buttons', () => {
    expect(renderFind(result('is there a geocoding api? kind:api'))).toEqual([
      { type: 'section', text: { type: 'mrkdwn', text: '*Found for* “geocoding” within `kind:api`' } },
      { type: 'section', text: { type: 'mrkdwn', text: '*Geocoding API*  _API · openapi_  ·  Geo team <#C0GEOTEAM1>' } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: '_description_: Turns street addresses into coordinates (reverse *geocoding*).   `api:default/geocoding-api`' }] },
      {
        type: 'actions',
        block_id: 'find:result:0',
        elements: [
          { type: 'button', text: { type: 'plain_text', text: 'Card', emoji: true }, action_id: 'find:card:0', value: 'ref:api:default/geocoding-api' },
          { type: 'button', text: { type: 'plain_text', text: 'Docs', emoji: true }, action_id: 'find:docs:0', value: 'ref:api:default/geocoding-api' },
          { type: 'button', text: { type: 'plain_text', text: 'More like this', emoji: true }, action_id: 'find:more:0', value: 'ref:api:default/geocoding-api' },
        ],
      },
      { type: 'context', elements: [{ type: 'mrkdwn', text: 'Narrow it down with `kind:…` `type:…` `owner:…` `tag:…` `lifecycle:…` `system:…`, e.g. `kind:api owner:payments`.' }] },
    ]);
    expect(findSummaryText(result('geocoding'))).toBe('1 result(s) for “geocoding”');
  });

  it('offers the words the catalog has nearest to those that found nothing, as searches to run', () => {
    const blocks = renderFind(result('geocodign servce', { results: [], suggestions: ['geocoding', 'service'], corrections: [] }));
    expect(blocks[1]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: 'Nothing in the catalog matches that.' } });
    expect(blocks[3]).toEqual({
      type: 'actions',
      block_id: 'find:suggestions',
      elements: [
        { type: 'button', text: { type: 'plain_text', text: 'geocoding', emoji: true }, action_id: 'find:query:0', value: 'q:geocoding servce' },
        { type: 'button', text: { type: 'plain_text', text: 'service', emoji: true }, action_id: 'find:query:1', value: 'q:geocodign service' },
      ],
    });
  });

  it('says which misspelt words it also searched for, and which filters it does not know', () => {
    const blocks = renderFind(result('geocodng colour:red', { corrections: [{ typed: 'geocodng', meant: 'geocoding' }] }));
    expect(blocks[1]).toEqual({ type: 'context', elements: [{ type: 'mrkdwn', text: 'Also searched for *geocoding* (for “geocodng”).\n/find has no filter `colour:`; it knows `kind:` `type:` `owner:` `tag:` `lifecycle:` `system:`.' }] });
  });

  it('explains itself when asked nothing', () => {
    expect(JSON.stringify(renderFind(result('')))).toContain('/find is there a geocoding api?');
  });

  it('puts a Search button at the top of App Home', () => {
    expect(searchHomeBlocks()[0]).toMatchObject({ type: 'section', accessory: { action_id: 'find:open', text: { text: 'Search' } } });
  });
});

describe('the JSON of backline search', () => {
  it('has exactly the documented shape, refs lower-cased as Backstage writes them', () => {
    expect(findJson(result('geocoding kind:api owner:group:Team-Geo'))).toEqual({
      query: 'geocoding kind:api owner:group:Team-Geo',
      filters: { kind: ['api'], owner: ['group:default/team-geo'] },
      results: [{ ref: 'api:default/geocoding-api', kind: 'api', title: 'Geocoding API', owner: 'group:default/team-geo', score: 3.2, why: 'description: Turns street addresses into coordinates (reverse geocoding).' }],
      suggestions: [],
    });
  });
});

import { filtersOf, parseFindQuery } from '../../commands/findQuery';

describe('reading what was typed to /find', () => {
  it('leaves the words of a question out, and takes a kind word as a hint rather than a word to find', () => {
    const query = parseFindQuery('Is there a GeoCoding API available?');
    expect(query.words).toEqual(['geocoding']);
    expect(query.hints).toEqual({ kinds: ['api'], types: [] });
    expect(query.exactName).toBe('geocoding api');
  });

  it('reads "do we have a tool for linting code?" as linting code, ranking tools higher', () => {
    const query = parseFindQuery('Do we have a tool for linting code?');
    expect(query.words).toEqual(['linting', 'code']);
    expect(query.hints.types).toEqual(['tool', 'cli', 'library']);
  });

  it('keeps a kind word that is part of a name, and searches for kind words when nothing else was typed', () => {
    expect(parseFindQuery('payments-api').words).toEqual(['payments', 'api']);
    expect(parseFindQuery('payments-api').hints).toEqual({ kinds: [], types: [] });
    expect(parseFindQuery('apis').words).toEqual(['apis']);
    expect(parseFindQuery('apis').hints.kinds).toEqual(['api']);
  });

  it('reads filters as people type them, several values of one filter as alternatives', () => {
    const query = parseFindQuery('refunds kind:API,Component type:service owner:payments tag:pci lifecycle:production system:payments-platform');
    expect(query.words).toEqual(['refunds']);
    expect(filtersOf(query)).toEqual({ kind: ['api', 'component'], type: ['service'], owner: ['payments'], tag: ['pci'], lifecycle: ['production'], system: ['payments-platform'] });
  });

  it('reads an owner or system given as a ref in Backstage’s spelling, lower-cased, in the default namespace unless named', () => {
    expect(parseFindQuery('owner:group:Payments').filters.owners).toEqual(['group:default/payments']);
    expect(parseFindQuery('owner:group:finance/ledger').filters.owners).toEqual(['group:finance/ledger']);
    expect(parseFindQuery('owner:@jane.doe').filters.owners).toEqual(['jane.doe']);
    expect(parseFindQuery('system:system:default/risk-engine').filters.systems).toEqual(['system:default/risk-engine']);
    expect(parseFindQuery('kind:apis').filters.kinds).toEqual(['api']);
  });

  it('says which filters it does not know, and does not search for them as words', () => {
    const query = parseFindQuery('colour:red payments');
    expect(query.unknownFilters).toEqual(['colour:red']);
    expect(query.words).toEqual(['payments']);
    expect(parseFindQuery('component:payments-service').unknownFilters).toEqual([]);
  });

  it('reads quoted words as a phrase and a trailing star as a prefix', () => {
    const query = parseFindQuery('"double entry" idempot* “key rotation”');
    expect(query.phrases).toEqual([['double', 'entry'], ['key', 'rotation']]);
    expect(query.words).toEqual(['idempot']);
    expect(query.prefixes).toEqual(['idempot']);
    expect(query.exactName).toBeUndefined();
  });

  it('bounds what one query may ask for', () => {
    const query = parseFindQuery(`${Array.from({ length: 30 }, (_, i) => `word${i}`).join(' ')} ${Array.from({ length: 30 }, (_, i) => `tag:t${i}`).join(' ')}`);
    expect(query.words).toHaveLength(8);
    expect(query.filters.tags).toHaveLength(10);
    expect(parseFindQuery('x'.repeat(5000)).text).toHaveLength(500);
  });

  it('has nothing to search for in an empty question', () => {
    expect(parseFindQuery('   is there any?  ').words).toEqual([]);
  });
});

import { settleClaims, type Claim, type ClaimingLocation, type RefHolder } from '../../src/catalog/claims';

const entity = (name: string, document = 1): Claim => ({ refKey: `component:default/${name}`, ref: `component:default/${name}`, document });
const location = (file: string, ...entities: Claim[]): ClaimingLocation<Claim> => ({ key: `file:${file}`, target: file, entities });
const held = (name: string, file: string): RefHolder => ({ refKey: `component:default/${name}`, locationKey: `file:${file}` });

const conflict = (name: string, file: string, holder: string, document = 1) => ({
  kind: 'conflict',
  file,
  document,
  entityRef: `component:default/${name}`,
  message: `component:default/${name} is already defined by ${holder}; this definition is ignored until that one is removed`,
});

describe('who keeps a contested ref', () => {
  it('lets the first location of a batch keep a new ref and gives the second a conflict naming both', () => {
    const settled = settleClaims([], [location('/a.yaml', entity('billing')), location('/b.yaml', entity('billing', 2), entity('ledger'))]);
    expect(settled).toEqual({
      locations: [
        { kept: [entity('billing')], conflicts: [] },
        { kept: [entity('ledger')], conflicts: [conflict('billing', '/b.yaml', '/a.yaml', 2)] },
      ],
      released: [],
      overridden: [],
    });
  });

  it('leaves a stored ref with the location that holds it when another claims it', () => {
    const settled = settleClaims([held('billing', '/a.yaml')], [location('/b.yaml', entity('billing'))]);
    expect(settled).toEqual({ locations: [{ kept: [], conflicts: [conflict('billing', '/b.yaml', '/a.yaml')] }], released: [], overridden: [] });
  });

  it('is no conflict when a location claims a ref it already holds', () => {
    const settled = settleClaims([held('billing', '/a.yaml')], [location('/a.yaml', entity('billing'))]);
    expect(settled).toEqual({ locations: [{ kept: [entity('billing')], conflicts: [] }], released: [], overridden: [] });
  });

  it('lets a later location take a ref whose holder, written first in the batch, no longer yields it', () => {
    const settled = settleClaims([held('billing', '/a.yaml')], [location('/a.yaml', entity('payments')), location('/b.yaml', entity('billing'))]);
    expect(settled).toEqual({
      locations: [
        { kept: [entity('payments')], conflicts: [] },
        { kept: [entity('billing')], conflicts: [] },
      ],
      released: ['component:default/billing'],
      overridden: [],
    });
  });

  it('keeps a ref with its holder while the holder is not written, even though a later write will let it go', () => {
    // Locations are settled in batch order: the holder lets go only when its own write comes.
    const settled = settleClaims([held('billing', '/a.yaml')], [location('/b.yaml', entity('billing')), location('/a.yaml')]);
    expect(settled).toEqual({
      locations: [
        { kept: [], conflicts: [conflict('billing', '/b.yaml', '/a.yaml')] },
        { kept: [], conflicts: [] },
      ],
      released: ['component:default/billing'],
      overridden: [],
    });
  });

  it('lets a ref no longer stored be taken by whoever claims it first', () => {
    // The holder's entities were removed in an earlier write: nothing holds the ref any more.
    const settled = settleClaims([], [location('/b.yaml', entity('billing'))]);
    expect(settled).toEqual({ locations: [{ kept: [entity('billing')], conflicts: [] }], released: [], overridden: [] });
  });

  it('releases only the refs a location no longer yields, in the order they were held', () => {
    const holders = [held('billing', '/a.yaml'), held('ledger', '/a.yaml'), held('cart', '/a.yaml'), held('risk', '/c.yaml')];
    const settled = settleClaims(holders, [location('/a.yaml', entity('ledger'))]);
    expect(settled.released).toEqual(['component:default/billing', 'component:default/cart']);
    expect(settled.locations).toEqual([{ kept: [entity('ledger')], conflicts: [] }]);
  });

  it('names the holder without its location type, and reports the conflict on the claimer’s own file and document', () => {
    const holder: RefHolder = { refKey: 'component:default/billing', locationKey: 'url:https://github.com/acme/a/blob/main/catalog-info.yaml' };
    const claimer: ClaimingLocation<Claim> = { key: 'url:https://github.com/acme/b/blob/main/catalog-info.yaml', target: 'https://github.com/acme/b/blob/main/catalog-info.yaml', entities: [entity('billing', 3)] };
    const [settled] = settleClaims([holder], [claimer]).locations;
    expect(settled!.conflicts).toEqual([conflict('billing', 'https://github.com/acme/b/blob/main/catalog-info.yaml', 'https://github.com/acme/a/blob/main/catalog-info.yaml', 3)]);
  });

  it('gives the entities a location keeps back as they were given, extra fields and all', () => {
    const processed = { ...entity('billing'), hash: 'h1', json: '{}' };
    const [settled] = settleClaims([], [{ key: 'file:/a.yaml', target: '/a.yaml', entities: [processed] }]).locations;
    expect(settled!.kept[0]).toBe(processed);
  });

  describe('declared always wins over inferred', () => {
    const inferredAt = (name: string, ...entities: Claim[]): ClaimingLocation<Claim> => ({ key: `github-inferred:https://github.com/acme/${name}`, target: `https://github.com/acme/${name}`, entities, inferred: true });
    const givenWay = (name: string, file: string, declaredBy: string) => ({
      kind: 'superseded',
      file,
      document: 1,
      entityRef: `component:default/${name}`,
      message: `component:default/${name} is declared by ${declaredBy}; the inferred entity gives way to it`,
    });

    it('takes a ref a stored inferred location holds, and tells that location it gave way', () => {
      const holder: RefHolder = { refKey: 'component:default/billing', locationKey: 'github-inferred:https://github.com/acme/billing', inferred: true };
      const settled = settleClaims([holder], [location('/catalog.yaml', entity('billing'))]);
      expect(settled.locations).toEqual([{ kept: [entity('billing')], conflicts: [] }]);
      expect(settled.overridden).toEqual([{ locationKey: holder.locationKey, problem: givenWay('billing', 'https://github.com/acme/billing', '/catalog.yaml') }]);
    });

    it('gives an inferred entity way to a declared one that holds the ref', () => {
      const settled = settleClaims([held('billing', '/catalog.yaml')], [inferredAt('billing', entity('billing'))]);
      expect(settled.locations).toEqual([{ kept: [], conflicts: [givenWay('billing', 'https://github.com/acme/billing', '/catalog.yaml')] }]);
    });

    it('takes the ref from an inferred location settled earlier in the same batch', () => {
      const settled = settleClaims([], [inferredAt('billing', entity('billing')), location('/catalog.yaml', entity('billing'))]);
      expect(settled.locations).toEqual([
        { kept: [], conflicts: [givenWay('billing', 'https://github.com/acme/billing', '/catalog.yaml')] },
        { kept: [entity('billing')], conflicts: [] },
      ]);
    });

    it('keeps the first of two inferred locations, as between declared ones', () => {
      const settled = settleClaims([], [inferredAt('a', entity('billing')), inferredAt('b', entity('billing'))]);
      expect(settled.locations[0]!.kept).toEqual([entity('billing')]);
      expect(settled.locations[1]!.conflicts[0]!.message).toContain('is already defined by https://github.com/acme/a');
    });
  });
});

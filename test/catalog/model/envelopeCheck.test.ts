import { Prng } from '../../../bench/lib/prng';
import { envelopeSchema } from '../../../src/catalog/model/schemas/envelope';
import { envelopeIsValid } from '../../../src/catalog/model/schemas/envelopeCheck';
import { component } from './fixtures';
import { corpusDocuments, mutate } from './mutations';
import * as cases from './validationCases';

const zodAccepts = (input: unknown) => envelopeSchema.safeParse(input).success;

describe('the direct envelope check', () => {
  it('agrees with the envelope schema on every written validation case', () => {
    const all = Object.values(cases).filter(Array.isArray).flat() as cases.ValidationCase[];
    expect(all.length).toBeGreaterThan(100);
    for (const { title, input } of all) expect({ title, direct: envelopeIsValid(input) }).toEqual({ title, direct: zodAccepts(input) });
  });

  it('agrees with the envelope schema on every document of Backstage’s example catalog', () => {
    const documents = corpusDocuments();
    expect(documents.length).toBeGreaterThan(50);
    for (const document of documents) expect(envelopeIsValid(document)).toBe(zodAccepts(document));
  });

  it('agrees with the envelope schema on 20,000 seeded mutations of valid entities', () => {
    const rng = new Prng(20261122);
    const seeds = [
      ...corpusDocuments().filter(zodAccepts),
      component({ metadata: { labels: { 'example.com/tier': 'gold', plain: '' }, annotations: { 'backstage.io/techdocs-ref': 'dir:.' }, tags: ['java', 'c++'], links: [{ url: 'https://example.com', title: 'Site', icon: 'docs', type: 'docs' }] } }),
    ];
    let accepted = 0;
    for (let i = 0; i < 20_000; i++) {
      const input = mutate(rng.pick(seeds), rng);
      const expected = zodAccepts(input);
      if (envelopeIsValid(input) !== expected) throw new Error(`the direct check says ${!expected} but the schema says ${expected} for ${JSON.stringify(input)}`);
      if (expected) accepted++;
    }
    // Both verdicts are well represented, or the comparison would prove little.
    expect(accepted).toBeGreaterThan(2_000);
    expect(accepted).toBeLessThan(18_000);
  });

  it('agrees with the envelope schema on values that are not plain data', () => {
    const entity = component({}) as Record<string, unknown>;
    const odd = [
      { ...entity, metadata: new Date() },
      { ...entity, spec: new Map() },
      Object.assign(Object.create({ inherited: true }), entity),
      { ...entity, metadata: Object.assign(Object.create(null), { name: 'bare' }) },
    ];
    for (const input of odd) expect(envelopeIsValid(input)).toBe(zodAccepts(input));
  });
});

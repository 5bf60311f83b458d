import fs from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import { Prng } from '../../../bench/lib/prng';
import { envelopeSchema } from '../../../src/catalog/model/schemas/envelope';
import { envelopeIsValid } from '../../../src/catalog/model/schemas/envelopeCheck';
import { component } from './fixtures';
import * as cases from './validationCases';

const CORPUS = path.resolve(__dirname, '../../../../shared/conformance/backstage-catalog');

function corpusDocuments(): unknown[] {
  const documents: unknown[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (/\.ya?ml$/.test(entry.name)) documents.push(...yaml.loadAll(fs.readFileSync(file, 'utf8'), undefined, { schema: yaml.CORE_SCHEMA }).filter(Boolean));
    }
  };
  walk(CORPUS);
  return documents;
}

const zodAccepts = (input: unknown) => envelopeSchema.safeParse(input).success;

// Values that sit on either side of some rule: empty and blank strings, wrong types, too long,
// bad prefixes, URLs and not-URLs, upper case where a DNS label is wanted.
const AWKWARD: unknown[] = [
  '', ' ', 'ok', 'OK', 'a-b', '-a', 'a-', 'a.b', 'a_b', 'x'.repeat(63), 'x'.repeat(64), 'example.com/key', 'Example.com/key', 'a/b/c', '/key', 'key/',
  'https://example.com', 'not a url', 'http://', 'c++', 'go 1.15', 'backstage.io/v1alpha1', 'v1', 'Component', '1Component', 0, 1.5, true, false, null, [], ['ok'], [''], [1], {}, { a: 'b' },
  { url: 'https://example.com' }, { url: 'nope' }, { url: 'https://example.com', title: ' ' }, { url: 'https://example.com', type: '' },
];
const KEYS = ['apiVersion', 'kind', 'metadata', 'spec', 'status', 'relations', 'name', 'namespace', 'uid', 'etag', 'title', 'description', 'labels', 'annotations', 'tags', 'links', 'url', 'icon', 'type', 'example.com/x', 'Bad Key'];

/** A deep copy with one value somewhere inside replaced, removed, or added. */
function mutate(value: unknown, rng: Prng): unknown {
  const copy = structuredClone(value) as Record<string, unknown>;
  let node: unknown = copy;
  for (let depth = 0; depth < 4; depth++) {
    const children = node && typeof node === 'object' ? Object.keys(node as object) : [];
    if (children.length === 0 || rng.chance(0.3)) break;
    const key = rng.pick(children);
    const child = (node as Record<string, unknown>)[key];
    if (!child || typeof child !== 'object' || rng.chance(0.25)) {
      const action = rng.int(0, 2);
      if (action === 0) (node as Record<string, unknown>)[key] = structuredClone(rng.pick(AWKWARD));
      else if (action === 1 && !Array.isArray(node)) delete (node as Record<string, unknown>)[key];
      else if (!Array.isArray(node)) (node as Record<string, unknown>)[rng.pick(KEYS)] = structuredClone(rng.pick(AWKWARD));
      return copy;
    }
    node = child;
  }
  if (node && typeof node === 'object' && !Array.isArray(node)) (node as Record<string, unknown>)[rng.pick(KEYS)] = structuredClone(rng.pick(AWKWARD));
  return copy;
}

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

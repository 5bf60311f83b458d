import { z } from 'zod';
import { Prng } from '../../../bench/lib/prng';
import { compileAcceptor } from '../../../src/catalog/model/schemas/quickAccept';
import { KIND_DEFINITIONS } from '../../../src/catalog/model/validation';
import { AWKWARD, corpusDocuments, mutate } from './mutations';

const SPEC_KEYS = [
  'type', 'lifecycle', 'owner', 'system', 'subcomponentOf', 'providesApis', 'consumesApis', 'dependsOn', 'definition', 'domain', 'subdomainOf',
  'profile', 'displayName', 'email', 'picture', 'parent', 'children', 'members', 'memberOf', 'target', 'targets', 'presence', 'extra',
];
const SPEC_VALUES = [...AWKWARD, 'required', 'optional', ['a', 'b'], ['a', ''], [null], { email: 'a@example.com' }, { displayName: '' }];

/** The specs of every valid entity of a kind in Backstage's example catalog, plus a few written ones. */
function specsOf(kind: string): Record<string, unknown>[] {
  const fromCorpus = corpusDocuments()
    .filter((document): document is { kind: string; spec: Record<string, unknown> } => (document as { kind?: unknown }).kind === kind)
    .map((document) => document.spec)
    .filter((spec) => spec && typeof spec === 'object');
  const written: Record<string, Record<string, unknown>> = {
    Component: { type: 'service', lifecycle: 'production', owner: 'team-a', system: 's', providesApis: ['a'], consumesApis: [], dependsOn: ['resource:db'] },
    API: { type: 'openapi', lifecycle: 'production', owner: 'team-a', definition: 'openapi: 3.0.0' },
    Resource: { type: 'database', owner: 'team-a', dependsOn: ['x'] },
    System: { owner: 'team-a', domain: 'd' },
    Domain: { owner: 'team-a', subdomainOf: 'd' },
    Group: { type: 'team', profile: { displayName: 'A', email: 'a@example.com' }, children: [], members: ['u'] },
    User: { profile: { displayName: 'U', picture: 'https://example.com/u.png' }, memberOf: ['team-a'] },
    Location: { type: 'url', targets: ['./a.yaml'], presence: 'optional' },
  };
  return [...fromCorpus, ...(written[kind] ? [written[kind]!] : [])];
}

describe('the direct spec checks compiled from the kind schemas', () => {
  const compiled = KIND_DEFINITIONS.map((definition) => ({ definition, accept: compileAcceptor(definition.spec) }));

  it('exist for every built-in Backstage kind, and not for schemas with richer rules', () => {
    expect(compiled.filter(({ accept }) => accept).map(({ definition }) => definition.kind)).toEqual(['Component', 'API', 'Resource', 'System', 'Domain', 'Group', 'User', 'Location']);
    expect(compileAcceptor(z.object({ url: z.string().url() }).passthrough())).toBeNull();
    expect(compileAcceptor(z.object({ count: z.number() }).passthrough())).toBeNull();
    expect(compileAcceptor(z.object({ name: z.string() }).strict())).toBeNull();
  });

  for (const { definition, accept } of compiled) {
    if (!accept) continue;
    it(`agrees with the ${definition.kind} schema on its specs and 5,000 seeded mutations of them`, () => {
      const seeds = specsOf(definition.kind);
      expect(seeds.length).toBeGreaterThan(0);
      const rng = new Prng(20261122);
      let accepted = 0;
      for (let i = 0; i < 5_000; i++) {
        const spec = i < seeds.length ? seeds[i]! : mutate(rng.pick(seeds), rng, SPEC_KEYS, SPEC_VALUES);
        const expected = definition.spec.safeParse(spec).success;
        if (accept(spec) !== expected) throw new Error(`the direct check says ${!expected} but the schema says ${expected} for ${JSON.stringify(spec)}`);
        if (expected) accepted++;
      }
      // Both verdicts are well represented, or the comparison would prove little.
      expect(accepted).toBeGreaterThan(500);
      expect(accepted).toBeLessThan(4_500);
    });
  }

  it('leaves values that are not plain data to the schema', () => {
    const group = compiled.find(({ definition }) => definition.kind === 'Group')!;
    const valid = { type: 'team', children: [] };
    const odd: unknown[] = [
      { ...valid, profile: new Date() },
      new Map(Object.entries(valid)),
      { ...valid, children: Object.assign([], { length: 2 }) }, // a sparse array: zod reads its holes as undefined
      { ...valid, then: () => undefined, catch: () => undefined },
    ];
    for (const spec of odd) {
      expect(group.accept!(spec)).toBe(false);
      expect(group.definition.spec.safeParse(spec).success).toBe(false);
    }
  });
});

import {
  canonicalEntityRef,
  entityRefKey,
  InvalidEntityRefError,
  parseEntityRef,
  refOf,
  sameEntityRef,
  stringifyEntityRef,
  type EntityRefContext,
  type PartialEntityRef,
} from '../../../src/catalog/model';

// Every parse result and message below is what Backstage's parseEntityRef (catalog-model 1.10.1) returns or throws.
describe('parseEntityRef', () => {
  const parses: Array<[string, string | PartialEntityRef, EntityRefContext | undefined, { kind: string; namespace: string; name: string }]> = [
    ['reads a full ref', 'component:default/artist-lookup', undefined, { kind: 'component', namespace: 'default', name: 'artist-lookup' }],
    ['takes the default kind when the ref has none', 'team-a', { defaultKind: 'Group' }, { kind: 'Group', namespace: 'default', name: 'team-a' }],
    ['takes the default namespace when the ref has none', 'team-a', { defaultKind: 'Group', defaultNamespace: 'alternative' }, { kind: 'Group', namespace: 'alternative', name: 'team-a' }],
    ['prefers the namespace written in the ref', 'default/team-a', { defaultKind: 'Group', defaultNamespace: 'alternative' }, { kind: 'Group', namespace: 'default', name: 'team-a' }],
    ['prefers the kind written in the ref', 'user:guest', { defaultKind: 'Group' }, { kind: 'user', namespace: 'default', name: 'guest' }],
    ['falls back to the default namespace when the context gives an empty one', 'x', { defaultKind: 'Group', defaultNamespace: '' }, { kind: 'Group', namespace: 'default', name: 'x' }],
    ['keeps the case of every part', 'Component:Default/Artist-Lookup', undefined, { kind: 'Component', namespace: 'Default', name: 'Artist-Lookup' }],
    ['reads a slash before the first colon as the end of the namespace', 'group/team:a', { defaultKind: 'Group' }, { kind: 'Group', namespace: 'group', name: 'team:a' }],
    ['leaves later colons in the name', 'a:b:c', undefined, { kind: 'a', namespace: 'default', name: 'b:c' }],
    ['leaves later slashes in the name', 'a:b/c/d', undefined, { kind: 'a', namespace: 'b', name: 'c/d' }],
    ['fills an object ref from the context', { name: 'x' }, { defaultKind: 'Group' }, { kind: 'Group', namespace: 'default', name: 'x' }],
  ];
  it.each(parses)('%s', (_title, ref, context, expected) => {
    expect(parseEntityRef(ref, context)).toEqual(expected);
  });

  const failures: Array<[string, string | PartialEntityRef, EntityRefContext | undefined, string]> = [
    ['rejects a ref without a kind when there is no default', 'team-a', undefined, 'Entity reference "team-a" had missing or empty kind (e.g. did not start with "component:" or similar)'],
    ['rejects an empty kind', ':team-a', { defaultKind: 'Group' }, 'Entity reference ":team-a" was not on the form [<kind>:][<namespace>/]<name>'],
    ['rejects an empty namespace', 'group:/team-a', undefined, 'Entity reference "group:/team-a" was not on the form [<kind>:][<namespace>/]<name>'],
    ['rejects an empty name', 'group:default/', undefined, 'Entity reference "group:default/" was not on the form [<kind>:][<namespace>/]<name>'],
    ['rejects a lone slash', '/', { defaultKind: 'Group' }, 'Entity reference "/" was not on the form [<kind>:][<namespace>/]<name>'],
    ['rejects an empty string', '', { defaultKind: 'Group' }, 'Entity reference must not be empty'],
    ['rejects an object ref with an empty kind', { kind: '', name: 'x' }, undefined, 'Entity reference {"kind":"","name":"x"} had missing or empty kind (e.g. did not start with "component:" or similar)'],
    ['rejects an object ref with an empty name', { kind: 'Group', name: '' }, undefined, 'Entity reference {"kind":"Group","name":""} had missing or empty name'],
  ];
  it.each(failures)('%s', (_title, ref, context, message) => {
    expect(() => parseEntityRef(ref, context)).toThrow(new InvalidEntityRefError(message));
  });

  it('throws an InvalidEntityRefError, not a plain Error', () => {
    expect(() => parseEntityRef('team-a')).toThrow(InvalidEntityRefError);
  });

  it('rejects a value that is neither a string nor an object', () => {
    expect(() => parseEntityRef(5 as unknown as string)).toThrow(new InvalidEntityRefError('Entity reference 5 must be a string like "component:default/name"'));
  });
});

describe('stringifyEntityRef', () => {
  it('lower-cases the kind and keeps the case of namespace and name', () => {
    expect(stringifyEntityRef({ kind: 'Component', namespace: 'Default', name: 'Artist-Lookup' })).toBe('component:Default/Artist-Lookup');
  });

  it('fills in the default namespace', () => {
    expect(stringifyEntityRef({ kind: 'Group', name: 'team-a' })).toBe('group:default/team-a');
  });

  it('reads an entity', () => {
    expect(stringifyEntityRef({ apiVersion: 'backstage.io/v1alpha1', kind: 'API', metadata: { name: 'Petstore', namespace: 'shop' } })).toBe('api:shop/Petstore');
  });
});

describe('canonicalEntityRef', () => {
  it("lower-cases kind, namespace and name, as Backstage's stringifyEntityRef does", () => {
    expect(canonicalEntityRef({ kind: 'Component', namespace: 'Default', name: 'Artist-Lookup' })).toBe('component:default/artist-lookup');
    expect(canonicalEntityRef({ apiVersion: 'backstage.io/v1alpha1', kind: 'API', metadata: { name: 'Petstore' } })).toBe('api:default/petstore');
  });

  it('lower-cases a display ref', () => {
    expect(canonicalEntityRef(stringifyEntityRef({ kind: 'Group', namespace: 'ops', name: 'Team-A' }))).toBe('group:ops/team-a');
  });
});

describe('entityRefKey and sameEntityRef', () => {
  it('lower-cases every part', () => {
    expect(entityRefKey({ kind: 'Component', namespace: 'Default', name: 'Artist-Lookup' })).toBe('component:default/artist-lookup');
  });

  it('parses a complete ref string', () => {
    expect(entityRefKey('Component:default/Artist-Lookup')).toBe('component:default/artist-lookup');
  });

  it('fills in the default namespace of a ref string', () => {
    expect(entityRefKey('Group:Team-A')).toBe('group:default/team-a');
  });

  it('refuses a ref string without a kind', () => {
    expect(() => entityRefKey('team-a')).toThrow(InvalidEntityRefError);
  });

  it('treats refs that differ only in case as the same entity', () => {
    expect(sameEntityRef('component:default/Artist-Lookup', { kind: 'component', namespace: 'default', name: 'artist-lookup' })).toBe(true);
  });

  it('tells entities in different namespaces apart', () => {
    expect(sameEntityRef('component:default/x', 'component:other/x')).toBe(false);
  });

  it('tells entities of different kinds apart', () => {
    expect(sameEntityRef('component:default/x', 'api:default/x')).toBe(false);
  });
});

describe('refOf', () => {
  it('defaults the namespace', () => {
    expect(refOf({ apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'x' } })).toEqual({ kind: 'Component', namespace: 'default', name: 'x' });
  });

  it('keeps a given namespace and the case of the kind', () => {
    expect(refOf({ apiVersion: 'backstage.io/v1alpha1', kind: 'Group', metadata: { name: 'team-a', namespace: 'alt' } })).toEqual({ kind: 'Group', namespace: 'alt', name: 'team-a' });
  });
});

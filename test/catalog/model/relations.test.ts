import { relationsOf, type Entity, type EntityRelation } from '../../../src/catalog/model';

/** Relations as sorted `type source target` lines, so a failing test shows the whole set. */
function lines(relations: EntityRelation[]): string[] {
  return relations.map((relation) => `${relation.type} ${relation.source} ${relation.target}`).sort();
}

function make(kind: string, spec: Record<string, unknown>, metadata: Partial<Entity['metadata']> = {}, apiVersion = 'backstage.io/v1alpha1'): Entity {
  return { apiVersion, kind, metadata: { name: 'x', ...metadata }, spec };
}

// Every relation set here is the one Backstage's BuiltinKindsEntityProcessor emits for the same
// spec (Backstage writes every ref fully lower-cased; Backline keeps the case of namespace and name).
describe('relationsOf', () => {
  it('relates a Component to its owner, system, parent component and APIs, both ways', () => {
    const result = relationsOf(make('Component', { owner: 'team-a', system: 'portal', subcomponentOf: 'big', providesApis: ['petstore'], consumesApis: ['api:other/search'] }, { name: 'artist-lookup' }));
    expect(result.errors).toEqual([]);
    expect(lines(result.relations)).toEqual([
      'apiConsumedBy api:other/search component:default/artist-lookup',
      'apiProvidedBy api:default/petstore component:default/artist-lookup',
      'consumesApi component:default/artist-lookup api:other/search',
      'hasPart component:default/big component:default/artist-lookup',
      'hasPart system:default/portal component:default/artist-lookup',
      'ownedBy component:default/artist-lookup group:default/team-a',
      'ownerOf group:default/team-a component:default/artist-lookup',
      'partOf component:default/artist-lookup component:default/big',
      'partOf component:default/artist-lookup system:default/portal',
      'providesApi component:default/artist-lookup api:default/petstore',
    ]);
  });

  it('relates dependsOn and dependencyOf of a Component and a Resource, which need a kind', () => {
    expect(lines(relationsOf(make('Component', { owner: 'user:jane', dependsOn: ['resource:db'], dependencyOf: ['component:web'] })).relations)).toEqual([
      'dependencyOf component:default/x component:default/web',
      'dependencyOf resource:default/db component:default/x',
      'dependsOn component:default/web component:default/x',
      'dependsOn component:default/x resource:default/db',
      'ownedBy component:default/x user:default/jane',
      'ownerOf user:default/jane component:default/x',
    ]);
    expect(lines(relationsOf(make('Resource', { owner: 'team-a', dependsOn: ['resource:disk'], system: 'portal' })).relations)).toEqual([
      'dependencyOf resource:default/disk resource:default/x',
      'dependsOn resource:default/x resource:default/disk',
      'hasPart system:default/portal resource:default/x',
      'ownedBy resource:default/x group:default/team-a',
      'ownerOf group:default/team-a resource:default/x',
      'partOf resource:default/x system:default/portal',
    ]);
  });

  it('reports a dependsOn entry without a kind instead of guessing one', () => {
    expect(relationsOf(make('Component', { owner: 'team-a', dependsOn: ['db'] }))).toEqual({
      relations: [
        { type: 'ownedBy', source: 'component:default/x', target: 'group:default/team-a' },
        { type: 'ownerOf', source: 'group:default/team-a', target: 'component:default/x' },
      ],
      errors: [
        'spec.dependsOn[0] of component:default/x: Entity reference "db" had missing or empty kind (e.g. did not start with "component:" or similar); dependsOn has no default kind, so write refs as kind:[namespace/]name',
      ],
    });
  });

  it('reports a malformed ref naming the field and the ref', () => {
    expect(relationsOf(make('API', { owner: 'group:', system: 'portal' })).errors).toEqual([
      'spec.owner of api:default/x: Entity reference "group:" was not on the form [<kind>:][<namespace>/]<name>',
    ]);
  });

  it('reports a list entry that is not a string', () => {
    expect(relationsOf(make('Group', { type: 'team', children: [5] })).errors).toEqual(['spec.children[0] of group:default/x must be a non-empty entity ref string (got 5)']);
  });

  it('gives refs without a namespace the namespace of the referring entity', () => {
    expect(lines(relationsOf(make('System', { owner: 'team-a', domain: 'default/artists' }, { name: 'portal', namespace: 'music' })).relations)).toEqual([
      'hasPart domain:default/artists system:music/portal',
      'ownedBy system:music/portal group:music/team-a',
      'ownerOf group:music/team-a system:music/portal',
      'partOf system:music/portal domain:default/artists',
    ]);
  });

  it('relates a Domain to its owner and parent domain', () => {
    expect(lines(relationsOf(make('Domain', { owner: 'team-a', subdomainOf: 'audio' }, { name: 'artists' })).relations)).toEqual([
      'hasPart domain:default/audio domain:default/artists',
      'ownedBy domain:default/artists group:default/team-a',
      'ownerOf group:default/team-a domain:default/artists',
      'partOf domain:default/artists domain:default/audio',
    ]);
  });

  it('relates a Group to its parent, children and members', () => {
    expect(lines(relationsOf(make('Group', { type: 'team', parent: 'backstage', children: ['team-b'], members: ['jane'] }, { name: 'team-a' })).relations)).toEqual([
      'childOf group:default/team-a group:default/backstage',
      'childOf group:default/team-b group:default/team-a',
      'hasMember group:default/team-a user:default/jane',
      'memberOf user:default/jane group:default/team-a',
      'parentOf group:default/backstage group:default/team-a',
      'parentOf group:default/team-a group:default/team-b',
    ]);
  });

  it('relates a User to its groups', () => {
    expect(lines(relationsOf(make('User', { memberOf: ['team-a', 'group:default/team-b'] }, { name: 'jane' })).relations)).toEqual([
      'hasMember group:default/team-a user:default/jane',
      'hasMember group:default/team-b user:default/jane',
      'memberOf user:default/jane group:default/team-a',
      'memberOf user:default/jane group:default/team-b',
    ]);
  });

  it('relates a v1beta3 Template and a Rotation to their owners', () => {
    expect(lines(relationsOf(make('Template', { type: 'service', owner: 'team-a', steps: [] }, { name: 'svc' }, 'scaffolder.backstage.io/v1beta3')).relations)).toEqual([
      'ownedBy template:default/svc group:default/team-a',
      'ownerOf group:default/team-a template:default/svc',
    ]);
    expect(lines(relationsOf(make('Rotation', { owner: 'team-a', members: ['jane'] }, { name: 'primary' }, 'backline.dev/v1alpha1')).relations)).toEqual([
      'ownedBy rotation:default/primary group:default/team-a',
      'ownerOf group:default/team-a rotation:default/primary',
    ]);
  });

  it('emits nothing for a Location, a kind without relation fields, or empty fields', () => {
    expect(relationsOf(make('Location', { targets: ['./a.yaml'] }))).toEqual({ relations: [], errors: [] });
    expect(relationsOf(make('Component', { owner: '', providesApis: [] }))).toEqual({ relations: [], errors: [] });
  });

  it('matches kinds exactly, as Backstage does', () => {
    expect(relationsOf(make('component', { owner: 'team-a' }))).toEqual({ relations: [], errors: [] });
  });

  it('keeps the case of namespace and name and lists a relation once however it is spelled', () => {
    expect(relationsOf(make('Component', { owner: 'team-a', consumesApis: ['Petstore', 'api:default/petstore', 'API:Default/PETSTORE'] }, { name: 'Web' })).relations).toEqual([
      { type: 'ownedBy', source: 'component:default/Web', target: 'group:default/team-a' },
      { type: 'ownerOf', source: 'group:default/team-a', target: 'component:default/Web' },
      { type: 'consumesApi', source: 'component:default/Web', target: 'api:default/Petstore' },
      { type: 'apiConsumedBy', source: 'api:default/Petstore', target: 'component:default/Web' },
    ]);
  });
});

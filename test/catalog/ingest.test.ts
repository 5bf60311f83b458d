import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { ingest, rootFromPath, type IngestReport } from '../../src/catalog/ingest';
import { PgCatalogStore } from '../../src/catalog/PgCatalogStore';
import { CatalogFolder, component, docs, group, location, user } from '../support/catalogFiles';
import { useTestDatabase } from '../support/testDatabase';

const db = useTestDatabase();
let folder: CatalogFolder;
let store: PgCatalogStore;

beforeEach(async () => {
  folder = new CatalogFolder();
  store = PgCatalogStore.create({ pool: db().pool });
  await db().pool.query('TRUNCATE locations, entities, relations, processing_errors');
});
afterEach(() => folder.dispose());

async function run(...paths: string[]): Promise<IngestReport> {
  return ingest(await Promise.all(paths.map((p) => rootFromPath(p))), { store, maxBytes: 64 * 1024 });
}

async function refs(): Promise<string[]> {
  const { rows } = await db().pool.query<{ ref: string }>('SELECT ref FROM entities ORDER BY ref');
  return rows.map((row) => row.ref);
}

async function relations(refKey: string): Promise<string[]> {
  return (await store.relationsFrom(refKey)).map((r) => `${r.type} ${r.targetRef}`);
}

describe('ingesting catalog files', () => {
  it('stores every document of a multi-document file with relations in both directions', async () => {
    const file = folder.write('catalog-info.yaml', docs(component('billing', { owner: 'payments', system: 'money' }), group('payments'), user('ana', ['payments'])));
    const report = await run(file);
    expect(report.errors).toEqual([]);
    expect(report.entities).toMatchObject({ added: 3, updated: 0, removed: 0 });
    expect(await refs()).toEqual(['component:default/billing', 'group:default/payments', 'user:default/ana']);
    expect(await relations('component:default/billing')).toEqual(['ownedBy group:default/payments', 'partOf system:default/money']);
    expect(await relations('group:default/payments')).toEqual(['hasMember user:default/ana', 'ownerOf component:default/billing']);
    expect(await relations('system:default/money')).toEqual(['hasPart component:default/billing']);
  });

  it('resolves relation targets without a namespace in the referring entity namespace', async () => {
    const file = folder.write('ops.yaml', docs(component('deployer', { namespace: 'ops', owner: 'sre' })));
    await run(file);
    expect(await relations('component:ops/deployer')).toEqual(['ownedBy group:ops/sre']);
  });

  it('follows Location targets relative to the Location file, and reads folders', async () => {
    folder.write('teams/payments.yaml', docs(group('payments')));
    folder.write('services/billing.yaml', docs(component('billing', { owner: 'payments' })));
    const root = folder.write('catalog-info.yaml', docs(location('root', ['./teams/payments.yaml', './services/billing.yaml'])));
    await run(root);
    expect(await refs()).toEqual(['component:default/billing', 'group:default/payments', 'location:default/root']);

    await db().pool.query('TRUNCATE locations, entities, relations, processing_errors');
    await run(folder.path('services'));
    expect(await refs()).toEqual(['component:default/billing']);
  });

  it('keeps the last good entities when catalog-info.yaml stops parsing, and says where it broke', async () => {
    const file = folder.write('catalog-info.yaml', docs(component('billing'), component('ledger')));
    await run(file);
    folder.write('catalog-info.yaml', 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: billing\n   bad-indent: true\n');
    const report = await run(file);
    expect(await refs()).toEqual(['component:default/billing', 'component:default/ledger']);
    expect(report.errors).toHaveLength(1);
    expect(report.errors[0]).toMatchObject({ kind: 'parse', file, line: 5 });
    expect(report.errors[0]!.message).toContain(`${file} is not valid YAML: bad indentation of a mapping entry`);
    const { rows } = await db().pool.query(`SELECT status FROM locations WHERE key = $1`, [`file:${file}`]);
    expect(rows).toEqual([{ status: 'error' }]);
  });

  it('skips an invalid entity with its error and keeps its siblings', async () => {
    const file = folder.write('catalog-info.yaml', docs(component('billing'), component('bad name'), component('ledger')));
    const report = await run(file);
    expect(await refs()).toEqual(['component:default/billing', 'component:default/ledger']);
    expect(report.errors).toHaveLength(1);
    expect(report.errors[0]).toMatchObject({ kind: 'validation', file, document: 2, line: 10, entityRef: 'component:default/bad name' });
    expect(report.errors[0]!.message).toContain('metadata.name');
  });

  it('keeps the first location that claims a ref and records a conflict on the second, until the first lets go', async () => {
    const first = folder.write('a.yaml', docs(component('billing', { owner: 'team-a' })));
    const second = folder.write('b.yaml', docs(component('billing', { owner: 'team-b' }), component('ledger')));
    let report = await run(first, second);
    expect(await relations('component:default/billing')).toEqual(['ownedBy group:default/team-a']);
    expect(report.errors).toEqual([expect.objectContaining({ kind: 'conflict', file: second, entityRef: 'component:default/billing', message: expect.stringContaining(`already defined by ${first}`) })]);
    expect(await refs()).toEqual(['component:default/billing', 'component:default/ledger']);

    folder.write('a.yaml', docs(component('payments')));
    await run(first);
    report = await run(second);
    expect(report.errors).toEqual([]);
    expect(await relations('component:default/billing')).toEqual(['ownedBy group:default/team-b']);
  });

  it('removes entities that their location no longer yields, with their relations', async () => {
    const file = folder.write('catalog-info.yaml', docs(component('billing', { owner: 'payments' }), component('ledger')));
    await run(file);
    folder.write('catalog-info.yaml', docs(component('ledger')));
    const report = await run(file);
    expect(report.entities).toMatchObject({ removed: 1, unchanged: 1 });
    expect(await refs()).toEqual(['component:default/ledger']);
    expect(await relations('group:default/payments')).toEqual([]);
  });

  it('removes the entities of a target that its Location drops, and of a file deleted from a folder', async () => {
    folder.write('teams.yaml', docs(group('payments')));
    folder.write('services.yaml', docs(component('billing')));
    const root = folder.write('root.yaml', docs(location('root', ['./teams.yaml', './services.yaml'])));
    await run(root);
    folder.write('root.yaml', docs(location('root', ['./teams.yaml'])));
    await run(root);
    expect(await refs()).toEqual(['group:default/payments', 'location:default/root']);

    await db().pool.query('TRUNCATE locations, entities, relations, processing_errors');
    folder.remove('root.yaml');
    await run(folder.root);
    folder.remove('services.yaml');
    const report = await run(folder.root);
    expect(report.entities.removed).toBe(1);
    expect(await refs()).toEqual(['group:default/payments']);
  });

  it('writes nothing for unchanged files', async () => {
    folder.write('teams.yaml', docs(group('payments')));
    const root = folder.write('root.yaml', docs(location('root', ['./teams.yaml'])));
    await run(root);
    const before = await db().pool.query('SELECT ref, updated_at FROM entities ORDER BY ref');
    const writes = jest.spyOn(store, 'writeLocations');
    const report = await run(root);
    expect(writes).not.toHaveBeenCalled();
    expect(report.locations).toMatchObject({ visited: 2, processed: 0, unchanged: 2 });
    expect(report.entities).toMatchObject({ added: 0, updated: 0, unchanged: 2, removed: 0 });
    expect((await db().pool.query('SELECT ref, updated_at FROM entities ORDER BY ref')).rows).toEqual(before.rows);
  });

  it('re-reads a file when a file its $text placeholder reads changes', async () => {
    folder.write('openapi.yaml', 'openapi: 3.0.0\n');
    const file = folder.write('api.yaml', docs(['apiVersion: backstage.io/v1alpha1', 'kind: API', 'metadata:', '  name: billing-api', 'spec:', '  type: openapi', '  lifecycle: production', '  owner: payments', '  definition:', '    $text: ./openapi.yaml'].join('\n')));
    await run(file);
    const definition = async () => (await store.getByRef('api:default/billing-api'))!.entity.spec!.definition;
    expect(await definition()).toBe('openapi: 3.0.0\n');
    folder.write('openapi.yaml', 'openapi: 3.1.0\n');
    const report = await run(file);
    expect(report.locations.processed).toBe(1);
    expect(await definition()).toBe('openapi: 3.1.0\n');
  });

  it('makes an unresolvable URL placeholder an error on that entity only', async () => {
    const api = ['apiVersion: backstage.io/v1alpha1', 'kind: API', 'metadata:', '  name: remote-api', 'spec:', '  type: openapi', '  lifecycle: production', '  owner: payments', '  definition:', '    $text: https://example.com/openapi.yaml'].join('\n');
    const file = folder.write('apis.yaml', docs(api, component('billing')));
    const report = await run(file);
    expect(await refs()).toEqual(['component:default/billing']);
    expect(report.errors).toEqual([expect.objectContaining({ kind: 'placeholder', entityRef: 'api:default/remote-api', message: expect.stringContaining('could not resolve $text https://example.com/openapi.yaml') })]);
  });

  it('detects a cycle of Location files and still reads each file once', async () => {
    const a = folder.write('a.yaml', docs(location('a', ['./b.yaml']), group('payments')));
    folder.write('b.yaml', docs(location('b', ['./a.yaml']), component('billing')));
    const report = await run(a);
    expect(await refs()).toEqual(['component:default/billing', 'group:default/payments', 'location:default/a', 'location:default/b']);
    expect(report.errors).toEqual([expect.objectContaining({ kind: 'location', file: folder.path('b.yaml'), message: expect.stringContaining(`Location cycle: ${a} → ${folder.path('b.yaml')} → ${a}`) })]);
  });
});

describe('ingesting bad input', () => {
  async function seeded(): Promise<string> {
    const file = folder.write('catalog-info.yaml', docs(component('billing')));
    await run(file);
    return file;
  }

  it.each([
    ['a path that does not exist', () => folder.path('missing.yaml'), /missing\.yaml does not exist/],
    ['a folder without YAML', () => (folder.write('empty/readme.txt', 'hi'), folder.path('empty')), /empty contains no \.yaml or \.yml files/],
    ['a binary file', () => folder.write('binary.yaml', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01])), /binary\.yaml is a binary file, not YAML/],
    ['a file over the size cap', () => folder.write('huge.yaml', `# ${'x'.repeat(70 * 1024)}\n`), /huge\.yaml is 70\.0 KiB, over the 64\.0 KiB limit/],
    ['duplicate keys', () => folder.write('dupes.yaml', 'kind: Component\nkind: API\n'), /dupes\.yaml is not valid YAML: duplicated mapping key/],
    ['an alias bomb', () => folder.write('bomb.yaml', ['a: &a [x, x, x, x, x, x, x, x, x, x]', 'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]', 'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]', 'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]', 'e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]', 'f: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]'].join('\n')), /bomb\.yaml.*document 1 expands to more than 100000 values/],
    ['deep nesting', () => folder.write('deep.yaml', `${'['.repeat(200)}${']'.repeat(200)}\n`), /deep\.yaml is not valid YAML: it is nested too deeply/],
    ['a named pipe, which would never finish reading', () => (execFileSync('mkfifo', [folder.path('pipe.yaml')]), folder.path('pipe.yaml')), /pipe\.yaml is not a regular file/],
  ])('reports %s clearly, naming the file, and keeps the catalog', async (_what, makePath, message) => {
    await seeded();
    const report = await run(makePath());
    expect(report.errors).toHaveLength(1);
    expect(`${report.errors[0]!.file}: ${report.errors[0]!.message}`).toMatch(message);
    expect(await refs()).toEqual(['component:default/billing']);
  });

  it('rejects documents that are not mappings and malformed refs, keeping the valid ones', async () => {
    const file = folder.write('mixed.yaml', docs('just a string', '- a\n- list', component('billing', { owner: '"group:"' }), component('ledger', { dependsOn: ['payments-db'] }), component('valid')));
    const report = await run(file);
    expect(await refs()).toEqual(['component:default/valid']);
    expect(report.errors.map((e) => [e.document, e.message])).toEqual([
      [1, 'document 1 is a string, but an entity must be a mapping with apiVersion, kind and metadata'],
      [2, 'document 2 is a list, but an entity must be a mapping with apiVersion, kind and metadata'],
      [3, expect.stringContaining('spec.owner')],
      [4, expect.stringContaining('spec.dependsOn')],
    ]);
  });

  it('resolves a relative file path given on the command line', async () => {
    const file = folder.write('catalog-info.yaml', docs(component('billing')));
    const relative = path.relative(process.cwd(), file);
    await run(relative);
    expect(await refs()).toEqual(['component:default/billing']);
  });
});

describe('ingesting from URLs and other sources', () => {
  function fakeWeb(files: Record<string, string>) {
    const requests: Array<{ url: string; etag?: string }> = [];
    const reader = {
      canRead: (url: string) => url.startsWith('https://git.example/'),
      repositoryOf: (url: string) => {
        const [owner, repo] = url.slice('https://git.example/'.length).split('/');
        return owner && repo ? { owner, repo } : undefined;
      },
      async read(url: string, options: { etag?: string } = {}) {
        requests.push({ url, etag: options.etag });
        const text = files[url];
        if (text === undefined) throw new Error('404 Not Found');
        const etag = `"${text.length}"`;
        return options.etag === etag ? { notModified: true as const } : { text, etag };
      },
    };
    return { reader, requests };
  }

  it('reads a URL Location tree with targets relative to the URL, and asks conditionally the second time', async () => {
    const web = fakeWeb({
      'https://git.example/org/catalog/catalog-info.yaml': docs(location('root', ['./teams.yaml']), component('web-app', { owner: 'payments' })),
      'https://git.example/org/catalog/teams.yaml': docs(group('payments')),
    });
    const root = { type: 'url' as const, target: 'https://git.example/org/catalog/catalog-info.yaml' };
    const rules = [{ allow: [{ kind: 'Component' }, { kind: 'Group' }, { kind: 'Location' }] }];
    await ingest([root], { store, maxBytes: 65536, urlReader: web.reader, rules });
    expect(await refs()).toEqual(['component:default/web-app', 'group:default/payments', 'location:default/root']);
    expect(web.requests.map((r) => r.etag)).toEqual([undefined, undefined]);

    const report = await ingest([root], { store, maxBytes: 65536, urlReader: web.reader, rules });
    expect(web.requests.slice(2).map((r) => r.etag)).toEqual([expect.stringMatching(/^"\d+"$/), expect.stringMatching(/^"\d+"$/)]);
    expect(report.locations).toMatchObject({ processed: 0, unchanged: 2 });
  });

  it('takes other location types from a source that stands for child locations, and drops children that disappear', async () => {
    let repos = ['a', 'b'];
    const web = fakeWeb({ 'https://git.example/org/a/catalog-info.yaml': docs(component('svc-a')), 'https://git.example/org/b/catalog-info.yaml': docs(component('svc-b')) });
    const org = {
      read: async () => ({ kind: 'children' as const, children: repos.map((repo) => ({ type: 'url' as const, target: `https://git.example/org/${repo}/catalog-info.yaml` })), hash: repos.join(',') }),
    };
    const deps = { store, maxBytes: 65536, urlReader: web.reader, sources: { 'git-org': org } };
    await ingest([{ type: 'git-org', target: 'org' }], deps);
    expect(await refs()).toEqual(['component:default/svc-a', 'component:default/svc-b']);
    repos = ['a'];
    const report = await ingest([{ type: 'git-org', target: 'org' }], deps);
    expect(report.entities.removed).toBe(1);
    expect(await refs()).toEqual(['component:default/svc-a']);
  });
  it('keeps an entity that moves from one child location to another in a single pass (a renamed repository)', async () => {
    let repos = ['billing'];
    const web = fakeWeb({ 'https://git.example/org/billing/catalog-info.yaml': docs(component('billing')), 'https://git.example/org/billing-service/catalog-info.yaml': docs(component('billing', { owner: 'team-b' })) });
    const org = { read: async () => ({ kind: 'children' as const, children: repos.map((repo) => ({ type: 'url' as const, target: `https://git.example/org/${repo}/catalog-info.yaml` })), hash: repos.join(',') }) };
    const deps = { store, maxBytes: 65536, urlReader: web.reader, sources: { 'git-org': org } };
    await ingest([{ type: 'git-org', target: 'org' }], deps);
    repos = ['billing-service'];
    const report = await ingest([{ type: 'git-org', target: 'org' }], deps);
    expect(report.errors).toEqual([]);
    expect((await store.getByRef('component:default/billing'))?.locationKey).toBe('url:https://git.example/org/billing-service/catalog-info.yaml');
  });
});

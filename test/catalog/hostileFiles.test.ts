import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ingest, rootFromPath, type IngestReport, type RootLocation } from '../../src/catalog/ingest';
import { PgCatalogStore } from '../../src/catalog/PgCatalogStore';
import { CatalogFolder, component, docs, group, location, user } from '../support/catalogFiles';
import { useTestDatabase } from '../support/testDatabase';

const db = useTestDatabase();
const SECRET = 'TOP-SECRET-CREDENTIALS-7f3a';
let folder: CatalogFolder;
let outside: string;
let secretFile: string;
let store: PgCatalogStore;

beforeEach(async () => {
  folder = new CatalogFolder();
  // A file beside the catalog folder, as the embedded database's credentials.json or /etc/passwd are.
  outside = fs.mkdtempSync(path.join(os.tmpdir(), 'backline-outside-'));
  secretFile = path.join(outside, 'credentials.json');
  fs.writeFileSync(secretFile, JSON.stringify({ password: SECRET }));
  store = PgCatalogStore.create({ pool: db().pool });
  await db().pool.query('TRUNCATE locations, entities, relations, processing_errors');
});
afterEach(() => {
  folder.dispose();
  fs.rmSync(outside, { recursive: true, force: true });
});

async function run(roots: RootLocation[], extra: { maxBytes?: number; maxPlaceholderBytes?: number } = {}): Promise<IngestReport> {
  return ingest(roots, { store, maxBytes: extra.maxBytes ?? 64 * 1024, maxPlaceholderBytes: extra.maxPlaceholderBytes });
}

async function refs(): Promise<string[]> {
  const { rows } = await db().pool.query<{ ref: string }>('SELECT ref FROM entities ORDER BY ref');
  return rows.map((row) => row.ref);
}

/** Everything the catalog holds, as text: entities and every recorded problem. */
async function everythingStored(): Promise<string> {
  const entities = await db().pool.query<{ body: unknown }>('SELECT body FROM entities');
  const problems = await db().pool.query<{ message: string }>('SELECT message FROM processing_errors');
  return JSON.stringify([entities.rows, problems.rows]);
}

const described = (name: string, description: string) => component(name).replace('metadata:', `metadata:\n  description: ${description}`);

describe('reads confined to the folder the operator named', () => {
  it('never reads a $text placeholder with an absolute path, a path that climbs out, or a link out, and keeps the siblings', async () => {
    fs.symlinkSync(secretFile, folder.path('innocent.txt'));
    const file = folder.write(
      'catalog-info.yaml',
      docs(described('absolute', `{ $text: ${secretFile} }`), described('climbing', `{ $text: ../${path.basename(outside)}/credentials.json }`), described('linked', '{ $text: ./innocent.txt }'), component('sibling')),
    );
    const report = await run([await rootFromPath(file)]);

    expect(await refs()).toEqual(['component:default/sibling']);
    const messages = report.errors.map((problem) => `${problem.entityRef} ${problem.message}`);
    expect(messages).toEqual([
      expect.stringMatching(/^component:default\/absolute .*is an absolute path; Backline reads only paths relative to the catalog file/),
      expect.stringMatching(/^component:default\/climbing .*leads outside .*; Backline reads nothing outside it/),
      expect.stringMatching(/^component:default\/linked .*is a symbolic link to a file outside/),
    ]);
    expect(await everythingStored()).not.toContain(SECRET);
  });

  it('refuses Location targets and globs outside the folder, before reading them', async () => {
    fs.writeFileSync(path.join(outside, 'team.yaml'), docs(group('planted')));
    const file = folder.write('catalog-info.yaml', docs(location('absolute', [path.join(outside, 'team.yaml')]), location('glob', [`${outside}/**/*.yaml`]), location('climbing', [`../${path.basename(outside)}/*.yaml`]), component('sibling')));
    const report = await run([await rootFromPath(file)]);

    expect(await refs()).toEqual(['component:default/sibling']);
    expect(report.errors.map((problem) => [problem.entityRef, problem.kind])).toEqual([
      ['location:default/absolute', 'location'],
      ['location:default/glob', 'location'],
      ['location:default/climbing', 'location'],
    ]);
    expect(report.errors.map((problem) => problem.message).join('\n')).toMatch(/absolute path[\s\S]*absolute path[\s\S]*leads outside/);
  });

  it('does not read a catalog file through a link that leads out of the folder, and quotes nothing of it', async () => {
    fs.writeFileSync(path.join(outside, 'passwd'), `root:x:0:0:${SECRET}:/root:/bin/bash\n`);
    fs.symlinkSync(path.join(outside, 'passwd'), folder.path('teams.yaml'));
    folder.write('catalog-info.yaml', docs(location('root', ['./teams.yaml']), component('sibling')));
    const report = await run([await rootFromPath(folder.path('catalog-info.yaml'))]);

    expect(await refs()).toEqual(['component:default/sibling', 'location:default/root']);
    expect(report.errors).toEqual([expect.objectContaining({ kind: 'read', message: expect.stringContaining('is a symbolic link to a file outside') })]);
    expect(await everythingStored()).not.toContain(SECRET);
  });

  it('reads placeholders and targets inside the folder as before', async () => {
    folder.write('docs/about.md', 'Moves money.');
    folder.write('teams/payments.yaml', docs(group('payments')));
    const file = folder.write('catalog-info.yaml', docs(location('root', ['./teams/*.yaml']), described('billing', '{ $text: ./docs/about.md }')));
    const report = await run([await rootFromPath(file)]);

    expect(report.errors).toEqual([]);
    expect(await refs()).toEqual(['component:default/billing', 'group:default/payments', 'location:default/root']);
    expect((await store.getByRef('component:default/billing'))?.entity.metadata.description).toBe('Moves money.');
  });
});

describe('bounded parsing: one entity fails alone', () => {
  it('refuses an alias bomb behind a $yaml placeholder as that entity\'s error', async () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++) levels.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
    folder.write('bomb.yaml', `${levels.join('\n')}\n`);
    const file = folder.write('catalog-info.yaml', docs(described('bombed', '{ $yaml: ./bomb.yaml }'), component('sibling')));
    const report = await run([await rootFromPath(file)]);

    expect(await refs()).toEqual(['component:default/sibling']);
    expect(report.errors).toEqual([expect.objectContaining({ entityRef: 'component:default/bombed', kind: 'placeholder', message: expect.stringMatching(/expands to more than 100000 values/) })]);
  });

  it('refuses a $json file nested 5,000 deep without overflowing the stack', async () => {
    folder.write('deep.json', `${'['.repeat(5000)}${']'.repeat(5000)}`);
    const file = folder.write('catalog-info.yaml', docs(described('deep', '{ $json: ./deep.json }'), component('sibling')));
    const report = await run([await rootFromPath(file)]);

    expect(await refs()).toEqual(['component:default/sibling']);
    expect(report.errors).toEqual([expect.objectContaining({ entityRef: 'component:default/deep', message: expect.stringMatching(/nested more than 64 levels deep/) })]);
  });

  it('caps the bytes one location pulls in through placeholders, so 200 reads of one large file store nothing large', async () => {
    folder.write('big.txt', 'x'.repeat(2 * 1024 * 1024));
    const many = Array.from({ length: 200 }, (_, i) => described(`copy-${i}`, '{ $text: ./big.txt }'));
    const file = folder.write('catalog-info.yaml', docs(...many, component('sibling')));
    const report = await run([await rootFromPath(file)], { maxBytes: 4 * 1024 * 1024, maxPlaceholderBytes: 5 * 1024 * 1024 });

    // Two copies fit in 5 MiB; every later one is refused, naming the setting.
    expect((await refs()).filter((ref) => ref.startsWith('component:default/copy-'))).toHaveLength(2);
    expect(await refs()).toContain('component:default/sibling');
    expect(report.errors).toHaveLength(198);
    expect(report.errors[0]!.message).toMatch(/more than 5242880 bytes in all \(BACKLINE_MAX_PLACEHOLDER_BYTES\)/);
    const { rows } = await db().pool.query<{ bytes: string }>('SELECT sum(pg_column_size(body))::text AS bytes FROM entities');
    expect(Number(rows[0]!.bytes)).toBeLessThan(10 * 1024 * 1024);
  });

  it('reads at most 500 placeholders of one file, failed reads included', async () => {
    const many = Array.from({ length: 600 }, (_, i) => described(`missing-${i}`, `{ $text: ./nowhere-${i}.md }`));
    const file = folder.write('catalog-info.yaml', docs(...many, component('sibling')));
    const report = await run([await rootFromPath(file)], { maxBytes: 1024 * 1024 });

    expect(await refs()).toEqual(['component:default/sibling']);
    const messages = report.errors.map((problem) => problem.message);
    expect(messages.filter((message) => message.includes('does not exist'))).toHaveLength(500);
    expect(messages.filter((message) => message.includes('has more than 500 placeholders ($text, $json, $yaml); split it into several files'))).toHaveLength(100);
  });

  it('makes text PostgreSQL cannot store the error of its entity, not of the whole batch', async () => {
    const file = folder.write('catalog-info.yaml', docs(described('nul', '"before\\0after"'), described('surrogate', '"half \\uD800 pair"'), component('sibling')));
    const report = await run([await rootFromPath(file)]);

    expect(await refs()).toEqual(['component:default/sibling']);
    expect(report.errors.map((problem) => [problem.entityRef, problem.message])).toEqual([
      ['component:default/nul', expect.stringContaining('NUL character')],
      ['component:default/surrogate', expect.stringContaining('surrogate pair')],
    ]);
  });
});

describe('catalog rules for locations the operator did not name', () => {
  it('takes every kind from a path the operator named', async () => {
    const file = folder.write('org.yaml', docs(group('platform-engineering'), user('mallory', ['platform-engineering'])));
    const report = await run([await rootFromPath(file)]);
    expect(report.errors).toEqual([]);
    expect(await refs()).toEqual(['group:default/platform-engineering', 'user:default/mallory']);
  });

  it('refuses Users and Groups from an untrusted location by default, naming the rule and the setting', async () => {
    const file = folder.write('org.yaml', docs(group('platform-engineering'), user('mallory', ['platform-engineering']), component('app')));
    const report = await run([{ type: 'file', target: file }]);

    expect(await refs()).toEqual(['component:default/app']);
    expect(report.errors.map((problem) => [problem.entityRef, problem.kind])).toEqual([
      ['group:default/platform-engineering', 'rule'],
      ['user:default/mallory', 'rule'],
    ]);
    expect(report.errors[1]!.message).toBe(
      `User entities are not allowed from ${file}: catalog.rules allow Component, API, Location from there. To accept it, add a rule to catalog.rules in backline.yaml, e.g. {allow: [User], locations: [{path: ${folder.root}}]}`,
    );
  });
});

describe('reading ahead of the writes', () => {
  it('starts no more than twice the concurrency of locations ahead of the first one still being read', async () => {
    let release!: () => void;
    const firstBlocked = new Promise<void>((resolve) => (release = resolve));
    let started = 0;
    const children = Array.from({ length: 100 }, (_, i) => ({ target: folder.write(`team-${i}.yaml`, docs(component(`svc-${i}`))) }));
    const source = {
      read: async () => ({ kind: 'children' as const, children: children.map((child) => ({ type: 'url' as const, target: child.target })), hash: 'all' }),
    };
    const slow = {
      read: async (location: { target: string }) => {
        started++;
        if (location.target === children[0]!.target) await firstBlocked;
        return { kind: 'text' as const, text: fs.readFileSync(location.target, 'utf8'), hash: location.target };
      },
    };
    const done = ingest([{ type: 'many', target: 'many' }], { store, maxBytes: 64 * 1024, concurrency: 4, sources: { many: source, url: slow }, rules: [{ allow: [{ kind: 'Component' }] }] });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(started).toBe(8);
    release();
    const report = await done;
    expect(report.errors).toEqual([]);
    expect(report.entities.added).toBe(100);
  });
});

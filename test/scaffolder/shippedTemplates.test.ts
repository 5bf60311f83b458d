import fs from 'node:fs/promises';
import path from 'node:path';
import yaml from 'js-yaml';
import { PgCatalogStore } from '../../src/catalog/PgCatalogStore';
import { silentLogger } from '../../src/logger';
import { TEMPLATES_DIR } from '../../src/paths';
import { composeScaffolder } from '../../src/scaffolder/compose';
import { PgTaskStore } from '../../src/scaffolder/PgTaskStore';
import type { Scaffolder } from '../../src/scaffolder/service';
import { useTestDatabase } from '../support/testDatabase';

const db = useTestDatabase();
let scaffolder: Scaffolder;

/** What people type into a description: YAML's comment and mapping marks, quotes, a backslash, a second line. */
const DESCRIPTION = 'Handles refunds: the fast path. Payments #1 service, "quoted" and \'single\', C:\\temp\\refunds\nand a second line';
const OWNER = 'group:default/payments';

beforeAll(() => {
  const catalog = PgCatalogStore.create({ pool: db().pool });
  scaffolder = composeScaffolder({
    settings: { templatesDir: TEMPLATES_DIR, localReposDir: '/nonexistent/backline-dry-run', allowedGroups: [] },
    store: PgTaskStore.create({ pool: db().pool }),
    catalog,
    ingest: () => Promise.reject(new Error('a dry run registers nothing')),
    logger: silentLogger,
  });
});

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

/** Dry-runs a shipped template and reads the rendered files back. */
async function render(template: string, values: Record<string, unknown>): Promise<(file: string) => Promise<string>> {
  const run = await scaffolder.dryRun(await scaffolder.template(template), values, { keep: true });
  expect(run.result.error).toBeNull();
  const directory = run.directory!;
  cleanups.push(() => fs.rm(directory, { recursive: true, force: true }));
  return (file) => fs.readFile(path.join(directory, file), 'utf8');
}
const yamlOf = async (read: (file: string) => Promise<string>, file: string): Promise<unknown> => yaml.load(await read(file));
const jsonOf = async (read: (file: string) => Promise<string>, file: string): Promise<unknown> => JSON.parse(await read(file));

describe('the shipped templates', () => {
  it('typescript-service keeps a description with colons, #, quotes, a backslash and a newline exactly, in catalog-info.yaml, package.json and mkdocs.yml', async () => {
    const read = await render('typescript-service', { name: 'refunds-fast-path', description: DESCRIPTION, owner: OWNER, system: 'system:default/payments', repoUrl: 'github.com?owner=acme&repo=refunds-fast-path', docs: true });
    expect(await yamlOf(read, 'catalog-info.yaml')).toMatchObject({
      metadata: { name: 'refunds-fast-path', description: DESCRIPTION, annotations: { 'github.com/project-slug': 'acme/refunds-fast-path', 'backstage.io/techdocs-ref': 'dir:.' } },
      spec: { owner: OWNER, system: 'system:default/payments' },
    });
    expect(await jsonOf(read, 'package.json')).toMatchObject({ name: 'refunds-fast-path', description: DESCRIPTION });
    expect(await yamlOf(read, 'mkdocs.yml')).toMatchObject({ site_name: 'refunds-fast-path', site_description: DESCRIPTION });
  });

  it('typescript-library keeps the description exactly in catalog-info.yaml and package.json', async () => {
    const read = await render('typescript-library', { name: 'refund-math', description: DESCRIPTION, owner: OWNER, repoUrl: 'github.com?owner=acme&repo=refund-math' });
    expect(await yamlOf(read, 'catalog-info.yaml')).toMatchObject({ metadata: { name: 'refund-math', description: DESCRIPTION } });
    expect(await jsonOf(read, 'package.json')).toMatchObject({ name: '@acme/refund-math', description: DESCRIPTION });
  });

  it('scheduled-job keeps the description exactly in catalog-info.yaml, package.json and the chart', async () => {
    const read = await render('scheduled-job', { name: 'refund-sweep', description: DESCRIPTION, owner: OWNER, schedule: '0 2 * * *', repoUrl: 'github.com?owner=acme&repo=refund-sweep' });
    expect(await yamlOf(read, 'catalog-info.yaml')).toMatchObject({ metadata: { name: 'refund-sweep', description: DESCRIPTION }, spec: { owner: OWNER } });
    expect(await jsonOf(read, 'package.json')).toMatchObject({ name: 'refund-sweep', description: DESCRIPTION });
    expect(await yamlOf(read, 'chart/Chart.yaml')).toMatchObject({ name: 'refund-sweep', description: DESCRIPTION });
    expect(await yamlOf(read, 'chart/values.yaml')).toMatchObject({ schedule: '0 2 * * *', timeoutMinutes: 30 });
  });
});

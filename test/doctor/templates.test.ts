import fs from 'node:fs';
import path from 'node:path';
import { TEMPLATES_DIR } from '../../src/paths';
import { CatalogFolder } from '../support/catalogFiles';
import { useTestDatabase } from '../support/testDatabase';
import { catalogOf, check, doctor } from './helpers';

const db = useTestDatabase();
const shipped = fs.readdirSync(TEMPLATES_DIR).filter((name) => fs.existsSync(path.join(TEMPLATES_DIR, name, 'template.yaml')));
let folder: CatalogFolder;

beforeAll(() => catalogOf(db()));
beforeEach(() => {
  folder = new CatalogFolder();
});
afterEach(() => folder.dispose());

const templatesCheck = async (dir?: string) => check(await doctor({ DATABASE_URL: db().url, ...(dir && { BACKLINE_TEMPLATES_DIR: dir }) }), 'scaffolder.templates');

describe('templates', () => {
  it('load from the shipped folder and the catalog', async () => {
    expect(await templatesCheck()).toEqual({ name: 'scaffolder.templates', status: 'ok', message: `${shipped.length} templates load (folder: ${TEMPLATES_DIR}, and the catalog)`, fix: null });
  });

  it('name each template that does not load, with why, and how to see it again', async () => {
    const name = shipped[0]!;
    fs.cpSync(path.join(TEMPLATES_DIR, name), folder.path(name), { recursive: true });
    const broken = folder.write('broken/template.yaml', 'apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata: [not, a, mapping\n');
    const found = await templatesCheck(folder.root);
    expect(found.status).toBe('problem');
    expect(found.message).toBe('1 template does not load (1 template did)');
    expect(found.fix!.split('\n')).toEqual([expect.stringMatching(new RegExp(`^${broken.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: .*not valid YAML`)), 'Fix each file (docs/templates.md says what Backline supports); `backline template list` shows the problems again.']);
  });

  it('are a problem when there are none, since /create-service would offer nothing', async () => {
    expect(await templatesCheck(folder.root)).toEqual({
      name: 'scaffolder.templates',
      status: 'problem',
      message: `there are no templates in ${folder.root} nor in the catalog, so /create-service has nothing to offer`,
      fix: 'Set BACKLINE_TEMPLATES_DIR to a folder of templates (<name>/template.yaml with its skeleton/), or unset it to use the templates that ship with Backline.',
    });
  });
});

import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createCatalogEntityActions } from '../../src/scaffolder/actions/catalogEntities';
import { createFetchActions } from '../../src/scaffolder/actions/fetch';
import { createFilesystemActions } from '../../src/scaffolder/actions/filesystem';
import type { Action, ActionContext } from '../../src/scaffolder/actions/types';

let scratch: string;
let workspace: string;
let outside: string;
beforeEach(async () => {
  scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'backline-workspace-'));
  workspace = path.join(scratch, 'workspace');
  outside = path.join(scratch, 'outside');
  await fs.mkdir(path.join(workspace, 'src'), { recursive: true });
  await fs.mkdir(outside);
  await fs.writeFile(path.join(outside, 'precious.txt'), 'keep me');
  await fs.writeFile(path.join(workspace, 'src', 'a.ts'), 'a');
  await fs.writeFile(path.join(workspace, 'src', 'b.test.ts'), 'b');
  await fs.writeFile(path.join(workspace, '.env.example'), 'X=1');
});
afterEach(() => fs.rm(scratch, { recursive: true, force: true }));

const actions = new Map([...createFilesystemActions(), ...createFetchActions(), ...createCatalogEntityActions({ catalog: { getManyByRef: async () => [] } })].map((action) => [action.id, action]));

async function run(id: string, input: Record<string, unknown>, templateDir: string | null = null): Promise<Record<string, unknown>> {
  const context: ActionContext = { input, workspace, templateDir, templateName: 't', log: () => undefined, previouslyLeftBehind: [], leave: () => undefined, dryRun: false, publishedRepositories: [] };
  return (actions.get(id) as Action).run(context);
}
const exists = (file: string) => fs.access(file).then(() => true, () => false);

describe('fs:delete', () => {
  it('deletes the files its globs match, dotfiles included, and nothing else', async () => {
    await run('fs:delete', { files: ['src/*.test.ts', '.env*'] });
    expect(await exists(path.join(workspace, 'src', 'b.test.ts'))).toBe(false);
    expect(await exists(path.join(workspace, '.env.example'))).toBe(false);
    expect(await exists(path.join(workspace, 'src', 'a.ts'))).toBe(true);
  });

  it('refuses a path outside the workspace, before deleting anything', async () => {
    await expect(run('fs:delete', { files: ['src/a.ts', '../outside/precious.txt'] })).rejects.toThrow('fs:delete: "../outside/precious.txt" goes up with ".."; it deletes only inside the workspace');
    await expect(run('fs:delete', { files: [path.join(outside, 'precious.txt')] })).rejects.toThrow(/is absolute/);
    expect(await exists(path.join(workspace, 'src', 'a.ts'))).toBe(true);
    expect(await fs.readFile(path.join(outside, 'precious.txt'), 'utf8')).toBe('keep me');
  });

  it('removes a symlink that matches, never what it points at, and does not follow one into another folder', async () => {
    await fs.symlink(outside, path.join(workspace, 'link'));
    await run('fs:delete', { files: ['link/**'] });
    expect(await fs.readFile(path.join(outside, 'precious.txt'), 'utf8')).toBe('keep me');
    await run('fs:delete', { files: ['link'] });
    expect(await exists(path.join(workspace, 'link'))).toBe(false);
    expect(await fs.readFile(path.join(outside, 'precious.txt'), 'utf8')).toBe('keep me');
  });
});

describe('fs:rename', () => {
  it('moves files into new folders, and refuses to overwrite unless told to', async () => {
    await run('fs:rename', { files: [{ from: 'src/a.ts', to: 'lib/main.ts' }] });
    expect(await fs.readFile(path.join(workspace, 'lib', 'main.ts'), 'utf8')).toBe('a');
    await expect(run('fs:rename', { files: [{ from: 'src/b.test.ts', to: 'lib/main.ts' }] })).rejects.toThrow('fs:rename: lib/main.ts already exists; set overwrite: true to replace it');
    await run('fs:rename', { files: [{ from: 'src/b.test.ts', to: 'lib/main.ts', overwrite: true }] });
    expect(await fs.readFile(path.join(workspace, 'lib', 'main.ts'), 'utf8')).toBe('b');
  });

  it('refuses a destination outside the workspace or through a symlink', async () => {
    await fs.symlink(outside, path.join(workspace, 'link'));
    await expect(run('fs:rename', { files: [{ from: 'src/a.ts', to: '../outside/a.ts' }] })).rejects.toThrow(/goes up with "\.\."/);
    await expect(run('fs:rename', { files: [{ from: 'src/a.ts', to: 'link/a.ts' }] })).rejects.toThrow('fs:rename\'s to "link/a.ts" goes through a symlink; paths must stay inside the workspace');
    expect(await fs.readdir(outside)).toEqual(['precious.txt']);
  });
});

describe('catalog:write', () => {
  it('writes the entity as YAML at filePath, and refuses one outside the workspace', async () => {
    await run('catalog:write', { filePath: 'catalog/info.yaml', entity: { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'ledger' } } });
    expect(await fs.readFile(path.join(workspace, 'catalog', 'info.yaml'), 'utf8')).toBe('apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ledger\n');
    await expect(run('catalog:write', { filePath: '/etc/catalog-info.yaml', entity: {} })).rejects.toThrow(/is absolute/);
  });
});

describe('fetch:template:file and fetch:plain:file', () => {
  it('render or copy one file of the template to targetPath, and refuse a symlink in the template', async () => {
    const templateDir = path.join(scratch, 'template');
    await fs.mkdir(templateDir);
    await fs.writeFile(path.join(templateDir, 'README.md'), '# ${{ values.name }}\n');
    await fs.symlink(path.join(outside, 'precious.txt'), path.join(templateDir, 'sneaky.txt'));
    await run('fetch:template:file', { url: './README.md', targetPath: 'docs/index.md', values: { name: 'ledger' } }, templateDir);
    expect(await fs.readFile(path.join(workspace, 'docs', 'index.md'), 'utf8')).toBe('# ledger\n');
    await run('fetch:plain:file', { url: './README.md', targetPath: 'raw.md' }, templateDir);
    expect(await fs.readFile(path.join(workspace, 'raw.md'), 'utf8')).toBe('# ${{ values.name }}\n');
    await expect(run('fetch:plain:file', { url: './sneaky.txt', targetPath: 'stolen.txt' }, templateDir)).rejects.toThrow(/symlink/);
    await expect(run('fetch:plain:file', { url: '../outside/precious.txt', targetPath: 'stolen.txt' }, templateDir)).rejects.toThrow(/leads outside .*, the folder the template came from/);
    expect(await exists(path.join(workspace, 'stolen.txt'))).toBe(false);
  });
});

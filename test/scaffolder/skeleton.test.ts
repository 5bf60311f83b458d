import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { renderSkeleton } from '../../src/scaffolder/skeleton';

let scratch: string;
beforeEach(async () => {
  scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'backline-skeleton-test-'));
});
afterEach(() => fs.rm(scratch, { recursive: true, force: true }));

async function skeleton(files: Record<string, string>): Promise<{ skeletonDir: string; workspace: string }> {
  const skeletonDir = path.join(scratch, 'skeleton');
  for (const [file, content] of Object.entries(files)) {
    await fs.mkdir(path.dirname(path.join(skeletonDir, file)), { recursive: true });
    await fs.writeFile(path.join(skeletonDir, file), content);
  }
  const workspace = path.join(scratch, 'workspace');
  await fs.mkdir(workspace);
  return { skeletonDir, workspace };
}

const read = (workspace: string, file: string) => fs.readFile(path.join(workspace, file), 'utf8');

describe('rendering a skeleton', () => {
  it('templates ${{ values.x }} with filters in contents and file names, and leaves plain {{ }} as it is', async () => {
    const dirs = await skeleton({
      '${{ values.name }}/README.md': '# ${{ values.name | upper }}\nowner: ${{values.owner}}\n',
      'chart/templates/deployment.yaml': 'name: {{ .Chart.Name }}\nimage: ${{ values.name }}:{{ .Values.tag }}\n',
    });
    const rendered = await renderSkeleton({ ...dirs, values: { name: 'ledger', owner: 'group:default/payments' } });
    expect(rendered.files).toEqual(['chart/templates/deployment.yaml', 'ledger/README.md']);
    expect(await read(dirs.workspace, 'ledger/README.md')).toBe('# LEDGER\nowner: group:default/payments\n');
    expect(await read(dirs.workspace, 'chart/templates/deployment.yaml')).toBe('name: {{ .Chart.Name }}\nimage: ledger:{{ .Values.tag }}\n');
  });

  it('copies files matched by copyWithoutTemplating as they are, ${{ github.x }} included, but still renders their paths', async () => {
    const workflow = 'run: echo ${{ github.sha }} ${{ values.name }}\n';
    const dirs = await skeleton({ '.github/workflows/${{ values.name }}.yml': workflow, 'other.txt': '${{ values.name }}' });
    await renderSkeleton({ ...dirs, values: { name: 'ledger' }, copyWithoutTemplating: ['.github/workflows/*'] });
    expect(await read(dirs.workspace, '.github/workflows/ledger.yml')).toBe(workflow);
    expect(await read(dirs.workspace, 'other.txt')).toBe('ledger');
  });

  it('leaves out a file whose name renders empty, and renders block helpers', async () => {
    const dirs = await skeleton({ '${{ when values.docs "mkdocs.yml" }}': 'site_name: x', 'a.txt': '${{#if values.docs}}docs${{else}}no docs${{/if}}' });
    const rendered = await renderSkeleton({ ...dirs, values: { docs: false } });
    expect(rendered.files).toEqual(['a.txt']);
    expect(rendered.skipped).toEqual(['${{ when values.docs "mkdocs.yml" }}']);
    expect(await read(dirs.workspace, 'a.txt')).toBe('no docs');
  });

  it('renders into targetPath inside the workspace', async () => {
    const dirs = await skeleton({ 'a.txt': 'x' });
    expect((await renderSkeleton({ ...dirs, values: {}, targetPath: './service' })).files).toEqual(['service/a.txt']);
  });
});

describe('path safety', () => {
  it('refuses a file name that renders to a path outside the workspace, and writes nothing there', async () => {
    const dirs = await skeleton({ '${{ values.name }}/evil.txt': 'x' });
    await expect(renderSkeleton({ ...dirs, values: { name: '../../outside' } })).rejects.toThrow(
      'The skeleton file ${{ values.name }}/evil.txt renders to "../../outside/evil.txt", which goes up with ".."; paths must stay inside the workspace',
    );
    await expect(fs.access(path.join(scratch, 'outside'))).rejects.toThrow();
  });

  it('refuses absolute paths, from a value and from targetPath', async () => {
    const dirs = await skeleton({ '${{ values.name }}': 'x' });
    await expect(renderSkeleton({ ...dirs, values: { name: '/etc/passwd' } })).rejects.toThrow(/is absolute; paths must stay inside the workspace/);
    await expect(renderSkeleton({ ...dirs, values: { name: 'a' }, targetPath: '../elsewhere' })).rejects.toThrow('fetch:template targetPath "../elsewhere" goes up with ".."');
  });

  it('refuses a skeleton that contains a symlink', async () => {
    const dirs = await skeleton({ 'a.txt': 'x' });
    await fs.symlink('/etc/hostname', path.join(dirs.skeletonDir, 'hostname'));
    await expect(renderSkeleton({ ...dirs, values: {} })).rejects.toThrow('The skeleton contains a symlink at hostname; skeletons may not contain symlinks, copy the file instead');
    expect(await fs.readdir(dirs.workspace)).toEqual([]);
  });
});

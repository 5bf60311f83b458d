import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { renderSkeleton as render, type RenderSkeletonOptions } from '../../src/scaffolder/skeleton';
import { TemplateSandbox } from '../../src/scaffolder/templating/sandbox';

let sandbox: TemplateSandbox;
beforeAll(async () => {
  sandbox = await TemplateSandbox.start();
});
afterAll(() => sandbox.close());
const renderSkeleton = (options: Omit<RenderSkeletonOptions, 'sandbox'>) => render({ sandbox, templateName: 'svc', ...options });

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

  it('leaves out a file whose name or folder renders empty, as Backstage does', async () => {
    const dirs = await skeleton({ '${{ "mkdocs.yml" if values.docs }}': 'site_name: x', '${{ "docs" if values.docs }}/index.md': '# Docs', 'a.txt': 'kept' });
    const rendered = await renderSkeleton({ ...dirs, values: { docs: false } });
    expect(rendered.files).toEqual(['a.txt']);
    expect(rendered.skipped).toEqual(['${{ "docs" if values.docs }}/index.md', '${{ "mkdocs.yml" if values.docs }}']);
  });

  it('renders Nunjucks blocks, whitespace control, loops, comments and raw sections instead of leaving them as text', async () => {
    const source = [
      'a:{%- if values.docs %}',
      '  docs: true',
      '{%- endif %}',
      '{# a comment the output never shows #}',
      '{% for tag in values.tags %}- ${{ tag | capitalize }}',
      '{% endfor %}',
      'sha: {% raw %}${{ github.sha }}{% endraw %}',
      'env: ${{ "prod" if values.docs else "dev" }}',
      'slug: ${{ values.destination.owner + "/" + values.destination.repo }}',
      'shell: "${1:-${{ values.name }}}"',
    ].join('\n');
    const dirs = await skeleton({ 'out.yaml': source });
    await renderSkeleton({ ...dirs, values: { docs: true, tags: ['api', 'web'], name: 'ledger', destination: { owner: 'acme', repo: 'ledger' } } });
    expect(await read(dirs.workspace, 'out.yaml')).toBe(['a:', '  docs: true', '', '- Api', '- Web', '', 'sha: ${{ github.sha }}', 'env: prod', 'slug: acme/ledger', 'shell: "${1:-ledger}"'].join('\n'));
  });

  it('reads {{ cookiecutter.x }} with cookiecutterCompat, and offers jsonify there', async () => {
    const dirs = await skeleton({ '{{ cookiecutter.name }}.json': '{"name": {{ cookiecutter.name | jsonify }}}' });
    const rendered = await renderSkeleton({ ...dirs, values: { name: 'ledger' }, cookiecutterCompat: true });
    expect(rendered.files).toEqual(['ledger.json']);
    expect(await read(dirs.workspace, 'ledger.json')).toBe('{"name": "ledger"}');
  });

  it('copies files matched by copyWithoutRender as they are, their paths included', async () => {
    const dirs = await skeleton({ 'raw/${{ values.name }}.txt': '${{ values.name }}', 'b.txt': '${{ values.name }}' });
    const rendered = await renderSkeleton({ ...dirs, values: { name: 'ledger' }, copyWithoutRender: ['raw'] });
    expect(rendered.files).toEqual(['b.txt', 'raw/${{ values.name }}.txt']);
    expect(await read(dirs.workspace, 'raw/${{ values.name }}.txt')).toBe('${{ values.name }}');
  });

  it('templates only files with templateFileExtension, dropping it, and renders every path', async () => {
    const dirs = await skeleton({ 'README.md.njk': '# ${{ values.name }}', '${{ values.name }}.sh': 'echo ${{ values.name }}' });
    const rendered = await renderSkeleton({ ...dirs, values: { name: 'ledger' }, templateFileExtension: '.njk' });
    expect(rendered.files).toEqual(['README.md', 'ledger.sh']);
    expect(await read(dirs.workspace, 'README.md')).toBe('# ledger');
    expect(await read(dirs.workspace, 'ledger.sh')).toBe('echo ${{ values.name }}');
  });

  it('keeps a file already in the workspace unless replace is set', async () => {
    const dirs = await skeleton({ 'a.txt': '${{ values.v }}' });
    await renderSkeleton({ ...dirs, values: { v: 'first' } });
    expect((await renderSkeleton({ ...dirs, values: { v: 'second' } })).skipped).toEqual(['a.txt']);
    expect(await read(dirs.workspace, 'a.txt')).toBe('first');
    await renderSkeleton({ ...dirs, values: { v: 'third' }, replace: true });
    expect(await read(dirs.workspace, 'a.txt')).toBe('third');
  });

  it('names the template, the file and the line of an error, with the whole message', async () => {
    const dirs = await skeleton({ 'docs/guide.md': '# Guide\n\nBy ${{ values.owner...name }}' });
    await expect(renderSkeleton({ ...dirs, values: {} })).rejects.toThrow('The template svc cannot be rendered: skeleton/docs/guide.md, line 3, column 21: expected name as lookup value, got .');
  });

  it('names the file of an unclosed block and of a file name that cannot render', async () => {
    const dirs = await skeleton({ 'docs/unclosed.md': '{% if values.docs %}\nno end' });
    await expect(renderSkeleton({ ...dirs, values: {} })).rejects.toThrow('The template svc cannot be rendered: skeleton/docs/unclosed.md: parseIf: expected elif, else, or endif, got end of file');
    await fs.rm(path.join(dirs.skeletonDir, 'docs'), { recursive: true });
    await fs.writeFile(path.join(dirs.skeletonDir, '${{ values.name | nope }}.txt'), 'x');
    await expect(renderSkeleton({ ...dirs, values: {} })).rejects.toThrow('The template svc cannot be rendered: the name of skeleton/${{ values.name | nope }}.txt: filter not found: nope');
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

  it('leaves out a path a value makes absolute, as Backstage does, and refuses a targetPath outside', async () => {
    const dirs = await skeleton({ '${{ values.name }}': 'x' });
    expect(await renderSkeleton({ ...dirs, values: { name: '/etc/passwd' } })).toEqual({ files: [], skipped: ['${{ values.name }}'] });
    await expect(renderSkeleton({ ...dirs, values: { name: 'a' }, targetPath: '../elsewhere' })).rejects.toThrow('fetch:template targetPath "../elsewhere" goes up with ".."');
  });

  it('refuses a skeleton that contains a symlink', async () => {
    const dirs = await skeleton({ 'a.txt': 'x' });
    await fs.symlink('/etc/hostname', path.join(dirs.skeletonDir, 'hostname'));
    await expect(renderSkeleton({ ...dirs, values: {} })).rejects.toThrow('The skeleton contains a symlink at hostname; skeletons may not contain symlinks, copy the file instead');
    expect(await fs.readdir(dirs.workspace)).toEqual([]);
  });
});

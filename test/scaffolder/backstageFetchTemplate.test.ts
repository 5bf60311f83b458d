/**
 * Backstage's own fetch:template tests (plugins/scaffolder-backend/src/scaffolder/actions/builtin/
 * fetch/template.test.ts), case by case, run against Backline's fetch:template. Each test name starts
 * with the Backstage `describe › it` it mirrors; the expected bytes are Backstage's. Where Backline
 * differs on purpose, the name says so and why, and the test asserts Backline's behaviour.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createFetchActions } from '../../src/scaffolder/actions/fetch';
import type { Action, ActionContext } from '../../src/scaffolder/actions/types';
import { TemplateSandbox } from '../../src/scaffolder/templating/sandbox';

/** A folder tree as Backstage's mockDir.setContent takes it: text or bytes for a file, an object for a folder. */
type Tree = { [name: string]: string | Buffer | Tree | { executable: string } };

// A PNG's first bytes (signature and IHDR chunk, full of NUL bytes), with template syntax inside that must survive.
const aBinaryFile = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 0xc0, 0, 0, 0, 0xc0, 8, 6, 0, 0, 0]),
  Buffer.from('${{ values.name }}'),
]);

let sandbox: TemplateSandbox;
beforeAll(async () => {
  sandbox = await TemplateSandbox.start();
});
afterAll(() => sandbox.close());

let scratch: string;
let templateDir: string;
let workspace: string;
beforeEach(async () => {
  scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'backline-backstage-fetch-'));
  templateDir = path.join(scratch, 'template');
  workspace = path.join(scratch, 'workspace');
  await fs.mkdir(templateDir);
  await fs.mkdir(workspace);
});
afterEach(() => fs.rm(scratch, { recursive: true, force: true }));

async function write(dir: string, tree: Tree): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  for (const [name, content] of Object.entries(tree)) {
    const target = path.join(dir, name);
    if (typeof content === 'string' || Buffer.isBuffer(content)) await fs.writeFile(target, content);
    else if ('executable' in content && typeof content.executable === 'string') await fs.writeFile(target, content.executable, { mode: 0o755 });
    else await write(target, content as Tree);
  }
}

const fetchTemplate = createFetchActions().find((action) => action.id === 'fetch:template') as Action;
const logs: string[] = [];

/** Backstage's mockContext: url ./skeleton, targetPath ./target, and the input patch. */
async function runFetchTemplate(skeleton: Tree, inputPatch: Record<string, unknown>): Promise<void> {
  await write(path.join(templateDir, 'skeleton'), skeleton);
  const input = { url: './skeleton', targetPath: './target', values: { test: 'value' }, ...inputPatch };
  const context: ActionContext = { input, workspace, templateDir, templateName: 'test-template', log: (line) => logs.push(line), previouslyLeftBehind: [], leave: () => undefined, dryRun: false, publishedRepositories: [], sandbox };
  await fetchTemplate.run(context);
}

const target = (file: string) => path.join(workspace, 'target', file);
const read = (file: string) => fs.readFile(target(file), 'utf8');
const exists = (file: string) => fs.lstat(target(file)).then(() => true, () => false);

describe("Backstage's fetch:template handler", () => {
  it("'throws if output directory is outside the workspace' (Backline words the refusal its own way)", async () => {
    await expect(runFetchTemplate({}, { targetPath: '../' })).rejects.toThrow('fetch:template targetPath ".." goes up with ".."; paths must stay inside the workspace');
  });

  it("'throws if copyWithoutRender parameter is not an array'", async () => {
    await expect(runFetchTemplate({}, { copyWithoutRender: 'abc' })).rejects.toThrow(/copyWithoutRender" must be a list/);
  });

  it("'throws if both copyWithoutRender and copyWithoutTemplating are used'", async () => {
    await expect(runFetchTemplate({}, { copyWithoutRender: 'abc', copyWithoutTemplating: 'def' })).rejects.toThrow(/copyWithoutRender and copyWithoutTemplating cannot be used together/);
  });

  it("'throws if copyWithoutRender is used with extension'", async () => {
    await expect(runFetchTemplate({}, { copyWithoutRender: ['abc'], templateFileExtension: true })).rejects.toThrow(/templateFileExtension cannot be combined with copyWithoutRender, copyWithoutTemplating or cookiecutterCompat/);
  });

  it("'throws if cookiecutterCompat is used with extension'", async () => {
    await expect(runFetchTemplate({}, { cookiecutterCompat: true, templateFileExtension: true })).rejects.toThrow(/templateFileExtension cannot be combined/);
  });

  it("'uses fetchContents to retrieve the template content' and 'passed through the token': Backline reads ./skeleton from the template's folder and refuses a remote URL, so there is no token to pass", async () => {
    await expect(runFetchTemplate({}, { url: 'https://github.com/acme/templates/tree/main/skeleton' })).rejects.toThrow(/reads skeletons from the template's own folder only/);
    logs.length = 0;
    await runFetchTemplate({ 'static.txt': 'static content' }, { token: 'mockToken' });
    expect(await read('static.txt')).toBe('static content');
    expect(logs).toContain('fetch:template: the input "token" is not supported and was ignored');
  });
});

describe("Backstage's 'with optional directories / files'", () => {
  const values = { showDummyFile: false, skipRootDirectory: true, skipSubdirectory: true, skipMultiplesDirectories: true, skipFileInsideDirectory: true };
  beforeEach(() =>
    runFetchTemplate(
      {
        '{% if values.showDummyFile %}dummy-file.txt{% else %}{% endif %}': 'dummy file',
        '${{ "dummy-file2.txt" if values.showDummyFile else "" }}': 'some dummy file',
        '${{ "dummy-dir" if not values.skipRootDirectory else "" }}': {
          'file.txt': 'file inside optional directory',
          subdir: { '${{ "dummy-subdir" if not values.skipSubdirectory else "" }}': 'file inside optional subdirectory' },
        },
        subdir2: {
          '${{ "dummy-subdir" if not values.skipMultiplesDirectories else "" }}': {
            '${{ "dummy-subdir" if not values.skipMultiplesDirectories else "" }}': { 'multipleDirectorySkippedFile.txt': 'file inside multiple optional subdirectories' },
          },
        },
        subdir3: { '${{ "fileSkippedInsideDirectory.txt" if not values.skipFileInsideDirectory else "" }}': 'skipped file inside directory' },
      },
      { values },
    ),
  );

  it("'skips empty filename'", async () => expect(await exists('dummy-file.txt')).toBe(false));
  it("'skips empty filename syntax #2'", async () => expect(await exists('dummy-file2.txt')).toBe(false));
  it("'skips empty directory'", async () => {
    expect(await exists('dummy-dir/dummy-file3.txt')).toBe(false);
    expect(await exists('file.txt')).toBe(false);
  });
  it("'skips empty filename inside directory'", async () => expect(await exists('subdir3/fileSkippedInsideDirectory.txt')).toBe(false));
  it("'skips content of empty subdirectory'", async () => {
    expect(await exists('subdir2/multipleDirectorySkippedFile.txt')).toBe(false);
    expect(await exists('subdir2/dummy-subdir/dummy-subdir/multipleDirectorySkippedFile.txt')).toBe(false);
  });
  it('leaves the folders whose own names render, as Backstage ensures every listed folder', async () => {
    expect((await fs.readdir(path.join(workspace, 'target'))).sort()).toEqual(['subdir2', 'subdir3']);
    expect(await fs.readdir(target('subdir3'))).toEqual([]);
  });
});

describe("Backstage's 'with valid input'", () => {
  const values = { name: 'test-project', count: 1234, itemList: ['first', 'second', 'third'], showDummyFile: false };
  const skeleton: Tree = {
    'empty-dir-${{ values.count }}': {},
    'static.txt': 'static content',
    '${{ values.name }}.txt': 'static content',
    subdir: { 'templated-content.txt': '${{ values.name }}: ${{ values.count }}' },
    '.${{ values.name }}': '${{ values.itemList | dump }}',
    'a-binary-file.png': aBinaryFile,
    'an-executable.sh': { executable: '#!/usr/bin/env bash' },
  };
  beforeEach(() => runFetchTemplate(skeleton, { values }));

  it("'copies files with no templating in names or content successfully'", async () => expect(await read('static.txt')).toBe('static content'));
  it("'copies files with templated names successfully'", async () => expect(await read('test-project.txt')).toBe('static content'));
  it("'copies files with templated content successfully'", async () => expect(await read('subdir/templated-content.txt')).toBe('test-project: 1234'));
  it("'processes dotfiles'", async () => expect(await read('.test-project')).toBe('["first","second","third"]'));
  it("'copies empty directories'", async () => expect(await fs.readdir(target('empty-dir-1234'))).toEqual([]));
  it("'copies binary files as-is without processing them'", async () => expect(await fs.readFile(target('a-binary-file.png'))).toEqual(aBinaryFile));
  it("'copies files and maintains the original file permissions'", async () => expect((await fs.stat(target('an-executable.sh'))).mode).toBe(0o100755));
});

describe("Backstage's symlink cases, where Backline differs on purpose", () => {
  it("'copies file symlinks as-is' and 'copies broken symlinks as-is': Backline refuses a skeleton with a symlink, because following one could publish any file on the machine", async () => {
    await write(path.join(templateDir, 'skeleton'), { 'a-binary-file.png': aBinaryFile });
    await fs.symlink('a-binary-file.png', path.join(templateDir, 'skeleton', 'symlink'));
    await expect(runFetchTemplate({}, { values: {} })).rejects.toThrow(/contains a symlink at symlink; skeletons may not contain symlinks/);
    expect(await exists('a-binary-file.png')).toBe(false);
  });
});

describe("Backstage's 'copyWithoutRender'", () => {
  beforeEach(() =>
    runFetchTemplate(
      {
        processed: { 'templated-content-${{ values.name }}.txt': '${{ values.count }}' },
        '.unprocessed': { 'templated-content-${{ values.name }}.txt': '${{ values.count }}' },
      },
      { values: { name: 'test-project', count: 1234 }, copyWithoutRender: ['.unprocessed'] },
    ),
  );

  it("'ignores template syntax in files matched in copyWithoutRender'", async () => expect(await read('.unprocessed/templated-content-${{ values.name }}.txt')).toBe('${{ values.count }}'));
  it("'processes files not matched in copyWithoutRender'", async () => expect(await read('processed/templated-content-test-project.txt')).toBe('1234'));
});

describe("Backstage's 'copyWithoutTemplating'", () => {
  const skeleton: Tree = {
    processed: { 'templated-content-${{ values.name }}.txt': '${{ values.count }}' },
    '.unprocessed': { 'templated-content-${{ values.name }}.txt': '${{ values.count }}', 'templated-process-content-${{ values.name }}.txt': '${{ values.count }}' },
  };

  it("'renders path template and ignores content template in files matched in copyWithoutTemplating' and 'processes files not matched'", async () => {
    await runFetchTemplate(skeleton, { values: { name: 'test-project', count: 1234 }, copyWithoutTemplating: ['.unprocessed'] });
    expect(await read('.unprocessed/templated-content-test-project.txt')).toBe('${{ values.count }}');
    expect(await read('processed/templated-content-test-project.txt')).toBe('1234');
  });

  it("'with exclusion filter › renders path template including excluded matches in copyWithoutTemplating'", async () => {
    await runFetchTemplate(skeleton, { values: { name: 'test-project', count: 1234 }, copyWithoutTemplating: ['.unprocessed', '!*/templated-process-content-${{ values.name }}.txt'] });
    expect(await read('.unprocessed/templated-process-content-test-project.txt')).toBe('1234');
    expect(await read('.unprocessed/templated-content-test-project.txt')).toBe('${{ values.count }}');
  });
});

describe("Backstage's 'cookiecutter compatibility mode'", () => {
  beforeEach(() =>
    runFetchTemplate(
      {
        '{{ cookiecutter.name }}.txt': 'static content',
        subdir: { 'templated-content.txt': '{{ cookiecutter.name }}: {{ cookiecutter.count }}' },
        '{{ cookiecutter.name }}.json': '{{ cookiecutter.itemList | jsonify }}',
      },
      { values: { name: 'test-project', count: 1234, itemList: ['first', 'second', 'third'] }, cookiecutterCompat: true },
    ),
  );

  it("'copies files with cookiecutter-style templated names successfully'", async () => expect(await read('test-project.txt')).toBe('static content'));
  it("'copies files with cookiecutter-style templated content successfully'", async () => expect(await read('subdir/templated-content.txt')).toBe('test-project: 1234'));
  it("'includes the jsonify filter'", async () => expect(await read('test-project.json')).toBe('["first","second","third"]'));
});

describe("Backstage's 'with extension=true'", () => {
  beforeEach(() =>
    runFetchTemplate(
      {
        'empty-dir-${{ values.count }}': {},
        'static.txt': 'static content',
        '${{ values.name }}.txt': 'static content',
        '${{ values.name }}.txt.jinja2': '${{ values.name }}: ${{ values.count }}',
        subdir: { 'templated-content.txt.njk': '${{ values.name }}: ${{ values.count }}' },
        '.${{ values.name }}.njk': '${{ values.itemList | dump }}',
        'a-binary-file.png': aBinaryFile,
      },
      { values: { name: 'test-project', count: 1234, itemList: ['first', 'second', 'third'] }, templateFileExtension: true },
    ),
  );

  it("'copies files with no templating in names or content successfully'", async () => expect(await read('static.txt')).toBe('static content'));
  it("'copies files with templated names successfully'", async () => expect(await read('test-project.txt')).toBe('static content'));
  it("'copies jinja2 files with templated names successfully'", async () => expect(await read('test-project.txt.jinja2')).toBe('${{ values.name }}: ${{ values.count }}'));
  it("'copies files with templated content successfully'", async () => expect(await read('subdir/templated-content.txt')).toBe('test-project: 1234'));
  it("'processes dotfiles'", async () => expect(await read('.test-project')).toBe('["first","second","third"]'));
  it("'copies empty directories'", async () => expect(await fs.readdir(target('empty-dir-1234'))).toEqual([]));
  it("'copies binary files as-is without processing them'", async () => expect(await fs.readFile(target('a-binary-file.png'))).toEqual(aBinaryFile));
});

describe("Backstage's 'with specified .jinja2 extension'", () => {
  beforeEach(() =>
    runFetchTemplate(
      { '${{ values.name }}.njk': '${{ values.name }}: ${{ values.count }}', '${{ values.name }}.txt.jinja2': '${{ values.name }}: ${{ values.count }}' },
      { templateFileExtension: '.jinja2', values: { name: 'test-project', count: 1234 } },
    ),
  );

  it("'does not process .njk files'", async () => expect(await read('test-project.njk')).toBe('${{ values.name }}: ${{ values.count }}'));
  it("'does process .jinja2 files'", async () => expect(await read('test-project.txt')).toBe('test-project: 1234'));
});

describe("Backstage's templateFileExtension rule (path.extname) beyond its test file", () => {
  it('templates only files whose last extension is the one given, so a file named .njk is copied as it is', async () => {
    await runFetchTemplate({ '.njk': '${{ values.name }}', 'a.njk': '${{ values.name }}' }, { templateFileExtension: true, values: { name: 'test-project' } });
    expect(await read('.njk')).toBe('${{ values.name }}');
    expect(await read('a')).toBe('test-project');
  });
});

describe("Backstage's replacement of existing files", () => {
  beforeEach(() => write(path.join(workspace, 'target'), { 'static-content.txt': 'static-content' }));
  const skeleton: Tree = { 'static-content.txt': '${{ values.name }}: ${{ values.count }}' };

  it("'with replacement of existing files › overwrites existing file'", async () => {
    await runFetchTemplate(skeleton, { values: { name: 'test-project', count: 1234 }, replace: true });
    expect(await read('static-content.txt')).toBe('test-project: 1234');
  });

  it("'without replacement of existing files › keeps existing file'", async () => {
    await runFetchTemplate(skeleton, { values: { name: 'test-project', count: 1234 }, targetPath: './target', replace: false });
    expect(await read('static-content.txt')).toBe('static-content');
  });
});

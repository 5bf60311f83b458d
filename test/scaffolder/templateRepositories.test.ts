import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createFetchActions } from '../../src/scaffolder/actions/fetch';
import { TemplateLibrary } from '../../src/scaffolder/library';
import { runTemplate } from '../../src/scaffolder/runner';
import type { ScaffolderTemplate } from '../../src/scaffolder/template';
import { loadTemplateFolder, MAX_TEMPLATE_DEPTH } from '../../src/scaffolder/templateFiles';

let scratch: string;
let templates: string;
let outside: string;
let workspace: string;

beforeEach(async () => {
  scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'backline-template-repo-'));
  templates = path.join(scratch, 'templates');
  outside = path.join(scratch, 'outside');
  workspace = path.join(scratch, 'workspace');
  await Promise.all([fs.mkdir(templates), fs.mkdir(outside), fs.mkdir(workspace)]);
  await fs.writeFile(path.join(outside, 'secret.txt'), 'do not read\n');
});
afterEach(() => fs.rm(scratch, { recursive: true, force: true }));

async function write(relative: string, content: string): Promise<void> {
  const file = path.join(templates, relative);
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, content);
}

/** A template.yaml whose one step runs `action` with `input`; `extra` lands in metadata. */
function template(name: string, step: { action: string; input: Record<string, unknown> } = { action: 'debug:log', input: {} }, extra = ''): string {
  return `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: ${name}${extra}
spec:
  type: service
  steps:
    - id: fetch
      action: ${step.action}
      input: ${JSON.stringify(step.input)}
`;
}

async function runFetch(chosen: ScaffolderTemplate) {
  return runTemplate({
    template: chosen,
    parameters: {},
    actions: new Map(createFetchActions().map((action) => [action.id, action])),
    user: null,
    workspace,
    dryRun: false,
    previouslyLeftBehind: [],
    hooks: { step: async () => undefined, log: async () => undefined, leftBehind: async () => undefined },
  });
}

async function only(name: string): Promise<ScaffolderTemplate> {
  const report = await loadTemplateFolder(templates);
  const found = report.templates.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`${name} did not load: ${JSON.stringify(report.problems)}`);
  return found;
}

describe('templates laid out as template repositories lay them out', () => {
  it('finds template.yaml at any depth, but not inside a template folder, node_modules or .git', async () => {
    await write('top/template.yaml', template('top'));
    await write('github/node-service/template.yaml', template('node-service'));
    await write('github/node-service/skeleton/template.yaml', template('generated-by-node-service'));
    await write('node_modules/pkg/template.yaml', template('from-node-modules'));
    await write('.git/template.yaml', template('from-git'));
    const report = await loadTemplateFolder(templates);
    expect(report.templates.map((found) => found.name).sort()).toEqual(['node-service', 'top']);
    expect(report.problems).toEqual([]);
  });

  it(`does not look deeper than ${MAX_TEMPLATE_DEPTH} folders, and says where it stopped`, async () => {
    const deep = Array.from({ length: MAX_TEMPLATE_DEPTH + 1 }, (_, i) => `level-${i}`).join('/');
    await write(`${deep}/template.yaml`, template('too-deep'));
    await write('a/b/c/d/e/template.yaml', template('deep-enough'));
    const report = await loadTemplateFolder(templates);
    expect(report.templates.map((found) => found.name)).toEqual(['deep-enough']);
    const stoppedAt = path.join(templates, ...deep.split('/').slice(0, MAX_TEMPLATE_DEPTH));
    expect(report.warnings).toEqual([{ file: stoppedAt, message: `${stoppedAt} is ${MAX_TEMPLATE_DEPTH} folders below ${templates}; templates deeper than ${MAX_TEMPLATE_DEPTH} folders are not looked for` }]);
  });

  it('fetches a skeleton that a url climbs to with .. inside the templates folder', async () => {
    await write('skeletons/node/README.md', '# shared skeleton\n');
    await write('github/node-service/template.yaml', template('node-service', { action: 'fetch:plain', input: { url: '../../skeletons/node' } }));
    const result = await runFetch(await only('node-service'));
    expect(result.error).toBeNull();
    expect(await fs.readFile(path.join(workspace, 'README.md'), 'utf8')).toBe('# shared skeleton\n');
  });

  it('refuses a url that climbs out of the templates folder, reading nothing', async () => {
    await write('github/escape/template.yaml', template('escape', { action: 'fetch:plain:file', input: { url: '../../../outside/secret.txt', targetPath: 'stolen.txt' } }));
    const result = await runFetch(await only('escape'));
    expect(result.error).toBe(`fetch:plain:file's url "../../../outside/secret.txt" leads outside ${templates}, the folder the template came from; Backline reads skeletons only inside it`);
    await expect(fs.access(path.join(workspace, 'stolen.txt'))).rejects.toThrow();
  });

  it('refuses a url through a symbolic link that leads out of the templates folder', async () => {
    await fs.mkdir(path.join(templates, 'skeletons'), { recursive: true });
    await fs.symlink(outside, path.join(templates, 'skeletons', 'linked'));
    await write('github/linked/template.yaml', template('linked', { action: 'fetch:plain', input: { url: '../../skeletons/linked' } }));
    const result = await runFetch(await only('linked'));
    expect(result.error).toBe(`fetch:plain's url "../../skeletons/linked" goes through a symlink to outside ${templates}, the folder the template came from; Backline follows no link out of it`);
    expect(await fs.readdir(workspace)).toEqual([]);
  });

  it('reports a template.yaml that is a symbolic link instead of reading it', async () => {
    await fs.writeFile(path.join(outside, 'template.yaml'), template('smuggled'));
    await fs.mkdir(path.join(templates, 'smuggled'));
    await fs.symlink(path.join(outside, 'template.yaml'), path.join(templates, 'smuggled', 'template.yaml'));
    const report = await loadTemplateFolder(templates);
    expect(report.templates).toEqual([]);
    expect(report.problems.map((problem) => problem.message)).toEqual([`${path.join(templates, 'smuggled', 'template.yaml')} is a symbolic link; Backline reads templates under ${templates} only, and follows no links`]);
  });
});

describe('placeholders in a template under the templates folder', () => {
  it('resolves $text, $yaml and $json from anywhere inside the templates folder', async () => {
    await write('shared/description.txt', 'Shared description');
    await write('shared/tags.yaml', '[node, http]\n');
    await write('shared/links.json', '[{"url": "https://example.com", "title": "Home"}]');
    await write('github/node/template.yaml', template('node', undefined, `\n  description: { $text: ../../shared/description.txt }\n  tags: { $yaml: ../../shared/tags.yaml }\n  links: { $json: ../../shared/links.json }`));
    const loaded = await only('node');
    expect(loaded.description).toBe('Shared description');
    expect(loaded.tags).toEqual(['node', 'http']);
    expect(loaded.entity.metadata.links).toEqual([{ url: 'https://example.com', title: 'Home' }]);
  });

  it('refuses a placeholder that climbs out of the templates folder, naming the template file', async () => {
    const file = path.join(templates, 'github', 'leaky', 'template.yaml');
    await write('github/leaky/template.yaml', template('leaky', undefined, '\n  description: { $text: ../../../outside/secret.txt }'));
    const report = await loadTemplateFolder(templates);
    expect(report.templates).toEqual([]);
    expect(report.problems).toEqual([
      { file, message: `${file}: metadata.description: could not resolve $text ../../../outside/secret.txt: "../../../outside/secret.txt" leads outside ${templates}, the folder this location was registered from; Backline reads nothing outside it` },
    ]);
  });

  it('refuses a placeholder through a symbolic link out of the templates folder', async () => {
    await fs.mkdir(path.join(templates, 'shared'), { recursive: true });
    await fs.symlink(path.join(outside, 'secret.txt'), path.join(templates, 'shared', 'secret.txt'));
    await write('github/linked/template.yaml', template('linked', undefined, '\n  description: { $text: ../../shared/secret.txt }'));
    const report = await loadTemplateFolder(templates);
    expect(report.templates).toEqual([]);
    expect(report.problems[0]!.message).toMatch(/could not resolve \$text \.\.\/\.\.\/shared\/secret\.txt: .* is a symbolic link to a file outside /);
  });
});

describe('two templates with one name', () => {
  it('offers the first in path order and warns, naming both files', async () => {
    await write('b-team/service/template.yaml', template('service', undefined, '\n  title: From b-team'));
    await write('a-team/service/template.yaml', template('service', undefined, '\n  title: From a-team'));
    const listing = await new TemplateLibrary({ folder: templates }).list();
    expect(listing.templates.map((found) => found.title)).toEqual(['From a-team']);
    const first = path.join(templates, 'a-team', 'service', 'template.yaml');
    const second = path.join(templates, 'b-team', 'service', 'template.yaml');
    expect(listing.warnings).toEqual([{ file: second, message: `Two templates are named service: ${first} and ${second}. ${first} is offered (it comes first in path order); rename one of them to offer both.` }]);
  });

  it("offers the templates folder's over a catalog Template of the same name, and warns", async () => {
    await write('service/template.yaml', template('service'));
    const file = path.join(templates, 'service', 'template.yaml');
    const catalog = {
      findByNamePrefix: async () => [
        { ref: 'template:default/service', refKey: 'template:default/service', kind: 'template', namespace: 'default', name: 'service', locationKey: 'url:https://example.com/t.yaml', entity: { apiVersion: 'scaffolder.backstage.io/v1beta3', kind: 'Template', metadata: { name: 'service' }, spec: { type: 'service', steps: [] } } },
      ],
    };
    const listing = await new TemplateLibrary({ folder: templates, catalog }).list();
    expect(listing.templates.map((found) => found.source)).toEqual([file]);
    expect(listing.warnings).toEqual([{ file: 'template:default/service', message: `Two templates are named service: ${file} and template:default/service. ${file} is offered (the templates folder's wins over the catalog's); rename one of them to offer both.` }]);
  });
});

describe('where a step is written', () => {
  it("names the template file and the step's line when a step cannot run", async () => {
    const file = path.join(templates, 'notify', 'template.yaml');
    await write(
      'notify/template.yaml',
      `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata: { name: notify }
spec:
  type: service
  parameters:
    - properties:
        id: { type: string }
  steps:
    - id: fetch
      action: fetch:plain
      input: { url: ./skeleton }
    - name: Send
      id: 'send'
      action: notification:send
`,
    );
    const loaded = await only('notify');
    expect(loaded.stepLines).toEqual({ fetch: 10, send: 14 });
    expect(loaded.unsupported[0]).toBe(`Step "send" (${file} line 14) uses the action notification:send, which Backline does not run (docs/templates.md lists the actions it runs): the form works, but running the template stops before any step.`);
    const result = await runFetch(loaded);
    expect(result.error).toBe(`The step "Send" (send, ${file} line 14) uses the action notification:send, which Backline does not run (docs/templates.md lists the actions it runs). Nothing was created.`);
  });
});

import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DEMO_CATALOG } from '../../src/paths';
import { useTestDatabase } from '../support/testDatabase';
import { runCli, type CliRun } from '../support/cli';

const db = useTestDatabase();
const CONFORMANCE_TEMPLATES = path.resolve(__dirname, '../../../shared/conformance/backstage-templates');
let scratch: string;

beforeAll(async () => {
  scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'backline-template-cli-'));
  expect((await cli({}, 'catalog', 'ingest', '--json', DEMO_CATALOG)).code).toBe(0);
});
afterAll(() => fs.rm(scratch, { recursive: true, force: true }));

function cli(env: Record<string, string>, ...args: string[]): Promise<CliRun> {
  return runCli(args, { DATABASE_URL: db().url, BACKLINE_LOCAL_REPOS_DIR: path.join(scratch, 'repositories'), ...env });
}

async function valuesFile(values: unknown): Promise<string> {
  const file = path.join(scratch, `values-${Math.random().toString(36).slice(2)}.json`);
  await fs.writeFile(file, JSON.stringify(values));
  return file;
}

const library = { name: 'money-format', description: 'Formats amounts of money.', owner: 'group:default/payments', repoUrl: 'github.com?owner=northwind&repo=money-format' };

describe('backline template list', () => {
  it('lists the shipped templates with their fields and steps, and nothing unsupported', async () => {
    const { code, stdout } = await cli({}, 'template', 'list', '--json');
    expect(code).toBe(0);
    const listed = JSON.parse(stdout) as { templates: Array<{ name: string; steps: Array<{ action: string }>; unsupported: string[] }>; problems: unknown[] };
    expect(listed.problems).toEqual([]);
    expect(listed.templates.map((template) => template.name)).toEqual(['scheduled-job', 'typescript-service', 'typescript-library']);
    expect(listed.templates.every((template) => template.unsupported.length === 0)).toBe(true);
    expect(listed.templates[1]!.steps.map((step) => step.action)).toEqual(['fetch:template', 'publish:github', 'catalog:register']);
  });

  it("loads Backstage's own example templates and names what it does not support", async () => {
    const { stdout } = await cli({ BACKLINE_TEMPLATES_DIR: CONFORMANCE_TEMPLATES }, 'template', 'list', '--json');
    const listed = JSON.parse(stdout) as { templates: Array<{ name: string; unsupported: string[] }>; problems: unknown[] };
    expect(listed.problems).toEqual([]);
    expect(Object.fromEntries(listed.templates.map((template) => [template.name, template.unsupported]))).toEqual({
      'conditional-output-demo': [],
      'example-nodejs-template': [],
      'notifications-demo': [
        `Step "send-notification" (${path.join(CONFORMANCE_TEMPLATES, 'notifications-demo', 'template.yaml')} line 59) uses the action notification:send, which Backline does not run (docs/templates.md lists the actions it runs): the form works, but running the template stops before any step.`,
      ],
    });
  });
});

describe('backline template dry-run', () => {
  it('renders into a temporary folder, lists the files, simulates publishing and registering, and links to nothing it did not create', async () => {
    const values = await valuesFile({ ...library, name: 'dry-service', repoUrl: 'github.com?owner=northwind&repo=dry-service', docs: false });
    const { code, stdout } = await cli({}, 'template', 'dry-run', 'typescript-service', '--values', values, '--json');
    expect(code).toBe(0);
    const result = JSON.parse(stdout) as { status: string; files: string[]; directory: string | null; steps: unknown[]; output: unknown };
    expect(result.status).toBe('completed');
    expect(result.directory).toBeNull();
    expect(result.files).toEqual(['.github/workflows/ci.yml', '.gitignore', 'Dockerfile', 'README.md', 'catalog-info.yaml', 'package.json', 'src/server.ts', 'test/server.test.ts', 'tsconfig.json']);
    expect(result.steps).toEqual([
      { id: 'fetch', status: 'completed' },
      { id: 'publish', status: 'simulated' },
      { id: 'register', status: 'simulated' },
    ]);
    expect(result.output).toEqual({ links: [], entityRef: null });
    await expect(fs.access(path.join(scratch, 'repositories', 'northwind', 'dry-service'))).rejects.toThrow();
    expect((await cli({}, 'whoowns', '--json', 'dry-service')).code).toBe(1);
  });

  it('names the fields whose values do not fit', async () => {
    const values = await valuesFile({ name: 'Not A Name', owner: 'group:default/payments' });
    const { code, stderr } = await cli({}, 'template', 'dry-run', 'typescript-library', '--values', values);
    expect(code).toBe(1);
    expect(stderr).toContain('name: Name must match ^[a-z][a-z0-9-]{1,48}[a-z0-9]$.');
    expect(stderr).toContain('description: Description is required.');
    expect(stderr).toContain('repoUrl: Repository is required.');
  });
});

describe('backline template run', () => {
  it('runs the whole task without Slack: a local git repository with one commit, registered in the catalog', async () => {
    const { code, stdout } = await cli({}, 'template', 'run', 'typescript-library', '--values', await valuesFile(library), '--json');
    const result = JSON.parse(stdout) as { task: string; status: string; steps: unknown[]; output: { links: Array<{ title: string; url: string }>; entityRef: string | null }; error: string | null };
    expect(result.error).toBeNull();
    expect(code).toBe(0);
    const repository = path.join(scratch, 'repositories', 'northwind', 'money-format');
    expect(result).toEqual({
      task: expect.stringMatching(/^[0-9a-f-]{36}$/),
      status: 'completed',
      steps: [
        { id: 'fetch', status: 'completed' },
        { id: 'publish', status: 'completed' },
        { id: 'register', status: 'completed' },
      ],
      output: { links: [{ title: 'Repository', url: `file://${repository}` }], entityRef: 'component:default/money-format' },
      error: null,
    });
    expect(execFileSync('git', ['-C', repository, 'rev-list', '--count', 'HEAD'], { encoding: 'utf8' }).trim()).toBe('1');
    expect(await fs.readFile(path.join(repository, 'package.json'), 'utf8')).toContain('"name": "@northwind/money-format"');
    const owner = JSON.parse((await cli({}, 'whoowns', '--json', 'money-format')).stdout) as { match: string; owner: { ref: string } };
    expect(owner).toMatchObject({ match: 'component:default/money-format', owner: { ref: 'group:default/payments' } });
  });

  it('refuses a repository that exists already, as one JSON document', async () => {
    const values = await valuesFile({ ...library, name: 'other-name' });
    const { code, stdout } = await cli({}, 'template', 'run', 'typescript-library', '--values', values, '--json');
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toEqual({ task: null, status: 'failed', steps: [], output: { links: [], entityRef: null }, error: expect.stringContaining('repoUrl: The repository northwind/money-format already exists. Choose another name.') });
  });

  it('answers an unknown template and a values file that is not JSON clearly', async () => {
    const unknown = await cli({}, 'template', 'run', 'no-such-template', '--values', await valuesFile({}), '--json');
    expect(JSON.parse(unknown.stdout).error).toBe('There is no template called no-such-template. There are: scheduled-job, typescript-service, typescript-library.');
    const broken = path.join(scratch, 'broken.json');
    await fs.writeFile(broken, '{ name: ');
    const { code, stderr } = await cli({}, 'template', 'dry-run', 'typescript-library', '--values', broken);
    expect(code).toBe(1);
    expect(stderr).toMatch(/broken\.json is not valid JSON/);
  });

  it('stops before any step when a template uses an action Backline does not run', async () => {
    const values = await valuesFile({ recipients: 'broadcast', title: 'Hello' });
    const { code, stdout } = await cli({ BACKLINE_TEMPLATES_DIR: CONFORMANCE_TEMPLATES }, 'template', 'run', 'notifications-demo', '--values', values, '--json');
    expect(code).toBe(1);
    const result = JSON.parse(stdout) as { status: string; steps: unknown[]; error: string };
    expect(result.status).toBe('failed');
    expect(result.steps).toEqual([{ id: 'send-notification', status: 'failed' }]);
    expect(result.error).toMatch(/^The step "Send notification" \(send-notification, .*notifications-demo\/template\.yaml line 59\) uses the action notification:send, which Backline does not run .*Nothing was created\.$/);
  });
});

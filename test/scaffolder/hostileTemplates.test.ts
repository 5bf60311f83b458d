import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runCli, type CliRun } from '../support/cli';
import { useTestDatabase } from '../support/testDatabase';

const db = useTestDatabase();
const SECRET = 'TOP-SECRET-FROM-THE-HOST-91c2';
let scratch: string;
let secretFile: string;
let templatesDir: string;

/**
 * A template as a careless author writes it: the description goes into catalog-info.yaml without
 * `| dump`, and the catalog file's path is a form field.
 */
const TEMPLATE = `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: careless
spec:
  owner: group:platform-engineering
  type: service
  parameters:
    - required: [name, description, repoUrl]
      properties:
        name: { type: string }
        description: { type: string }
        repoUrl: { type: string }
        catalogInfoPath: { type: string, default: /catalog-info.yaml }
  steps:
    - id: fetch
      action: fetch:template
      input:
        url: ./skeleton
        values:
          name: \${{ parameters.name }}
          description: \${{ parameters.description }}
    - id: publish
      action: publish:local
      input:
        repoUrl: \${{ parameters.repoUrl }}
    - id: register
      action: catalog:register
      input:
        repoContentsUrl: \${{ steps.publish.output.repoContentsUrl }}
        catalogInfoPath: \${{ parameters.catalogInfoPath }}
`;

const SKELETON = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: \${{ values.name }}
  description: \${{ values.description }}
spec:
  type: service
  lifecycle: experimental
  owner: group:default/payments
`;

beforeAll(async () => {
  scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'backline-hostile-templates-'));
  secretFile = path.join(scratch, 'host', 'credentials.json');
  await fs.mkdir(path.dirname(secretFile), { recursive: true });
  await fs.writeFile(secretFile, JSON.stringify({ password: SECRET }));
  templatesDir = path.join(scratch, 'templates');
  await fs.mkdir(path.join(templatesDir, 'careless', 'skeleton'), { recursive: true });
  await fs.writeFile(path.join(templatesDir, 'careless', 'template.yaml'), TEMPLATE);
  await fs.writeFile(path.join(templatesDir, 'careless', 'skeleton', 'catalog-info.yaml'), SKELETON);
});
afterAll(() => fs.rm(scratch, { recursive: true, force: true }));

async function run(values: Record<string, string>): Promise<{ result: { status: string; steps: Array<{ id: string; status: string }>; error: string | null }; cli: CliRun }> {
  const file = path.join(scratch, `values-${Math.random().toString(36).slice(2)}.json`);
  await fs.writeFile(file, JSON.stringify(values));
  const cli = await runCli(['template', 'run', 'careless', '--values', file, '--json'], { DATABASE_URL: db().url, BACKLINE_LOCAL_REPOS_DIR: path.join(scratch, 'repositories'), BACKLINE_TEMPLATES_DIR: templatesDir });
  return { result: JSON.parse(cli.stdout), cli };
}

async function storedText(): Promise<string> {
  const entities = await db().pool.query<{ body: unknown }>('SELECT body FROM entities');
  const problems = await db().pool.query<{ message: string }>('SELECT message FROM processing_errors');
  return JSON.stringify([entities.rows, problems.rows]);
}

describe('a template whose values end up in catalog-info.yaml', () => {
  it('does not read a host file named by a $text placeholder in a form value', async () => {
    const { result, cli } = await run({ name: 'sneaky', description: `{ $text: ${secretFile} }`, repoUrl: 'github.com?owner=acme&repo=sneaky' });

    expect(result.status).toBe('failed');
    expect(result.steps.map((step) => `${step.id} ${step.status}`)).toEqual(['fetch completed', 'publish completed', 'register failed']);
    expect(result.error).toContain('is an absolute path; Backline reads only paths relative to the catalog file');
    expect(cli.stdout + cli.stderr).not.toContain(SECRET);
    expect(await storedText()).not.toContain(SECRET);
  });

  it('registers nothing outside the repository it published, however catalogInfoPath climbs', async () => {
    const climb = `${'../'.repeat(12)}${secretFile.slice(1)}`;
    const { result, cli } = await run({ name: 'climber', description: 'Climbs.', repoUrl: 'github.com?owner=acme&repo=climber', catalogInfoPath: climb });

    expect(result.status).toBe('failed');
    expect(result.error).toMatch(/^catalog:register registers only a catalog file inside the repository this task published or its workspace; file:\/\/.* is outside them$/);
    expect(cli.stdout + cli.stderr).not.toContain(SECRET);
    expect(await storedText()).not.toContain(SECRET);
  });

  it('registers the catalog file of the repository it published', async () => {
    const { result } = await run({ name: 'honest', description: 'Does what it says.', repoUrl: 'github.com?owner=acme&repo=honest' });
    expect(result).toMatchObject({ status: 'completed', error: null });
  });
});

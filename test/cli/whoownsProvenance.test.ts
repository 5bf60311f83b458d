import { PgCatalogStore } from '../../src/catalog/PgCatalogStore';
import { CatalogFolder, component, docs, group } from '../support/catalogFiles';
import { runCli, type CliRun } from '../support/cli';
import { inferredComponent, storeInferred } from '../support/inferredFixtures';
import { useTestDatabase } from '../support/testDatabase';

const db = useTestDatabase();
const folder = new CatalogFolder();
let declaredFile: string;

function cli(...args: string[]): Promise<CliRun> {
  return runCli(args, { DATABASE_URL: db().url });
}

beforeAll(async () => {
  declaredFile = folder.write('catalog-info.yaml', docs(group('payments'), component('ledger', { owner: 'payments' })));
  expect((await cli('catalog', 'ingest', declaredFile)).code).toBe(0);
  await storeInferred(
    PgCatalogStore.create({ pool: db().pool }),
    [
      inferredComponent({ name: 'payments-api', slug: 'acme/payments-api', from: 'codeowners', evidence: '.github/CODEOWNERS line 3: * @acme/payments', owner: 'group:default/payments' }),
      inferredComponent({ name: 'orphan-job', slug: 'acme/orphan-job', from: 'none', evidence: 'no CODEOWNERS rule owns the repository root, and no single team administers acme/orphan-job' }),
    ].join('---\n'),
  );
});

afterAll(() => folder.dispose());

describe('backline whoowns --json says how the owner is known', () => {
  it('gives an inferred owner with the evidence the inference recorded', async () => {
    const { code, stdout } = await cli('whoowns', '--json', 'acme/payments-api');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ match: 'component:default/payments-api', owner: { ref: 'group:default/payments' }, provenance: { kind: 'inferred', evidence: '.github/CODEOWNERS line 3: * @acme/payments' } });
  });

  it('gives no owner, and why, when nothing could be inferred', async () => {
    const { code, stdout } = await cli('whoowns', '--json', 'orphan-job');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({
      match: 'component:default/orphan-job',
      owner: null,
      provenance: { kind: 'inferred', evidence: 'no CODEOWNERS rule owns the repository root, and no single team administers acme/orphan-job' },
    });
  });

  it('gives a declared owner with the field and the file that declare it', async () => {
    const { stdout } = await cli('whoowns', '--json', 'ledger');
    expect(JSON.parse(stdout).provenance).toEqual({ kind: 'declared', evidence: `spec.owner: payments in ${declaredFile}` });
  });

  it('gives null when nothing matched', async () => {
    const { code, stdout } = await cli('whoowns', '--json', 'nothing-called-this');
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toMatchObject({ match: null, owner: null, provenance: null });
  });

  it('says the same in words on the card it prints', async () => {
    const { stdout } = await cli('whoowns', 'payments-api');
    expect(stdout.replace(/\s+/g, ' ')).toContain('Owner: payments (inferred)');
    expect(stdout.replace(/\s+/g, ' ')).toContain('🔍 Owner inferred from CODEOWNERS, not declared in a catalog file Evidence: .github/CODEOWNERS line 3: * @acme/payments');
    expect(stdout).not.toContain('Confirm');
  });
});

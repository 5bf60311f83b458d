import { PassThrough } from 'node:stream';
import { createCommandSet } from '../../commands';
import { ingest, rootFromPath } from '../../src/catalog/ingest';
import { PgCatalogStore } from '../../src/catalog/PgCatalogStore';
import { DEMO_CATALOG } from '../../src/paths';
import { PgSearchStore } from '../../src/search/PgSearchStore';
import { runShell } from '../../src/shell/shell';
import { useTestDatabase } from '../support/testDatabase';

const db = useTestDatabase();
let catalog: PgCatalogStore;

beforeAll(async () => {
  catalog = PgCatalogStore.create({ pool: db().pool });
  await ingest([await rootFromPath(DEMO_CATALOG)], { store: catalog, maxBytes: 1024 * 1024 });
});

async function shell(lines: string[]): Promise<string> {
  const input = new PassThrough();
  const output = new PassThrough();
  let text = '';
  output.on('data', (chunk: Buffer) => (text += chunk.toString()));
  input.end(lines.map((line) => `${line}\n`).join(''));
  await runShell({ commands: createCommandSet({ catalog, finder: PgSearchStore.create({ pool: db().pool }) }, { plainNames: true }), input, output, interactive: false, width: 120 });
  return text;
}

describe('/find in backline shell', () => {
  it('lists what matches with its owner and why, and a result’s Card button opens its card', async () => {
    const output = await shell(['/find is there an api for refunds?', '1']);
    expect(output).toContain('Payments API (v2)  API · openapi  ·  Payments #C04PAYMENTS1');
    expect(output).toMatch(/description: .*refunds/);
    expect(output).toContain('[1] Card');
    expect(output).toContain('Payments API (v2)\n=================');
    expect(output).toContain('Owner: Payments  #C04PAYMENTS1');
  });

  it('explains the filters it knows when it knows nothing of the words', async () => {
    const output = await shell(['/find zzzqqq']);
    expect(output).toContain('Nothing in the catalog matches that.');
    expect(output).toContain('Narrow it down with `kind:…`');
  });
});

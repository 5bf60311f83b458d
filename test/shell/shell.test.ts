import { PassThrough } from 'node:stream';
import { createCommandSet } from '../../commands';
import { ingest, rootFromPath } from '../../src/catalog/ingest';
import { PgCatalogStore } from '../../src/catalog/PgCatalogStore';
import { DEMO_CATALOG } from '../../src/paths';
import { runShell } from '../../src/shell/shell';
import { useTestDatabase } from '../support/testDatabase';

const db = useTestDatabase();
let catalog: PgCatalogStore;

beforeAll(async () => {
  catalog = PgCatalogStore.create({ pool: db().pool });
  await ingest([await rootFromPath(DEMO_CATALOG)], { store: catalog, maxBytes: 1024 * 1024 });
});

async function shell(lines: string[]): Promise<{ code: number; output: string }> {
  const input = new PassThrough();
  const output = new PassThrough();
  let text = '';
  output.on('data', (chunk: Buffer) => (text += chunk.toString()));
  input.end(lines.map((line) => `${line}\n`).join(''));
  const code = await runShell({ commands: createCommandSet({ catalog }, { plainNames: true }), input, output, interactive: false, width: 100 });
  return { code, output: text };
}

describe('backline shell', () => {
  it('prints the /whoowns card as text and exits 0 at the end of piped input', async () => {
    const { code, output } = await shell(['/whoowns payments-service']);
    expect(code).toBe(0);
    expect(output).toContain('Payments Service\n================');
    expect(output).toContain('Owner: Payments  #C04PAYMENTS1');
    expect(output).toContain('Members: Ana Silva');
    expect(output).toContain('[1] Share in channel');
    expect(output).toContain('(only you can see this)');
  });

  it('presses a button when its number is typed', async () => {
    const { output } = await shell(['/whoowns paymnets-servce', '1', '1']);
    expect(output).toContain('Nothing in the catalog is called paymnets-servce.');
    expect(output).toContain('[1] Payments Service');
    // The first 1 picks the suggestion; the second shares the card it brought up.
    expect(output).toContain('Shared by @USHELL with /whoowns');
    expect(output).toContain('(posted in the channel)');
  });

  it('lists the commands on /help and answers unknown commands and stray input clearly', async () => {
    const { output } = await shell(['/help', '/deploy prod', 'hello', '7']);
    expect(output).toContain('/whoowns <service | repo | #channel | @person>');
    expect(output).toContain('There is no /deploy command. Try /whoowns, /oncall, /docs, /find, /create-service, or /help.');
    expect(output).toContain('Type a command such as /whoowns payments-service, or /help for the list.');
    expect(output).toContain('There is nothing to pick: run a command first.');
  });

  it('stops reading at /quit', async () => {
    const { output } = await shell(['/quit', '/whoowns payments-service']);
    expect(output).not.toContain('Payments Service');
  });
});

import { runCli } from '../support/cli';

describe('backline mcp', () => {
  it('refuses --as naming something other than a catalog User, before opening the database', async () => {
    const { code, stdout, stderr } = await runCli(['mcp', '--as', 'group:default/payments'], { DATABASE_URL: 'postgresql://nobody@127.0.0.1:1/none' });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('--as must name a catalog User, e.g. user:default/jane; got "group:default/payments"');
  });

  it('is listed in the help with what it is for', async () => {
    const { code, stdout } = await runCli(['--help'], {});
    expect(code).toBe(0);
    expect(stdout).toMatch(/mcp \[options\]\s+An MCP server on stdio for AI assistants/);
  });
});

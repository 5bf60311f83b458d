import { loadConfig } from '../../src/config';
import { tokenLookup } from '../../src/mcp/http';

const TOKEN = 'a'.repeat(32);
const OTHER = `${'b'.repeat(40)}==`;
const configError = (tokens: string) => {
  try {
    loadConfig({ BACKLINE_MCP_TOKENS: tokens });
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the configuration was accepted');
};

describe('BACKLINE_MCP_TOKENS', () => {
  it('maps each token to a catalog User, in the namespace given or default, with base64 padding kept in the token', () => {
    expect(loadConfig({ BACKLINE_MCP_TOKENS: ` ${TOKEN}=user:default/Jane , ${OTHER}=bo,` }).mcp.tokens).toEqual([
      { token: TOKEN, userRef: 'user:default/jane' },
      { token: OTHER, userRef: 'user:default/bo' },
    ]);
    expect(loadConfig({ BACKLINE_MCP_TOKENS: `${TOKEN}=user:platform/kim` }).mcp.tokens).toEqual([{ token: TOKEN, userRef: 'user:platform/kim' }]);
    expect(loadConfig({}).mcp.tokens).toEqual([]);
  });

  it('refuses short tokens, other kinds, missing users and shared tokens, naming entries by position and never the token', () => {
    const short = configError(`${TOKEN}=user:default/jane,short-secret-token=user:default/bo`);
    expect(short).toContain('BACKLINE_MCP_TOKENS: the token of entry 2 must be at least 32 characters without spaces (openssl rand -hex 32 makes one)');
    expect(short).not.toContain('short-secret-token');
    expect(configError(`${TOKEN}=group:default/payments`)).toContain('entry 1 must map its token to a catalog User such as user:default/jane');
    expect(configError(TOKEN)).toContain('entry 1 must be <token>=user:default/<name>');
    expect(configError(`${TOKEN}=jane,${TOKEN}=bo`)).toContain('entries 1 and 2 have the same token: give each user a token of their own');
  });
});

describe('the bearer token lookup', () => {
  it('finds the user of a known token and nothing for a token that differs in one character or length', () => {
    const userOf = tokenLookup([{ token: TOKEN, userRef: 'user:default/jane' }, { token: OTHER, userRef: 'user:default/bo' }]);
    expect(userOf(TOKEN)).toBe('user:default/jane');
    expect(userOf(OTHER)).toBe('user:default/bo');
    expect(userOf(`${TOKEN.slice(0, -1)}b`)).toBeUndefined();
    expect(userOf(`${TOKEN}a`)).toBeUndefined();
    expect(tokenLookup([])(TOKEN)).toBeUndefined();
  });
});

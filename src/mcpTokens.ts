import { z } from 'zod';

// BACKLINE_MCP_TOKENS, read by config.ts's schema: who may call POST /mcp, and as which catalog User.

export interface McpToken {
  token: string;
  /** The catalog User the token acts as, lower-cased: user:<namespace>/<name>. */
  userRef: string;
}

export interface McpConfig {
  /** Who may call POST /mcp, and as whom; none means every call there is refused. */
  tokens: McpToken[];
}

const MCP_TOKEN_MIN_LENGTH = 32;
const USER_REF = /^(?:([A-Za-z]+):)?(?:([a-z0-9][a-z0-9-]*)\/)?([A-Za-z0-9][-A-Za-z0-9_.]*)$/;

/**
 * BACKLINE_MCP_TOKENS: `<token>=<user ref>` pairs separated by commas. The token ends at the last `=`,
 * so base64 padding may stay in it. Messages name entries by position, never by token: they are secrets.
 */
export function parseMcpTokens(value: string, context: z.RefinementCtx): McpToken[] {
  const tokens: McpToken[] = [];
  const entries = value.split(',').map((entry) => entry.trim()).filter(Boolean);
  for (const [index, entry] of entries.entries()) {
    const which = `entry ${index + 1}`;
    const at = entry.lastIndexOf('=');
    const token = entry.slice(0, Math.max(at, 0)).trim();
    const ref = USER_REF.exec(entry.slice(at + 1).trim());
    const earlier = tokens.findIndex((known) => known.token === token);
    const message =
      at <= 0 ? `${which} must be <token>=user:default/<name>, the token 32 characters or more`
      : !ref || (ref[1] !== undefined && ref[1].toLowerCase() !== 'user') ? `${which} must map its token to a catalog User such as user:default/jane`
      : token.length < MCP_TOKEN_MIN_LENGTH || /\s/.test(token) ? `the token of ${which} must be at least ${MCP_TOKEN_MIN_LENGTH} characters without spaces (openssl rand -hex 32 makes one)`
      : earlier >= 0 ? `entries ${earlier + 1} and ${index + 1} have the same token: give each user a token of their own`
      : undefined;
    if (message) context.addIssue({ code: z.ZodIssueCode.custom, message });
    else tokens.push({ token, userRef: `user:${ref![2] ?? 'default'}/${ref![3]}`.toLowerCase() });
  }
  return tokens;
}

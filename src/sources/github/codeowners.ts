/**
 * GitHub's CODEOWNERS, read as GitHub reads it: the first file found of `.github/CODEOWNERS`,
 * `CODEOWNERS` and `docs/CODEOWNERS`; `#` starts a comment; each rule is a gitignore-style pattern
 * followed by owners (`@org/team`, `@user`, or an email address); a line GitHub cannot read (a `!`
 * negation, a `[ ]` range, an owner of another form) is skipped; the last matching rule wins.
 */

/** Where GitHub looks for the file, in its order. */
export const CODEOWNERS_PATHS = ['.github/CODEOWNERS', 'CODEOWNERS', 'docs/CODEOWNERS'] as const;

/** GitHub ignores a CODEOWNERS file over 3 MB. */
export const MAX_CODEOWNERS_BYTES = 3 * 1024 * 1024;

/** How much of a rule's line evidence quotes: enough to recognise it, never a whole hostile file. */
const MAX_QUOTED_LINE = 200;

export type CodeOwner = { kind: 'team'; org: string; slug: string } | { kind: 'user'; login: string } | { kind: 'email'; email: string };

export interface CodeOwnersRule {
  line: number;
  pattern: string;
  owners: CodeOwner[];
  /** The line as written (trimmed, shortened), for evidence. */
  text: string;
}

const TEAM = /^@([A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)\/([A-Za-z0-9_.-]+)$/;
const USER = /^@([A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)$/;
/** No GitHub handle or email address is longer; a longer "owner" makes its line unreadable. */
const MAX_OWNER_LENGTH = 254;

/** The rules of a CODEOWNERS file that GitHub would use, in file order. */
export function parseCodeOwners(text: string): CodeOwnersRule[] {
  const rules: CodeOwnersRule[] = [];
  const lines = text.split(/\r?\n/);
  for (let index = 0; index < lines.length; index++) {
    const raw = lines[index]!;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    // A comment may follow the owners; `\#` is a literal # in a pattern.
    const content = trimmed.replace(/(^|[^\\])\s#.*$/, '$1').trim();
    const [pattern, ...handles] = splitUnescaped(content);
    if (!pattern || !patternIsSupported(pattern)) continue;
    const owners: CodeOwner[] = [];
    let readable = true;
    for (const handle of handles) {
      const owner = ownerOf(handle);
      if (!owner) {
        readable = false;
        break;
      }
      owners.push(owner);
    }
    if (!readable) continue;
    rules.push({ line: index + 1, pattern: pattern.replace(/\\(.)/g, '$1'), owners, text: quote(trimmed) });
  }
  return rules;
}

/**
 * The rule that owns the repository root: the last one whose pattern covers every file at the top
 * of the repository (`*`, `/*`, `**`, `/**`, `**\/*`). A rule with no owners there leaves the root
 * without code owners, as GitHub reads it (inference then looks at team permissions).
 */
export function rootRule(rules: CodeOwnersRule[]): CodeOwnersRule | undefined {
  for (let index = rules.length - 1; index >= 0; index--) if (coversRoot(rules[index]!.pattern)) return rules[index];
  return undefined;
}

function coversRoot(pattern: string): boolean {
  return ['*', '/*', '**', '/**', '**/*', '/**/*'].includes(pattern);
}

function ownerOf(handle: string): CodeOwner | undefined {
  if (handle.length > MAX_OWNER_LENGTH) return undefined;
  let match: RegExpExecArray | null;
  if ((match = TEAM.exec(handle))) return { kind: 'team', org: match[1]!, slug: match[2]!.toLowerCase() };
  if ((match = USER.exec(handle))) return { kind: 'user', login: match[1]! };
  if (isEmail(handle)) return { kind: 'email', email: handle };
  return undefined;
}

/** `local@domain.tld`, checked without a regular expression that could backtrack on hostile input. */
function isEmail(handle: string): boolean {
  const at = handle.indexOf('@');
  if (at <= 0 || handle.indexOf('@', at + 1) !== -1) return false;
  const domain = handle.slice(at + 1);
  const dot = domain.lastIndexOf('.');
  return dot > 0 && dot < domain.length - 1;
}

function patternIsSupported(pattern: string): boolean {
  // GitHub's CODEOWNERS supports neither negation nor character ranges.
  return !pattern.startsWith('!') && !/(^|[^\\])\[/.test(pattern);
}

/** Splits on whitespace that is not escaped (`\ ` keeps a space inside a pattern). */
function splitUnescaped(content: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < content.length; i++) {
    const char = content[i]!;
    if (char === '\\' && i + 1 < content.length) {
      current += char + content[++i];
    } else if (/\s/.test(char)) {
      if (current) parts.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  if (current) parts.push(current);
  return parts;
}

/** The line as evidence: control characters out (PostgreSQL cannot store NUL; terminals act on ESC), cut between characters. */
function quote(line: string): string {
  const characters = [...line.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ')];
  return characters.length > MAX_QUOTED_LINE ? `${characters.slice(0, MAX_QUOTED_LINE - 1).join('')}…` : characters.join('');
}

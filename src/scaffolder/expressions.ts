/**
 * Backstage's template expressions, `${{ parameters.name | lower }}`, as they appear in step inputs,
 * `if:` conditions and outputs. Backstage evaluates them with nunjucks; Backline parses the same
 * small language itself (paths, literals, comparisons, and/or/not, filters) so that nothing a
 * template author writes is ever handed to `eval` or a shell.
 */

export class ExpressionError extends Error {
  override name = 'ExpressionError';
}

/** What expressions can read: `parameters`, `steps`, `user`, and `values` in skeleton files. */
export type ExpressionScope = Record<string, unknown>;

type Filter = (value: unknown, ...args: unknown[]) => unknown;

/** The filters Backstage's scaffolder offers that templates use most, plus nunjucks' everyday ones. */
export const FILTERS: Record<string, Filter> = {
  parseRepoUrl: (value) => parseRepoUrl(String(value ?? '')),
  projectSlug: (value) => {
    const { owner, repo } = parseRepoUrl(String(value ?? ''));
    return `${owner}/${repo}`;
  },
  lower: (value) => String(value ?? '').toLowerCase(),
  upper: (value) => String(value ?? '').toUpperCase(),
  trim: (value) => String(value ?? '').trim(),
  replace: (value, from, to, count) => {
    let text = String(value ?? '');
    const limit = typeof count === 'number' ? count : Infinity;
    const search = String(from ?? '');
    if (search === '') return text;
    let done = 0;
    let at = text.indexOf(search);
    while (at !== -1 && done < limit) {
      text = text.slice(0, at) + String(to ?? '') + text.slice(at + search.length);
      done++;
      at = text.indexOf(search, at + String(to ?? '').length);
    }
    return text;
  },
  pick: (value, key) => (isRecord(value) && typeof key === 'string' && Object.hasOwn(value, key) ? value[key] : undefined),
  default: (value, fallback) => (value === undefined || value === null ? fallback : value),
  dump: (value) => JSON.stringify(value ?? null),
  join: (value, separator) => (Array.isArray(value) ? value.map((item) => String(item)).join(typeof separator === 'string' ? separator : ',') : String(value ?? '')),
  length: (value) => (Array.isArray(value) || typeof value === 'string' ? value.length : isRecord(value) ? Object.keys(value).length : 0),
};

export interface RepoUrl {
  host: string;
  owner: string;
  repo: string;
}

/**
 * The RepoUrlPicker's value, `github.com?owner=acme&repo=payments`, as its parts. Only GitHub-style
 * owner/repo URLs: Bitbucket's workspace/project and GitLab's nested groups are refused by name.
 */
export function parseRepoUrl(value: string): RepoUrl {
  const question = value.indexOf('?');
  const host = question === -1 ? '' : value.slice(0, question).trim();
  const query = new URLSearchParams(question === -1 ? '' : value.slice(question + 1));
  const owner = query.get('owner') ?? query.get('organization') ?? '';
  const repo = query.get('repo') ?? '';
  if (!host || !owner || !repo) {
    throw new ExpressionError(`"${value}" is not a repository URL: expected host?owner=ORG&repo=NAME, e.g. github.com?owner=acme&repo=payments-service`);
  }
  return { host, owner, repo };
}

const WHOLE = /^\s*\$\{\{([\s\S]*?)\}\}\s*$/;
const EMBEDDED = /\$\{\{([\s\S]*?)\}\}/g;

/**
 * Renders every expression in a value: strings, arrays and objects, deeply. A string that is one
 * expression and nothing else keeps the value's type (an array stays an array, `true` a boolean),
 * as in Backstage; expressions inside longer text are turned into text.
 */
export function renderValue(value: unknown, scope: ExpressionScope): unknown {
  if (typeof value === 'string') return renderString(value, scope);
  if (Array.isArray(value)) return value.map((item) => renderValue(item, scope));
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, renderValue(item, scope)]));
  return value;
}

export function renderString(text: string, scope: ExpressionScope): unknown {
  const whole = WHOLE.exec(text);
  if (whole && !whole[1]!.includes('}}')) return evaluate(whole[1]!, scope);
  return text.replace(EMBEDDED, (_, source: string) => toText(evaluate(source, scope)));
}

/** An `if:` of a step, link or text: a boolean, or an expression judged as nunjucks would. */
export function isTruthy(condition: unknown, scope: ExpressionScope): boolean {
  const value = typeof condition === 'string' ? renderString(condition, scope) : condition;
  if (typeof value === 'string') return value !== '' && value !== 'false';
  return Boolean(value) && !(Array.isArray(value) && value.length === 0);
}

export function toText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** Evaluates one expression (the text between `${{` and `}}`). */
export function evaluate(source: string, scope: ExpressionScope): unknown {
  const parser = new Parser(tokenize(source), source);
  const node = parser.parseExpression();
  parser.expectEnd();
  return run(node, scope, source);
}

// ---- tokens ---------------------------------------------------------------------------------------

type Token = { type: 'name' | 'number' | 'string' | 'op'; text: string; value?: unknown };

const OPERATORS = ['===', '!==', '==', '!=', '<=', '>=', '&&', '||', '<', '>', '!', '|', '.', ',', '(', ')', '[', ']'];

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const char = source[i]!;
    if (/\s/.test(char)) {
      i++;
      continue;
    }
    if (char === '"' || char === "'") {
      let text = '';
      let j = i + 1;
      for (; j < source.length && source[j] !== char; j++) {
        if (source[j] === '\\' && j + 1 < source.length) j++;
        text += source[j];
      }
      if (j >= source.length) throw new ExpressionError(`Unclosed quote in \${{ ${source.trim()} }}`);
      tokens.push({ type: 'string', text, value: text });
      i = j + 1;
      continue;
    }
    const number = /^\d+(\.\d+)?/.exec(source.slice(i));
    if (number) {
      tokens.push({ type: 'number', text: number[0], value: Number(number[0]) });
      i += number[0].length;
      continue;
    }
    const name = /^[A-Za-z_$][\w$-]*/.exec(source.slice(i));
    if (name) {
      // Step ids such as `fetch-base` contain hyphens; a trailing hyphen belongs to nothing.
      const text = name[0].replace(/-+$/, '');
      tokens.push({ type: 'name', text });
      i += text.length;
      continue;
    }
    const operator = OPERATORS.find((candidate) => source.startsWith(candidate, i));
    if (!operator) throw new ExpressionError(`Unexpected "${char}" in \${{ ${source.trim()} }}`);
    tokens.push({ type: 'op', text: operator });
    i += operator.length;
  }
  return tokens;
}

// ---- syntax ---------------------------------------------------------------------------------------

type Node =
  | { kind: 'literal'; value: unknown }
  | { kind: 'name'; name: string }
  | { kind: 'member'; object: Node; property: Node }
  | { kind: 'not'; operand: Node }
  | { kind: 'binary'; operator: string; left: Node; right: Node }
  | { kind: 'filter'; name: string; input: Node; args: Node[] }
  | { kind: 'list'; items: Node[] };

class Parser {
  private position = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly source: string,
  ) {}

  parseExpression(): Node {
    return this.parseOr();
  }

  expectEnd(): void {
    if (this.position < this.tokens.length) this.fail(`unexpected "${this.tokens[this.position]!.text}"`);
    if (this.tokens.length === 0) this.fail('the expression is empty');
  }

  private parseOr(): Node {
    let left = this.parseAnd();
    while (this.take('||') || this.takeName('or')) left = { kind: 'binary', operator: '||', left, right: this.parseAnd() };
    return left;
  }

  private parseAnd(): Node {
    let left = this.parseNot();
    while (this.take('&&') || this.takeName('and')) left = { kind: 'binary', operator: '&&', left, right: this.parseNot() };
    return left;
  }

  private parseNot(): Node {
    if (this.take('!') || this.takeName('not')) return { kind: 'not', operand: this.parseNot() };
    return this.parseComparison();
  }

  private parseComparison(): Node {
    const left = this.parseFiltered();
    const operator = ['===', '!==', '==', '!=', '<=', '>=', '<', '>'].find((candidate) => this.peek(candidate));
    if (!operator) return left;
    this.position++;
    return { kind: 'binary', operator, left, right: this.parseFiltered() };
  }

  private parseFiltered(): Node {
    let input = this.parsePrimary();
    while (this.take('|')) {
      const name = this.tokens[this.position];
      if (name?.type !== 'name') this.fail('a filter name must follow "|"');
      this.position++;
      const args: Node[] = [];
      if (this.take('(')) {
        if (!this.take(')')) {
          do args.push(this.parseExpression());
          while (this.take(','));
          this.expect(')');
        }
      }
      input = { kind: 'filter', name: name!.text, input, args };
    }
    return input;
  }

  private parsePrimary(): Node {
    const token = this.tokens[this.position];
    if (!token) this.fail('it ends too early');
    this.position++;
    let node: Node;
    if (token!.type === 'string' || token!.type === 'number') node = { kind: 'literal', value: token!.value };
    else if (token!.type === 'name') {
      const literals: Record<string, unknown> = { true: true, false: false, null: null, none: null, undefined: undefined };
      node = Object.hasOwn(literals, token!.text) ? { kind: 'literal', value: literals[token!.text] } : { kind: 'name', name: token!.text };
    } else if (token!.text === '(') {
      node = this.parseExpression();
      this.expect(')');
    } else if (token!.text === '[') {
      const items: Node[] = [];
      if (!this.take(']')) {
        do items.push(this.parseExpression());
        while (this.take(','));
        this.expect(']');
      }
      node = { kind: 'list', items };
    } else {
      return this.fail(`unexpected "${token!.text}"`);
    }
    for (;;) {
      if (this.take('.')) {
        const property = this.tokens[this.position];
        if (property?.type !== 'name' && property?.type !== 'number') this.fail('a name must follow "."');
        this.position++;
        node = { kind: 'member', object: node, property: { kind: 'literal', value: property!.text } };
      } else if (this.take('[')) {
        node = { kind: 'member', object: node, property: this.parseExpression() };
        this.expect(']');
      } else {
        return node;
      }
    }
  }

  private peek(text: string): boolean {
    const token = this.tokens[this.position];
    return token?.type === 'op' && token.text === text;
  }

  private take(text: string): boolean {
    if (!this.peek(text)) return false;
    this.position++;
    return true;
  }

  private takeName(name: string): boolean {
    const token = this.tokens[this.position];
    if (token?.type !== 'name' || token.text !== name) return false;
    this.position++;
    return true;
  }

  private expect(text: string): void {
    if (!this.take(text)) this.fail(`"${text}" expected`);
  }

  private fail(reason: string): never {
    throw new ExpressionError(`Cannot read \${{ ${this.source.trim()} }}: ${reason}`);
  }
}

// ---- evaluation -----------------------------------------------------------------------------------

// Reading these would reach JavaScript's object machinery rather than template data.
const FORBIDDEN = new Set(['__proto__', 'prototype', 'constructor']);

function run(node: Node, scope: ExpressionScope, source: string): unknown {
  switch (node.kind) {
    case 'literal':
      return node.value;
    case 'name':
      return Object.hasOwn(scope, node.name) ? scope[node.name] : undefined;
    case 'list':
      return node.items.map((item) => run(item, scope, source));
    case 'member': {
      const object = run(node.object, scope, source);
      const property = String(run(node.property, scope, source));
      if (FORBIDDEN.has(property)) throw new ExpressionError(`\${{ ${source.trim()} }} reads "${property}", which templates may not read`);
      if (Array.isArray(object) && /^\d+$/.test(property)) return object[Number(property)];
      if (typeof object === 'string' && property === 'length') return object.length;
      return isRecord(object) && Object.hasOwn(object, property) ? object[property] : undefined;
    }
    case 'not':
      return !truthy(run(node.operand, scope, source));
    case 'binary': {
      const left = run(node.left, scope, source);
      if (node.operator === '&&') return truthy(left) ? run(node.right, scope, source) : left;
      if (node.operator === '||') return truthy(left) ? left : run(node.right, scope, source);
      const right = run(node.right, scope, source);
      switch (node.operator) {
        case '===':
        case '==':
          return left === right;
        case '!==':
        case '!=':
          return left !== right;
        case '<':
          return (left as number) < (right as number);
        case '>':
          return (left as number) > (right as number);
        case '<=':
          return (left as number) <= (right as number);
        default:
          return (left as number) >= (right as number);
      }
    }
    case 'filter': {
      const filter = Object.hasOwn(FILTERS, node.name) ? FILTERS[node.name] : undefined;
      if (!filter) throw new ExpressionError(`\${{ ${source.trim()} }} uses the filter "${node.name}", which Backline does not have. It has: ${Object.keys(FILTERS).join(', ')}`);
      return filter(run(node.input, scope, source), ...node.args.map((arg) => run(arg, scope, source)));
    }
  }
}

function truthy(value: unknown): boolean {
  return Boolean(value) && !(Array.isArray(value) && value.length === 0);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

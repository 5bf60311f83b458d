/**
 * The part of Go's text/template, with Helm's and Sprig's functions, that the chart in
 * deploy/helm/backline uses: enough to render its manifests in tests without a helm binary. Anything
 * outside that part throws and names itself, so a template the chart starts to need is added here
 * on purpose rather than rendered differently from Helm.
 *
 * Supported: `{{ }}` with `{{-`/`-}}` trimming and `{{/* comments *\/}}`; `.`, `$`, field chains
 * (`.Values.a.b`, `$.Template.BasePath`); string, integer and boolean literals; pipelines and
 * parenthesised pipelines; if / else if / else / end, with / else / end, range (lists and maps) /
 * else / end, define / end; and the functions in FUNCTIONS (goTemplateFunctions.ts) plus `include`.
 * Go's semantics kept where they decide what renders: empty values are false; a missing map key is
 * nil and prints as nothing (Helm's missingkey=zero); a field of nil is an error; numbers read from
 * YAML are float64, so comparing one with an integer literal is an error (use `int`), and one of a
 * million or more prints as 1e+06, as Helm does.
 */
import { callFunction, FUNCTIONS, GoInt, isMap, printed, truthy } from './goTemplateFunctions';

export { TemplateFailure } from './goTemplateFunctions';

type Operand =
  | { kind: 'field'; from: 'dot' | 'root'; path: string[] }
  | { kind: 'literal'; value: unknown }
  | { kind: 'function'; name: string }
  | { kind: 'pipeline'; pipeline: Pipeline };
type Pipeline = Operand[][];

type Node =
  | { kind: 'text'; text: string }
  | { kind: 'print'; pipeline: Pipeline }
  | { kind: 'if' | 'with'; branches: Array<{ condition: Pipeline | null; body: Node[] }> }
  | { kind: 'range'; pipeline: Pipeline; body: Node[]; otherwise: Node[] };

interface Scope {
  dot: unknown;
  root: unknown;
}

/** A set of named templates (every file by its path, and each `define`), rendered on request. */
export class TemplateSet {
  private readonly templates = new Map<string, Node[]>();

  /** Parses `source` as the template `name`, and registers the templates it defines. */
  add(name: string, source: string): void {
    this.templates.set(name, this.parse(tokenize(source), name));
  }

  render(name: string, data: unknown): string {
    const nodes = this.templates.get(name);
    if (!nodes) throw new Error(`no template "${name}"`);
    return this.renderNodes(nodes, { dot: data, root: data });
  }

  private parse(tokens: Token[], file: string): Node[] {
    const top: Node[] = [];
    const open: Array<{ keyword: string; node?: Node; body: Node[]; name?: string }> = [{ keyword: 'file', body: top }];
    const current = () => open[open.length - 1]!;
    for (const token of tokens) {
      if (token.kind === 'text') {
        if (token.text) current().body.push({ kind: 'text', text: token.text });
        continue;
      }
      const words = lex(token.source);
      const keyword = words[0]?.kind === 'identifier' ? words[0].text : undefined;
      if (keyword === 'if' || keyword === 'with') {
        const body: Node[] = [];
        const node: Node = { kind: keyword, branches: [{ condition: parsePipeline(words.slice(1)), body }] };
        current().body.push(node);
        open.push({ keyword, node, body });
      } else if (keyword === 'range') {
        const body: Node[] = [];
        const node: Node = { kind: 'range', pipeline: parsePipeline(words.slice(1)), body, otherwise: [] };
        current().body.push(node);
        open.push({ keyword, node, body });
      } else if (keyword === 'else') {
        const frame = current();
        const node = frame.node;
        if (!node) throw new Error(`${file}: {{ else }} outside if, with or range`);
        if (node.kind === 'range') {
          frame.body = node.otherwise;
        } else if (node.kind === 'if' || node.kind === 'with') {
          const chained = words[1]?.kind === 'identifier' && words[1].text === 'if';
          if (chained && node.kind !== 'if') throw new Error(`${file}: {{ else if }} is only supported inside if`);
          const body: Node[] = [];
          node.branches.push({ condition: chained ? parsePipeline(words.slice(2)) : null, body });
          frame.body = body;
        }
      } else if (keyword === 'define') {
        const name = words[1];
        if (name?.kind !== 'string') throw new Error(`${file}: define needs a quoted name`);
        open.push({ keyword, body: [], name: name.value });
      } else if (keyword === 'end') {
        const frame = open.pop()!;
        if (frame.keyword === 'file') throw new Error(`${file}: {{ end }} without an opening action`);
        if (frame.keyword === 'define') this.templates.set(frame.name!, frame.body);
      } else if (keyword && ['template', 'block', 'break', 'continue'].includes(keyword)) {
        throw new Error(`${file}: {{ ${keyword} }} is outside the supported template subset`);
      } else if (words.length) {
        current().body.push({ kind: 'print', pipeline: parsePipeline(words) });
      }
    }
    if (open.length > 1) throw new Error(`${file}: {{ ${current().keyword} }} is never closed with {{ end }}`);
    return top;
  }

  private renderNodes(nodes: Node[], scope: Scope): string {
    let out = '';
    for (const node of nodes) {
      if (node.kind === 'text') out += node.text;
      else if (node.kind === 'print') out += printed(this.evaluate(node.pipeline, scope));
      else if (node.kind === 'range') {
        const items = this.evaluate(node.pipeline, scope);
        const list = items == null ? [] : Array.isArray(items) ? items : isMap(items) ? Object.keys(items).sort().map((key) => items[key]) : undefined;
        if (!list) throw new Error(`range can't iterate over ${printed(items)}`);
        out += list.length ? list.map((item) => this.renderNodes(node.body, { ...scope, dot: item })).join('') : this.renderNodes(node.otherwise, scope);
      } else {
        for (const branch of node.branches) {
          const value = branch.condition ? this.evaluate(branch.condition, scope) : true;
          if (!truthy(value)) continue;
          out += this.renderNodes(branch.body, node.kind === 'with' && branch.condition ? { ...scope, dot: value } : scope);
          break;
        }
      }
    }
    return out;
  }

  private evaluate(pipeline: Pipeline, scope: Scope): unknown {
    let result: unknown;
    pipeline.forEach((command, index) => {
      const piped = index === 0 ? [] : [result];
      const [head, ...rest] = command;
      if (head?.kind === 'function') {
        const args = [...rest.map((operand) => this.operand(operand, scope)), ...piped];
        result = head.name === 'include' ? this.render(String(args[0]), args[1]) : callFunction(head.name, args);
      } else {
        if (rest.length || piped.length) throw new Error(`can't give arguments to a value (${JSON.stringify(head)})`);
        result = this.operand(head!, scope);
      }
    });
    return result;
  }

  private operand(operand: Operand, scope: Scope): unknown {
    if (operand.kind === 'literal') return operand.value;
    if (operand.kind === 'pipeline') return this.evaluate(operand.pipeline, scope);
    if (operand.kind === 'function') return callFunction(operand.name, []);
    let value = operand.from === 'root' ? scope.root : scope.dot;
    for (const key of operand.path) {
      if (value == null) throw new Error(`nil pointer evaluating interface {}.${key}`);
      if (!isMap(value)) throw new Error(`can't evaluate field ${key} in ${printed(value)}`);
      value = value[key];
    }
    return value;
  }
}

type Token = { kind: 'text'; text: string } | { kind: 'action'; source: string };

/** Splits a template into text and actions, applying `{{-` and `-}}` and dropping comments. */
function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let position = 0;
  let trimNext = false;
  while (position < source.length) {
    const start = source.indexOf('{{', position);
    let text = source.slice(position, start === -1 ? source.length : start);
    if (trimNext) text = text.replace(/^\s+/, '');
    trimNext = false;
    if (start === -1) {
      tokens.push({ kind: 'text', text });
      break;
    }
    let inner = source.slice(start + 2);
    const commentEnd = /^-?\s*\/\*/.test(inner) ? inner.indexOf('*/') : -1;
    const end = inner.indexOf('}}', commentEnd === -1 ? 0 : commentEnd);
    if (end === -1) throw new Error(`unclosed action at offset ${start}`);
    inner = inner.slice(0, end);
    if (/^-\s/.test(inner)) text = text.replace(/\s+$/, '');
    if (/\s-$/.test(inner)) trimNext = true;
    tokens.push({ kind: 'text', text });
    const action = inner.replace(/^-\s/, '').replace(/\s-$/, '').trim();
    if (!action.startsWith('/*')) tokens.push({ kind: 'action', source: action });
    position = start + 2 + end + 2;
  }
  return tokens;
}

type Word =
  | { kind: 'identifier'; text: string }
  | { kind: 'field'; from: 'dot' | 'root'; path: string[] }
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: '(' | ')' | '|' };

const WORD = /\s*(?:([()|])|("(?:\\.|[^"\\])*")|`([^`]*)`|(-?\d+)(?![\w.])|(\$?(?:\.[A-Za-z_]\w*)+|\.|\$)|([A-Za-z_]\w*))/y;

function lex(source: string): Word[] {
  const words: Word[] = [];
  WORD.lastIndex = 0;
  while (WORD.lastIndex < source.trimEnd().length) {
    const at = WORD.lastIndex;
    const match = WORD.exec(source);
    if (!match) throw new Error(`cannot read "${source.slice(at)}" in {{ ${source} }} (outside the supported template subset)`);
    const [, punctuation, quoted, raw, number, field, identifier] = match;
    if (punctuation) words.push({ kind: punctuation as '(' | ')' | '|' });
    else if (quoted !== undefined) words.push({ kind: 'string', value: JSON.parse(quoted) as string });
    else if (raw !== undefined) words.push({ kind: 'string', value: raw });
    else if (number !== undefined) words.push({ kind: 'number', value: Number(number) });
    else if (field !== undefined) words.push({ kind: 'field', from: field.startsWith('$') ? 'root' : 'dot', path: field.replace(/^\$/, '').split('.').filter(Boolean) });
    else if (identifier !== undefined) words.push({ kind: 'identifier', text: identifier });
  }
  return words;
}

function parsePipeline(words: Word[]): Pipeline {
  let index = 0;
  const pipeline = (): Pipeline => {
    const commands: Pipeline = [[]];
    while (index < words.length) {
      const word = words[index++]!;
      if (word.kind === ')') return commands;
      if (word.kind === '|') commands.push([]);
      else if (word.kind === '(') commands[commands.length - 1]!.push({ kind: 'pipeline', pipeline: pipeline() });
      else commands[commands.length - 1]!.push(operandOf(word));
    }
    return commands;
  };
  const parsed = pipeline();
  if (index < words.length || parsed.some((command) => command.length === 0)) throw new Error('unbalanced parentheses or an empty command in a pipeline');
  return parsed;
}

function operandOf(word: Word): Operand {
  switch (word.kind) {
    case 'string':
      return { kind: 'literal', value: word.value };
    case 'number':
      return { kind: 'literal', value: new GoInt(word.value) };
    case 'field':
      return { kind: 'field', from: word.from, path: word.path };
    case 'identifier':
      if (word.text === 'true' || word.text === 'false') return { kind: 'literal', value: word.text === 'true' };
      if (word.text === 'nil') return { kind: 'literal', value: null };
      if (word.text !== 'include' && !(word.text in FUNCTIONS)) throw new Error(`function "${word.text}" is outside the supported template subset`);
      return { kind: 'function', name: word.text };
    default:
      throw new Error(`unexpected "${word.kind}"`);
  }
}

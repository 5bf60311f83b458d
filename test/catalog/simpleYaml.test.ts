import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import yaml from 'js-yaml';
import { generateCatalog } from '../../bench/generate';
import { Prng } from '../../bench/lib/prng';
import { readSimpleYaml } from '../../src/catalog/simpleYaml';
import { parseYamlDocuments } from '../../src/catalog/yaml';

const REPO = path.resolve(__dirname, '../..');
const CONFORMANCE = path.resolve(REPO, '../shared/conformance');

type JsYamlOutcome = { ok: true; documents: unknown[] } | { ok: false };

function jsYaml(text: string): JsYamlOutcome {
  try {
    return { ok: true, documents: yaml.loadAll(text, undefined, { schema: yaml.CORE_SCHEMA }) };
  } catch {
    return { ok: false };
  }
}

/** Equal values, and equal key order too: catalog bodies are stored as the JSON of what was read. */
function sameAs(simple: unknown[], expected: unknown[]): boolean {
  return isDeepStrictEqual(simple, expected) && JSON.stringify(simple) === JSON.stringify(expected);
}

/** Every text the simple reader takes must read exactly as js-yaml reads it. */
function disagreements(texts: Array<{ name: string; text: string }>): { taken: number; wrong: string[] } {
  let taken = 0;
  const wrong: string[] = [];
  for (const { name, text } of texts) {
    const simple = readSimpleYaml(text);
    if (simple === undefined) continue;
    taken++;
    const expected = jsYaml(text);
    if (!expected.ok || !sameAs(simple, expected.documents)) wrong.push(name);
  }
  return { taken, wrong };
}

function yamlFilesUnder(folder: string): string[] {
  if (!fs.existsSync(folder)) return [];
  return fs.readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : yamlFilesUnder(full);
    return /\.ya?ml$/.test(entry.name) ? [full] : [];
  });
}

function read(files: string[]): Array<{ name: string; text: string }> {
  return files.map((file) => ({ name: path.relative(REPO, file), text: fs.readFileSync(file, 'utf8') }));
}

const TOKENS = [': ', ':', '- ', '-', '#', ' #', ' # c', '"', "'", "''", '|', '|-', '|+', '>', '[', ']', '[a, 1]', '{', '}', '{}', ',', '&a ', '*a', '!!str ', '---', '--- ', '...', '\t', '\r', '  ', ' ', '\n', '\n\n', 'null', 'Null', '~', 'true', 'FALSE', '0x1F', '0o17', '012', '1_000', '-1', '+.5', '1e3', '.inf', '.NaN', '__proto__', '? ', '%YAML 1.2\n', '\\', '\\n', '@', '`', 'é', '\u2028', 'key: value', '\n- x', '\n  y: 2'];

function mutate(text: string, next: () => number): string {
  const pick = (n: number) => Math.floor(next() * n);
  const lines = text.split('\n');
  switch (pick(6)) {
    case 0: {
      const at = pick(text.length + 1);
      return text.slice(0, at) + TOKENS[pick(TOKENS.length)] + text.slice(at);
    }
    case 1: {
      const at = pick(text.length);
      return text.slice(0, at) + text.slice(at + 1 + pick(6));
    }
    case 2: {
      const at = pick(lines.length);
      lines.splice(at, 0, lines[at]!);
      return lines.join('\n');
    }
    case 3: {
      const at = pick(lines.length);
      lines[at] = next() < 0.5 ? ` ${lines[at]}` : lines[at]!.replace(/^ {1,2}/, '');
      return lines.join('\n');
    }
    case 4: {
      const a = pick(lines.length);
      const b = pick(lines.length);
      [lines[a], lines[b]] = [lines[b]!, lines[a]!];
      return lines.join('\n');
    }
    default: {
      const at = pick(lines.length);
      lines[at] = `${lines[at]}${TOKENS[pick(TOKENS.length)]}`;
      return lines.join('\n');
    }
  }
}

describe('the simple YAML reader', () => {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'backline-simple-yaml-'));
  afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

  it("reads Backstage's example catalog and templates, the demo catalog and Backline's templates exactly as js-yaml does", () => {
    const files = [...yamlFilesUnder(CONFORMANCE), ...yamlFilesUnder(path.join(REPO, 'examples')), ...yamlFilesUnder(path.join(REPO, 'templates'))];
    const { taken, wrong } = disagreements(read(files));
    expect(wrong).toEqual([]);
    // Most real files are in the simple style; if this falls, the reader stopped earning its keep.
    expect(files.length).toBeGreaterThan(80);
    expect(taken / files.length).toBeGreaterThan(0.8);
  });

  it('reads every file of a generated catalog, API definitions in block scalars included, exactly as js-yaml does', () => {
    const generated = generateCatalog(scratch, { files: 300, perFile: 10, seed: 11 });
    const files = yamlFilesUnder(path.dirname(generated.root));
    const { taken, wrong } = disagreements(read(files));
    expect(wrong).toEqual([]);
    expect(taken).toBe(files.length);
  });

  it('never disagrees with js-yaml on thousands of damaged and unusual variants of real files', () => {
    const seeds = read([
      ...yamlFilesUnder(path.join(CONFORMANCE, 'backstage-catalog')).slice(0, 40),
      ...yamlFilesUnder(path.join(REPO, 'examples')).slice(0, 20),
    ]);
    // Seeded, so a failing mutant can be found again.
    const prng = new Prng(20261122);
    const next = () => prng.next();
    const mutants: Array<{ name: string; text: string }> = [];
    for (let i = 0; i < 6000; i++) {
      const seed = seeds[Math.floor(next() * seeds.length)]!;
      let text = seed.text;
      const edits = 1 + Math.floor(next() * 3);
      for (let edit = 0; edit < edits; edit++) text = mutate(text, next);
      mutants.push({ name: `${seed.name} mutant ${i}: ${JSON.stringify(text)}`, text });
    }
    const { taken, wrong } = disagreements(mutants);
    expect(wrong.slice(0, 3)).toEqual([]);
    // The reader must still take a good share of the mutants, or this test would prove nothing.
    expect(taken).toBeGreaterThan(1500);
  });

  it.each([
    ['keys, plain scalars of every core type, and comments', 'a: x # note\nb: 1\nc: -2.5\nd: true\ne: ~\nf:\ng: 0x1F\nh: 1_000\ni: .inf\n', [{ a: 'x', b: 1, c: -2.5, d: true, e: null, f: null, g: 31, h: '1_000', i: Infinity }]],
    ['quoted scalars, which are never typed', `a: "1"\nb: 'it''s'\nc: 'true' # c\n`, [{ a: '1', b: "it's", c: 'true' }]],
    ['sequences indented and not, and mappings inside them', 'a:\n- x\n-\n- b: 1\n  c: [y, 2, null]\nd:\n  -   e: 3\n      f: {}\n', [{ a: ['x', null, { b: 1, c: ['y', 2, null] }], d: [{ e: 3, f: {} }] }]],
    ['literal blocks, clipped and stripped, with empty and comment lines kept', 'a: |\n\n  one\n\n  # two\n    three\n\nb: |-\n  x\n', [{ a: '\none\n\n# two\n  three\n', b: 'x' }]],
    ['several documents', '# header\n---\na: 1\n--- # second\nb: 2\n', [{ a: 1 }, { b: 2 }]],
  ])('reads %s', (_what, text, expected) => {
    expect(readSimpleYaml(text)).toEqual(expected);
    expect(jsYaml(text)).toEqual({ ok: true, documents: expected });
  });

  it.each([
    ['anchors and aliases', 'a: &x 1\nb: *x\n'],
    ['tags', 'a: !!str 1\n'],
    ['folded blocks', 'a: >\n  x\n  y\n'],
    ['plain scalars over several lines', 'a: x\n  y\n'],
    ['escapes in double quotes', 'a: "x\\ty"\n'],
    ['duplicate keys', 'a: 1\na: 2\n'],
    ['tabs', 'a:\n\t- x\n'],
    ['Windows line ends', 'a: 1\r\nb: 2\r\n'],
    ['empty documents', 'a: 1\n---\n'],
    ['a document that is not a mapping', '- a\n- b\n'],
    ['bad indentation', 'a: 1\n b: 2\n'],
    ['a key that is not a plain word', '"a b": 1\n'],
    ['a value with a mapping inside it', 'a: b: c\n'],
  ])('leaves %s to js-yaml, which reads them or words the error itself', (_what, text) => {
    expect(readSimpleYaml(text)).toBeUndefined();
    const expected = jsYaml(text);
    const parsed = parseYamlDocuments(text);
    expect(parsed.ok).toBe(expected.ok);
    if (parsed.ok && expected.ok) expect(parsed.documents.map((document) => document.value)).toEqual(expected.documents);
  });
});

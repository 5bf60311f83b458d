import yaml from 'js-yaml';

/** One YAML document of a catalog file, before validation. */
export interface RawDocument {
  /** 1-based position of the document in its file. */
  index: number;
  /** 1-based line where the document starts, as near as the separators tell. */
  line: number;
  value: unknown;
}

export interface YamlProblem {
  message: string;
  line?: number;
  column?: number;
}

export type ParsedYaml = { ok: true; documents: RawDocument[] } | { ok: false; problem: YamlProblem };

export interface YamlLimits {
  /** Nodes a document may expand to once aliases are followed; guards against "billion laughs". */
  maxNodes: number;
  maxDepth: number;
}

export const DEFAULT_YAML_LIMITS: YamlLimits = { maxNodes: 100_000, maxDepth: 64 };

/**
 * Parses a multi-document catalog file the way Backstage reads it: YAML 1.2 core schema (dates stay
 * strings, no `<<` merges), duplicate keys are an error, and the whole file fails if any document
 * fails, so that a half-read file never replaces a location's last good entities.
 */
export function parseYamlDocuments(text: string, limits: YamlLimits = DEFAULT_YAML_LIMITS): ParsedYaml {
  let values: unknown[];
  try {
    values = yaml.loadAll(text, undefined, { schema: yaml.CORE_SCHEMA });
  } catch (error) {
    if (error instanceof yaml.YAMLException) {
      const mark = error.mark as { line?: number; column?: number } | undefined;
      const reason = /maxDepth/.test(error.reason) ? 'it is nested too deeply (more than 100 levels)' : error.reason || error.message;
      return {
        ok: false,
        problem: { message: reason, line: mark?.line !== undefined ? mark.line + 1 : undefined, column: mark?.column !== undefined ? mark.column + 1 : undefined },
      };
    }
    if (error instanceof RangeError) return { ok: false, problem: { message: 'it is nested too deeply to read' } };
    throw error;
  }

  const starts = documentStartLines(text);
  const documents: RawDocument[] = [];
  for (const [position, value] of values.entries()) {
    const index = position + 1;
    const line = starts[position] ?? 1;
    const excess = measure(value, limits);
    if (excess) return { ok: false, problem: { message: `document ${index} ${excess}`, line } };
    documents.push({ index, line, value });
  }
  return { ok: true, documents };
}

/**
 * Walks a parsed value counting every node it reaches, so an alias used a million times counts a
 * million times: that is what serialising or validating it would cost. It runs before anything
 * recursive touches the value (validation, JSON), which a value nested thousands deep would
 * otherwise overflow the stack of.
 */
export function measure(root: unknown, limits: YamlLimits): string | undefined {
  let nodes = 0;
  const stack: Array<{ value: unknown; depth: number }> = [{ value: root, depth: 1 }];
  while (stack.length > 0) {
    const { value, depth } = stack.pop()!;
    nodes++;
    if (nodes > limits.maxNodes) return `expands to more than ${limits.maxNodes} values (are YAML aliases repeating a large block?)`;
    if (depth > limits.maxDepth) return `is nested more than ${limits.maxDepth} levels deep`;
    if (Array.isArray(value)) {
      for (const item of value) stack.push({ value: item, depth: depth + 1 });
    } else if (value !== null && typeof value === 'object') {
      for (const item of Object.values(value)) stack.push({ value: item, depth: depth + 1 });
    }
  }
  return undefined;
}

/**
 * `\u0000`, or `\ud800`–`\udfff` standing alone, as JSON.stringify writes them (it keeps surrogate
 * pairs as they are and escapes only a lone half), preceded by an even number of backslashes so that
 * a literal backslash before `u0000` in the text does not count.
 */
const UNSTORABLE_ESCAPE = /(?<!\\)(?:\\\\)*\\u(0000|d[89a-f][0-9a-f]{2})/i;

/**
 * Text PostgreSQL cannot keep in a jsonb value: a NUL character (YAML's "\0") or half of a UTF-16
 * surrogate pair ("\uD800"). Either would fail the write of every entity in the same batch, so it
 * is found first, in the entity's JSON, and made the error of the entity that holds it.
 */
export function unstorableText(json: string): string | undefined {
  const found = UNSTORABLE_ESCAPE.exec(json);
  if (!found) return undefined;
  return found[1] === '0000' ? 'it holds a NUL character ("\\0"), which the catalog cannot store' : 'it holds half of a UTF-16 surrogate pair (such as "\\uD800"), which is not valid Unicode text';
}

/** Line numbers (1-based) where each document begins: the first line, then after each `---`. */
function documentStartLines(text: string): number[] {
  const starts: number[] = [];
  // Every line is looked at until the first document begins; after that only lines starting with
  // `---` can matter, so the scan jumps between them and counts the newlines it passes.
  let lineStart = 0;
  let lineNumber = 1;
  while (lineStart <= text.length) {
    const end = text.indexOf('\n', lineStart);
    const lineEnd = end === -1 ? text.length : end;
    if (starts.length === 0 || text.startsWith('---', lineStart)) {
      const line = text.slice(lineStart, lineEnd).replace(/\r$/, '');
      // A document begins on the line after a bare `---`, or on the separator line when content follows it.
      if (/^---\s*$/.test(line)) starts.push(lineNumber + 1);
      else if (/^---\s/.test(line)) starts.push(lineNumber);
      else if (starts.length === 0 && line.trim() !== '' && !line.startsWith('#') && !line.startsWith('%')) starts.push(lineNumber);
    }
    if (end === -1) break;
    if (starts.length > 0) {
      const separator = text.indexOf('\n---', lineEnd);
      if (separator === -1) break;
      lineNumber += countNewlines(text, lineEnd, separator + 1);
      lineStart = separator + 1;
    } else {
      lineNumber++;
      lineStart = end + 1;
    }
  }
  return starts.length ? starts : [1];
}

function countNewlines(text: string, from: number, to: number): number {
  let count = 0;
  for (let at = text.indexOf('\n', from); at !== -1 && at < to; at = text.indexOf('\n', at + 1)) count++;
  return count;
}

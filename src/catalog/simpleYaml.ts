import yaml from 'js-yaml';

/**
 * A reader for the plain block style that nearly every catalog file is written in: mappings and
 * sequences by indentation, plain and one-line quoted scalars, one-line flow sequences, literal
 * block scalars, comments and `---` separators.
 *
 * js-yaml's general loader was the largest single cost of ingesting a catalog. For text in this
 * style, `readSimpleYaml` returns exactly what `yaml.loadAll(text, undefined, { schema:
 * CORE_SCHEMA })` returns, scalars resolved by js-yaml's own core-schema types. For anything else
 * (anchors, aliases, tags, folded or indented block scalars, multi-line plain or quoted scalars,
 * flow mappings, escapes, tabs, carriage returns, duplicate keys, empty documents, odd indentation,
 * any error) it returns undefined, and the caller asks js-yaml, which also words the errors. A
 * differential test holds the two readers to the same answers.
 */
export function readSimpleYaml(text: string): unknown[] | undefined {
  if (UNUSUAL_CHARACTER.test(text) && !onlyPrintableText(text)) return undefined;
  try {
    return new SimpleReader(text).documents();
  } catch (error) {
    if (error === NOT_SIMPLE) return undefined;
    throw error;
  }
}

/** Thrown inside the reader when the text leaves the simple style; never escapes it. */
const NOT_SIMPLE = new Error('not in the simple YAML style');

const UNUSUAL_CHARACTER = /[^\x20-\x7E\n]/;
// js-yaml's own tests for characters it rejects or treats specially (lib/loader.js).
const NON_PRINTABLE = /[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x84\x86-\x9F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?:[^\uD800-\uDBFF]|^)[\uDC00-\uDFFF]/;
const SPECIAL = /[\t\r\x85\u2028\u2029\uFEFF]/;

/** Text beyond printable ASCII is fine when it is only letters and symbols js-yaml takes as they are. */
function onlyPrintableText(text: string): boolean {
  return !SPECIAL.test(text) && !NON_PRINTABLE.test(text);
}

// The core schema's implicit types (null, bool, int, float), in js-yaml's order: the first that
// recognises a plain scalar constructs it. Its type declarations leave the list out.
const IMPLICIT_TYPES = (yaml.CORE_SCHEMA as unknown as { implicit: yaml.Type[] }).implicit;
const NULL_OR_BOOL = new Set(['null', 'Null', 'NULL', 'true', 'True', 'TRUE', 'false', 'False', 'FALSE']);
const MAX_DEPTH = 50;
// Indicators that make a plain scalar something else, or an error: `- ` and `? ` and `: ` too.
const NOT_FLOW_ITEM = /[[\]{}"'#&*!|>%@`?]|^:|^-(?: |$)/;
const NOT_PLAIN_START = /^(?:[&*!%@`?:,\]}>|#]|-(?: |$))/;

const SPACE = 0x20;
const DASH = 0x2d;
const HASH = 0x23;
const COLON = 0x3a;

// What a line holds, found once for all lines before parsing.
const CONTENT = 0;
const EMPTY = 1;
const SPACES_ONLY = 2;
const COMMENT = 3;

/**
 * Reads by line numbers into the text rather than by line strings: only keys and values are ever
 * sliced out, so a file costs little more than one pass over its characters.
 */
class SimpleReader {
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  /** Column where each line's content begins; for a `- key: value` line, where its key begins. */
  private readonly indents: number[] = [];
  private readonly kinds: number[] = [];
  private at = 0;
  private depth = 0;

  constructor(private readonly text: string) {
    const { length } = text;
    let start = 0;
    while (start < length) {
      let end = text.indexOf('\n', start);
      if (end === -1) end = length;
      let at = start;
      while (text.charCodeAt(at) === SPACE) at++;
      this.starts.push(start);
      this.ends.push(end);
      this.indents.push(at - start);
      this.kinds.push(at === end ? (at === start ? EMPTY : SPACES_ONLY) : text.charCodeAt(at) === HASH ? COMMENT : CONTENT);
      start = end + 1;
    }
  }

  documents(): unknown[] {
    const documents: unknown[] = [];
    let separatorPending = false;
    while (this.nextContentLine()) {
      const { text } = this;
      const start = this.starts[this.at]!;
      if (this.indents[this.at] !== 0) throw NOT_SIMPLE;
      if (text.startsWith('---', start)) {
        if (!/^---( +(#.*)?)?$/.test(this.line())) throw NOT_SIMPLE;
        // Two separators in a row, or one at the end, make an empty document: js-yaml's to describe.
        if (separatorPending) throw NOT_SIMPLE;
        separatorPending = true;
        this.at++;
        continue;
      }
      if (text.startsWith('...', start) || text.charCodeAt(start) === 0x25 /* % */) throw NOT_SIMPLE;
      const before = this.at;
      documents.push(this.mapping(0));
      // A mapping that took no line stopped at something only js-yaml can place, such as `- x`.
      if (this.at === before) throw NOT_SIMPLE;
      separatorPending = false;
    }
    if (separatorPending || documents.length === 0) throw NOT_SIMPLE;
    return documents;
  }

  private line(): string {
    return this.text.slice(this.starts[this.at], this.ends[this.at]);
  }

  /** Moves to the next line with content, past blank and comment-only lines; false at the end. */
  private nextContentLine(): boolean {
    const { kinds } = this;
    while (this.at < kinds.length && kinds[this.at] !== CONTENT) this.at++;
    return this.at < kinds.length;
  }

  /** The indentation of the next line with content, or -1 at the end. */
  private nextIndent(): number {
    return this.nextContentLine() ? this.indents[this.at]! : -1;
  }

  /** Whether the current line is a document marker, `---` or `...` at its start. */
  private atDocumentMarker(): boolean {
    const { text } = this;
    const start = this.starts[this.at]!;
    return this.indents[this.at] === 0 && (text.startsWith('---', start) || text.startsWith('...', start));
  }

  /** Whether the current line, indented by `indent`, is a block sequence entry: `-` then a space or the end. */
  private atSequenceEntry(indent: number): boolean {
    const at = this.starts[this.at]! + indent;
    return this.text.charCodeAt(at) === DASH && (at + 1 === this.ends[this.at] || this.text.charCodeAt(at + 1) === SPACE);
  }

  /** A block node starting at the current line, which is indented by `indent`. */
  private node(indent: number): unknown {
    if (++this.depth > MAX_DEPTH) throw NOT_SIMPLE;
    const value = this.atSequenceEntry(indent) ? this.sequence(indent) : this.mapping(indent);
    this.depth--;
    return value;
  }

  private mapping(indent: number): Record<string, unknown> {
    const { text } = this;
    const result: Record<string, unknown> = {};
    for (;;) {
      const lineIndent = this.nextIndent();
      if (lineIndent < indent) return result;
      if (lineIndent > indent) throw NOT_SIMPLE;
      // A separator ends the document; a sequence entry at this indentation belongs to the caller.
      if (this.atDocumentMarker() || this.atSequenceEntry(indent)) return result;

      const keyStart = this.starts[this.at]! + indent;
      const end = this.ends[this.at]!;
      const colon = plainKeyEnd(text, keyStart, end);
      if (colon === -1) throw NOT_SIMPLE;
      const key = text.slice(keyStart, colon);
      if (NULL_OR_BOOL.has(key) || Object.prototype.hasOwnProperty.call(result, key)) throw NOT_SIMPLE;
      result[key] = this.valueAfterIndicator(colon + 1, indent, true);
    }
  }

  private sequence(indent: number): unknown[] {
    const { text } = this;
    const result: unknown[] = [];
    for (;;) {
      const lineIndent = this.nextIndent();
      if (lineIndent < indent) return result;
      if (lineIndent > indent) throw NOT_SIMPLE;
      // Anything else at this indentation is the caller's: the next key, or a separator.
      if (!this.atSequenceEntry(indent)) return result;
      const start = this.starts[this.at]!;
      const end = this.ends[this.at]!;
      let content = start + indent + 1;
      while (text.charCodeAt(content) === SPACE) content++;
      if (content < end && text.charCodeAt(content) !== HASH && plainKeyEnd(text, content, end) !== -1) {
        // `- key: value` opens a mapping whose keys line up with this first one.
        if (++this.depth > MAX_DEPTH) throw NOT_SIMPLE;
        this.indents[this.at] = content - start;
        result.push(this.mapping(content - start));
        this.depth--;
        continue;
      }
      result.push(this.valueAfterIndicator(start + indent + 1, indent, false));
    }
  }

  /**
   * The value after a mapping key's `:` or a sequence entry's `-`, at offset `from` of the current
   * line: a scalar on the same line, or a block on the lines below. `indent` is the key's or dash's column.
   */
  private valueAfterIndicator(from: number, indent: number, inMapping: boolean): unknown {
    const { text } = this;
    const end = this.ends[this.at]!;
    let start = from;
    while (text.charCodeAt(start) === SPACE) start++;
    this.at++;
    if (start >= end || text.charCodeAt(start) === HASH) return this.blockBelow(indent, inMapping);
    let value: unknown;
    if (text.charCodeAt(start) === 0x7c /* | */) value = this.literalBlock(text.slice(start, end), indent);
    else value = scalar(text.slice(start, end));
    // A more indented line after the value would continue it, or be an error.
    if (this.nextIndent() > indent) throw NOT_SIMPLE;
    return value;
  }

  private blockBelow(indent: number, inMapping: boolean): unknown {
    const nextIndent = this.nextIndent();
    if (nextIndent > indent) return this.node(nextIndent);
    // A mapping's value may be a sequence at the key's own indentation.
    if (inMapping && nextIndent === indent && this.atSequenceEntry(indent)) {
      if (++this.depth > MAX_DEPTH) throw NOT_SIMPLE;
      const value = this.sequence(indent);
      this.depth--;
      return value;
    }
    return null;
  }

  /** A `|` or `|-` block: the lines below indented past `indent`, kept as they are. */
  private literalBlock(header: string, indent: number): string {
    const match = /^\|(-?)( +(#.*)?)?$/.exec(header);
    if (!match) throw NOT_SIMPLE;
    const strip = match[1] === '-';
    const { text, kinds, indents } = this;
    const lines: string[] = [];
    let contentIndent = -1;
    let emptyRun = 0;
    for (; this.at < kinds.length; this.at++) {
      const kind = kinds[this.at];
      if (kind === EMPTY) {
        emptyRun++;
        continue;
      }
      const lineIndent = indents[this.at]!;
      if (kind === SPACES_ONLY) {
        // Blank lines that keep some indentation, as editors leave them in code. Before the first
        // line, or with spaces beyond the block's indentation, they carry meaning: js-yaml's to read.
        if (contentIndent === -1 || lineIndent > contentIndent) throw NOT_SIMPLE;
        emptyRun++;
        continue;
      }
      if (contentIndent === -1) {
        if (lineIndent <= indent) break;
        contentIndent = lineIndent;
      } else if (lineIndent < contentIndent) break;
      // Empty lines inside the block are kept; those after its last line are chomped.
      for (; emptyRun > 0; emptyRun--) lines.push('');
      lines.push(text.slice(this.starts[this.at]! + contentIndent, this.ends[this.at]));
    }
    if (contentIndent === -1) throw NOT_SIMPLE;
    const content = lines.join('\n');
    return strip ? content : `${content}\n`;
  }
}

/**
 * Where the plain key starting at `from` ends: the offset of its `:`, which must be followed by a
 * space or the line's end. -1 when the text there is not such a key.
 */
function plainKeyEnd(text: string, from: number, end: number): number {
  const first = text.charCodeAt(from);
  // A letter, or the `$` of Backstage's `$text`, `$json` and `$yaml` placeholders.
  if (!((first >= 0x41 && first <= 0x5a) || (first >= 0x61 && first <= 0x7a) || first === 0x24)) return -1;
  for (let at = from + 1; at < end; at++) {
    const c = text.charCodeAt(at);
    if (c === COLON) return at + 1 === end || text.charCodeAt(at + 1) === SPACE ? at : -1;
    // Letters, digits, `_`, `.`, `/` and `-`.
    if (!((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x2d && c <= 0x39) || c === 0x5f)) return -1;
  }
  return -1;
}

function indentOf(line: string, from = 0): number {
  let at = from;
  while (line.charCodeAt(at) === SPACE) at++;
  return at;
}

/** A scalar on one line: quoted, an empty mapping, a flow sequence, or plain. */
function scalar(text: string): unknown {
  switch (text[0]) {
    case '"': {
      const end = text.indexOf('"', 1);
      if (end === -1) throw NOT_SIMPLE;
      const value = text.slice(1, end);
      if (value.includes('\\')) throw NOT_SIMPLE;
      expectNothingAfter(text, end + 1);
      return value;
    }
    case "'": {
      let value = '';
      let from = 1;
      for (;;) {
        const quote = text.indexOf("'", from);
        if (quote === -1) throw NOT_SIMPLE;
        value += text.slice(from, quote);
        if (text[quote + 1] !== "'") {
          expectNothingAfter(text, quote + 1);
          return value;
        }
        value += "'";
        from = quote + 2;
      }
    }
    case '[': {
      const end = text.indexOf(']');
      if (end === -1) throw NOT_SIMPLE;
      expectNothingAfter(text, end + 1);
      const inner = text.slice(1, end);
      if (inner.trim() === '') return [];
      return inner.split(',').map((item) => {
        const trimmed = item.trim();
        // `a:b` is one scalar, as in `[group:default/team-a]`; `a: b` and `a:` would be a mapping.
        if (trimmed === '' || NOT_FLOW_ITEM.test(trimmed) || trimmed.includes(': ') || trimmed.endsWith(':')) throw NOT_SIMPLE;
        return plain(trimmed);
      });
    }
    case '{':
      if (!/^\{ *\}( +(#.*)?)?$/.test(text)) throw NOT_SIMPLE;
      return {};
    default: {
      if (NOT_PLAIN_START.test(text)) throw NOT_SIMPLE;
      const comment = text.indexOf(' #');
      const value = comment === -1 ? text.trimEnd() : text.slice(0, comment).trimEnd();
      if (value.includes(': ') || value.charCodeAt(value.length - 1) === COLON) throw NOT_SIMPLE;
      return plain(value);
    }
  }
}

/** After a quoted scalar or flow sequence, only spaces and a comment may follow. */
function expectNothingAfter(text: string, from: number): void {
  const at = indentOf(text, from);
  if (at === text.length) return;
  if (at > from && text.charCodeAt(at) === HASH) return;
  throw NOT_SIMPLE;
}

function plain(value: string): unknown {
  const first = value.charCodeAt(0);
  const letter = (first >= 0x41 && first <= 0x5a) || (first >= 0x61 && first <= 0x7a);
  // Of the words that begin with a letter only null, true and false are not strings.
  if (letter && (value.length < 4 || value.length > 5 || !NULL_OR_BOOL.has(value))) return value;
  for (const type of IMPLICIT_TYPES) {
    if (type.resolve(value)) return type.construct(value);
  }
  return value;
}

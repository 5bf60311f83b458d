import fs from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/** What a TechDocs build writes into techdocs_metadata.json, as Backline uses it. */
export interface TechDocsMetadata {
  siteName: string | null;
  builtAt: Date | null;
  /** Changes with every build: the search index is fetched again only when it does. */
  etag: string | null;
}

/** One entry of MkDocs' search/search_index.json: a page, or a section of a page. */
export interface SearchIndexEntry {
  location: string;
  title: string;
  text: string;
}

/** A read that may fail; failures are words for the person asking, never exceptions. */
export type SiteRead<T> = { ok: true; value: T } | { ok: false; problem: string };

/**
 * A published TechDocs site, read over HTTP(S) or from disk (file: URLs). Every read is bounded in
 * time and size, and answers a problem instead of throwing: a broken site degrades an answer, it
 * never fails it.
 */
export interface DocsSite {
  readMetadata(siteUrl: string): Promise<SiteRead<TechDocsMetadata>>;
  readSearchIndex(siteUrl: string): Promise<SiteRead<SearchIndexEntry[]>>;
}

export interface DocsSiteOptions {
  /** The longest a read may take, from request to last byte. */
  timeoutMs: number;
  /** The largest search index read; larger ones are refused, not truncated. */
  maxIndexBytes: number;
  /** Replaces global fetch (tests of the reader itself). */
  fetch?: typeof fetch;
}

const METADATA_FILE = 'techdocs_metadata.json';
const SEARCH_INDEX_FILE = 'search/search_index.json';
const MAX_METADATA_BYTES = 1024 * 1024;
// to_tsvector refuses text over 1 MB, and a snippet needs far less.
const MAX_PAGE_TEXT = 100_000;

export function createDocsSite(options: DocsSiteOptions): DocsSite {
  const read = (siteUrl: string, file: string, maxBytes: number, setting?: string) =>
    readBounded(new URL(file, siteUrl).toString(), { file, timeoutMs: options.timeoutMs, maxBytes, setting, fetch: options.fetch ?? fetch });
  return {
    async readMetadata(siteUrl) {
      const file = await read(siteUrl, METADATA_FILE, MAX_METADATA_BYTES);
      return file.ok ? parseMetadata(file.value) : file;
    },
    async readSearchIndex(siteUrl) {
      const file = await read(siteUrl, SEARCH_INDEX_FILE, options.maxIndexBytes, 'BACKLINE_DOCS_MAX_INDEX_BYTES');
      return file.ok ? parseSearchIndex(file.value) : file;
    },
  };
}

export function parseMetadata(text: string): SiteRead<TechDocsMetadata> {
  const json = parseJson(text, METADATA_FILE);
  if (!json.ok) return json;
  const data = json.value as Record<string, unknown>;
  return {
    ok: true,
    value: {
      siteName: typeof data.site_name === 'string' && data.site_name.trim() ? data.site_name.trim() : null,
      builtAt: timestampOf(data.build_timestamp),
      etag: typeof data.etag === 'string' && data.etag ? data.etag : null,
    },
  };
}

export function parseSearchIndex(text: string): SiteRead<SearchIndexEntry[]> {
  const json = parseJson(text, SEARCH_INDEX_FILE);
  if (!json.ok) return json;
  const docs = (json.value as { docs?: unknown }).docs;
  if (!Array.isArray(docs)) return { ok: false, problem: `${SEARCH_INDEX_FILE} has no "docs" list; is it an MkDocs search index?` };
  const entries: SearchIndexEntry[] = [];
  for (const doc of docs) {
    const { location, title, text: body } = (doc ?? {}) as Record<string, unknown>;
    // PostgreSQL text cannot hold NUL: a location with one is not a page anyone can open.
    if (typeof location !== 'string' || location.includes('\u0000')) continue;
    entries.push({
      location,
      title: typeof title === 'string' ? plainText(title) : '',
      text: typeof body === 'string' ? plainText(body).slice(0, MAX_PAGE_TEXT) : '',
    });
  }
  return { ok: true, value: entries };
}

/** TechDocs writes milliseconds since the epoch; older builders wrote seconds or an ISO date. */
function timestampOf(value: unknown): Date | null {
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) return new Date(value < 1e11 ? value * 1000 : value);
  if (typeof value === 'string' && value.trim()) {
    const numeric = Number(value);
    const date = Number.isFinite(numeric) ? timestampOf(numeric) : new Date(value);
    return date && !Number.isNaN(date.getTime()) ? date : null;
  }
  return null;
}

function parseJson(text: string, file: string): SiteRead<object> {
  try {
    const value: unknown = JSON.parse(text);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return { ok: false, problem: `${file} is not a JSON object` };
    return { ok: true, value };
  } catch (error) {
    return { ok: false, problem: `${file} is not valid JSON (${(error as Error).message})` };
  }
}

/** MkDocs' search plugin keeps some markup in titles and text; search and snippets want words. */
function plainText(html: string): string {
  return html
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#(\d+);/g, (_, code: string) => characterOf(Number(code)))
    .replace(/&#x([0-9a-f]+);/gi, (_, code: string) => characterOf(parseInt(code, 16)))
    .replace(/&amp;/g, '&')
    .replace(/\u0000/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The character a numeric reference names; a space for NUL or a number beyond Unicode, which text cannot hold. */
function characterOf(code: number): string {
  return Number.isInteger(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : ' ';
}

/**
 * Reads a whole file from an http(s) or file URL, giving up after `timeoutMs` (headers and body
 * together, so a server that trickles bytes is cut off too) and once more than `maxBytes` arrive.
 */
async function readBounded(url: string, options: { file: string; timeoutMs: number; maxBytes: number; setting?: string; fetch: typeof fetch }): Promise<SiteRead<string>> {
  const parsed = new URL(url);
  const { file } = options;
  // A streamed body is cut off at the limit, so its whole size is unknown.
  const tooLarge = (bytes: number | null) => ({
    ok: false as const,
    problem: `${file} is ${bytes === null ? 'larger than' : `${megabytes(bytes)}, more than`} the ${megabytes(options.maxBytes)} Backline reads${options.setting ? ` (${options.setting})` : ''}`,
  });
  if (parsed.protocol === 'file:') {
    try {
      const path = fileURLToPath(parsed);
      const stat = await fs.stat(path);
      if (stat.size > options.maxBytes) return tooLarge(stat.size);
      return { ok: true, value: await fs.readFile(path, 'utf8') };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      return { ok: false, problem: code === 'ENOENT' ? `${file} is not there (${parsed.pathname}): the site has not been built yet, or was published elsewhere` : `${file} could not be read: ${(error as Error).message}` };
    }
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return { ok: false, problem: `${url} is neither an http(s) nor a file URL` };

  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeoutMs);
  try {
    const response = await options.fetch(url, { signal: controller.signal, headers: { accept: 'application/json' }, redirect: 'follow' });
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      return { ok: false, problem: response.status === 404 ? `${file} is not there (404): the site has not been built and published yet, or TECHDOCS_BASE_URL points elsewhere` : `the site answered ${response.status} ${response.statusText}`.trim() };
    }
    const declared = Number(response.headers.get('content-length'));
    if (Number.isFinite(declared) && declared > options.maxBytes) {
      await response.body?.cancel().catch(() => undefined);
      return tooLarge(declared);
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    const reader = response.body?.getReader();
    for (;;) {
      const part = reader ? await reader.read() : { done: true as const, value: undefined };
      if (part.done) break;
      size += part.value.byteLength;
      if (size > options.maxBytes) {
        await reader!.cancel().catch(() => undefined);
        return tooLarge(null);
      }
      chunks.push(part.value);
    }
    return { ok: true, value: Buffer.concat(chunks).toString('utf8') };
  } catch (error) {
    if (controller.signal.aborted) return { ok: false, problem: `the site did not answer within ${seconds(options.timeoutMs)}` };
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return { ok: false, problem: `the site could not be reached (${cause?.code ?? cause?.message ?? (error as Error).message})` };
  } finally {
    clearTimeout(timer);
  }
}

function megabytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  return bytes >= 1024 ? `${Math.round(bytes / 1024)} KB` : `${bytes} bytes`;
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

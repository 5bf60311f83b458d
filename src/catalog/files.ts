import { createHash, hash } from 'node:crypto';
import fsSync from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';

const UTF8 = new TextDecoder('utf-8', { fatal: true });

export type ReadResult = { ok: true; text: string; hash: string } | { ok: false; message: string };

/**
 * Reads a catalog file as UTF-8 text, refusing what cannot be a catalog file: missing paths,
 * folders, files over the size cap, and binary content.
 */
export async function readTextFile(file: string, maxBytes: number): Promise<ReadResult> {
  // Synchronous calls on purpose: a catalog file is small and local, and stat + read cost a fraction
  // of the four thread-pool round trips (open, stat, read, close) that the promise API makes per file.
  let buffer: Buffer;
  try {
    const stat = fsSync.statSync(file);
    if (stat.isDirectory()) return { ok: false, message: `${file} is a folder, not a file` };
    if (!stat.isFile()) return { ok: false, message: `${file} is not a regular file (a pipe or a device?), so it cannot be a catalog file` };
    if (stat.size > maxBytes) return { ok: false, message: `${file} is ${formatBytes(stat.size)}, over the ${formatBytes(maxBytes)} limit for a catalog file (BACKLINE_MAX_FILE_BYTES)` };
    buffer = fsSync.readFileSync(file);
  } catch (error) {
    return { ok: false, message: describeFsError(error, file) };
  }
  if (buffer.length > maxBytes) return { ok: false, message: `${file} is over the ${formatBytes(maxBytes)} limit for a catalog file (BACKLINE_MAX_FILE_BYTES)` };
  if (buffer.includes(0)) return { ok: false, message: `${file} is a binary file, not YAML` };
  let text: string;
  try {
    text = UTF8.decode(buffer);
  } catch {
    return { ok: false, message: `${file} is not valid UTF-8 text` };
  }
  return { ok: true, text: text.replace(/^\uFEFF/, ''), hash: sha256(buffer) };
}

export function sha256(data: string | Buffer): string {
  // The one-shot form (Node 20.12 and later) costs less than a Hash object, and
  // ingestion hashes every entity.
  return typeof hash === 'function' ? hash('sha256', data, 'hex') : createHash('sha256').update(data).digest('hex');
}

const YAML_FILE = /\.ya?ml$/i;
const SKIPPED_FOLDERS = new Set(['node_modules', '.git', '.backline', 'dist']);

/** Every .yaml/.yml file under a folder, sorted, skipping hidden folders and node_modules. */
export async function findYamlFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (current: string): Promise<void> => {
    const entries = await fs.readdir(current, { withFileTypes: true });
    for (const entry of entries) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_FOLDERS.has(entry.name) && !entry.name.startsWith('.')) await walk(full);
      } else if (entry.isFile() && YAML_FILE.test(entry.name)) {
        found.push(full);
      }
    }
  };
  await walk(dir);
  return found.sort();
}

/** Expands `*`, `**` and `?` in a file path, as Backstage's file reader does for Location targets. */
export async function expandGlob(pattern: string): Promise<string[]> {
  if (!/[*?]/.test(pattern)) return [pattern];
  const parts = pattern.split(path.sep);
  const firstWild = parts.findIndex((part) => /[*?]/.test(part));
  const base = parts.slice(0, firstWild).join(path.sep) || path.sep;
  const matcher = globToRegExp(parts.slice(firstWild).join('/'));
  let candidates: string[];
  try {
    candidates = await listFiles(base);
  } catch {
    return [];
  }
  return candidates.filter((file) => matcher.test(path.relative(base, file).split(path.sep).join('/'))).sort();
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory() && !SKIPPED_FOLDERS.has(entry.name)) out.push(...(await listFiles(full)));
    else if (entry.isFile()) out.push(full);
  }
  return out;
}

/** A glob (`*`, `**`, `?`) over `/`-separated paths as an anchored regular expression. */
export function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i]!;
    if (char === '*' && glob[i + 1] === '*') {
      source += glob[i + 2] === '/' ? '(?:.*/)?' : '.*';
      i += glob[i + 2] === '/' ? 2 : 1;
    } else if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

export function describeFsError(error: unknown, file: string): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return `${file} does not exist`;
    case 'EACCES':
    case 'EPERM':
      return `${file} cannot be read (permission denied)`;
    case 'EISDIR':
      return `${file} is a folder, not a file`;
    default:
      return `${file} cannot be read: ${(error as Error).message}`;
  }
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} bytes`;
}

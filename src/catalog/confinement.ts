import fs from 'node:fs';
import path from 'node:path';
import { unreadableUrl } from './remoteUrls';

/**
 * Where the reads of one location may go. A catalog file is written by whoever can commit to its
 * repository, so what it points at (Location targets, `$text`/`$json`/`$yaml` placeholders) is read
 * only inside the source it came from: under the folder the operator named, or in its own
 * repository (other repositories only when their organisation is a configured source).
 */
export type ReadScope =
  /**
   * A local source: every read stays under this folder, as written and with symbolic links resolved.
   * In a folder the operator named, the files may also point at repositories (a root Location
   * listing them); each of those is then confined to its own repository.
   */
  | { kind: 'directory'; directory: string; realDirectory: string; operatorNamed?: boolean }
  /** A repository source: reads stay in `owner/repo` (lower case), or in a configured organisation. */
  | { kind: 'repository'; repository: string | null };

/** What confinement needs to know about URLs and the configured sources. */
export interface ReadPolicy {
  /** Whether a URL reader (the GitHub integration) is configured at all. */
  readsUrls: boolean;
  /** Organisations (lower case) that are sources themselves: any of their repositories may be read. */
  organisations: ReadonlySet<string>;
  /** The repository a URL points into, or undefined when it is not a repository file Backline reads. */
  repositoryOf(url: string): { owner: string; repo: string } | undefined;
}

export type Confined = { ok: true; target: string } | { ok: false; message: string };

export const NO_POLICY: ReadPolicy = { readsUrls: false, organisations: new Set(), repositoryOf: () => undefined };

/** The policy of a URL reader (none: nothing remote is read) and the configured organisations. */
export function readPolicyOf(reader: { repositoryOf(url: string): { owner: string; repo: string } | undefined } | undefined, organisations: string[] = []): ReadPolicy {
  if (!reader) return NO_POLICY;
  return { readsUrls: true, organisations: new Set(organisations.map((org) => org.toLowerCase())), repositoryOf: (url) => reader.repositoryOf(url) };
}

/** The scope a root location sets for everything it leads to. */
export function scopeOfRoot(root: { type: string; target: string; trusted?: boolean }, policy: ReadPolicy): ReadScope {
  if (root.type === 'directory') return directoryScope(root.target, root.trusted);
  if (root.type === 'file') return directoryScope(path.dirname(root.target), root.trusted);
  const repository = policy.repositoryOf(root.target);
  return { kind: 'repository', repository: repository ? `${repository.owner}/${repository.repo}`.toLowerCase() : null };
}

/**
 * Checks a local path written in a catalog file (relative to `fromFile`) against the scope:
 * absolute paths and paths that climb out of the scope's folder are refused, never read.
 */
export function confineLocalPath(written: string, fromFile: string, scope: ReadScope): Confined {
  if (path.isAbsolute(written) || /^[a-z]:[\\/]/i.test(written)) {
    return { ok: false, message: `"${clip(written)}" is an absolute path; Backline reads only paths relative to the catalog file, inside the folder the location was registered from` };
  }
  if (scope.kind !== 'directory') return { ok: false, message: `"${clip(written)}" is a local path, but this catalog file came from a repository; write a path inside the repository instead` };
  const resolved = path.resolve(path.dirname(fromFile), written);
  if (!isInside(resolved, scope.directory)) {
    return { ok: false, message: `"${clip(written)}" leads outside ${scope.directory}, the folder this location was registered from; Backline reads nothing outside it` };
  }
  return { ok: true, target: resolved };
}

/**
 * Checks a file right before it is read: symbolic links are followed, and the real file must still
 * be inside the scope's folder. A missing file passes, so the reader reports it as missing.
 */
export function confineRealFile(file: string, scope: ReadScope): Confined {
  if (scope.kind !== 'directory') return { ok: false, message: `${file} is a local file, but this location came from a repository` };
  let real: string;
  try {
    real = fs.realpathSync(file);
  } catch {
    return { ok: true, target: file };
  }
  if (!isInside(real, scope.realDirectory)) return { ok: false, message: `${file} is a symbolic link to a file outside ${scope.directory}; Backline reads nothing outside the folder the location was registered from` };
  return { ok: true, target: file };
}

/** Checks a URL a catalog file points at: its own repository, or a repository of a configured organisation. */
export function confineUrl(url: string, scope: ReadScope, policy: ReadPolicy): Confined {
  const repository = policy.repositoryOf(url);
  if (!repository) return { ok: false, message: unreadableUrl(url, policy.readsUrls) };
  const key = `${repository.owner}/${repository.repo}`.toLowerCase();
  if (scope.kind === 'repository' && scope.repository === key) return { ok: true, target: url };
  if (scope.kind === 'directory' && scope.operatorNamed) return { ok: true, target: url };
  if (policy.organisations.has(repository.owner.toLowerCase())) return { ok: true, target: url };
  const from = scope.kind === 'repository' ? `the repository ${scope.repository ?? 'it came from'}` : 'a local folder';
  return {
    ok: false,
    message: `${clip(url)} is in ${repository.owner}/${repository.repo}, outside ${from}; a catalog file may read other repositories only of organisations Backline reads (BACKLINE_GITHUB_ORGS)`,
  };
}

/** True when `file` is `directory` itself or lies below it. */
export function isInside(file: string, directory: string): boolean {
  const relative = path.relative(directory, file);
  return relative === '' || (relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative));
}

/** A local scope: the folder as written, and as it really is once symbolic links are resolved. */
export function directoryScope(directory: string, operatorNamed = false): ReadScope {
  const resolved = path.resolve(directory);
  let real = resolved;
  try {
    real = fs.realpathSync(resolved);
  } catch {
    // A folder that does not exist yet confines by its name; reading from it will fail anyway.
  }
  return { kind: 'directory', directory: resolved, realDirectory: real, ...(operatorNamed && { operatorNamed }) };
}

function clip(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

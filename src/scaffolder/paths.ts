import path from 'node:path';
import { isInside } from '../catalog/confinement';

/** A rendered path that would land outside the task's workspace, or a symlink in a skeleton. */
export class UnsafePathError extends Error {
  override name = 'UnsafePathError';
}

/**
 * Joins a path relative to a root and refuses one that leaves it: `..` segments, absolute paths
 * (`/etc/passwd`, `C:\…`), NUL bytes and backslashes, which Windows would read as separators. The
 * result is always inside `root`. `what` names the path in the refusal ("the skeleton file …").
 */
export function resolveInside(root: string, relative: string, what: string): string {
  const problem = relativePathProblem(relative);
  if (problem) throw new UnsafePathError(`${what} ${JSON.stringify(relative)} ${problem}; paths must stay inside the workspace`);
  const resolved = path.resolve(root, relative);
  if (!isInside(resolved, path.resolve(root))) {
    throw new UnsafePathError(`${what} ${JSON.stringify(relative)} leaves the workspace; paths must stay inside it`);
  }
  return resolved;
}

/** Why a relative path is unsafe, or undefined when it is fine. */
export function relativePathProblem(relative: string): string | undefined {
  if (relative.includes('\0')) return 'contains a NUL byte';
  if (relative.includes('\\')) return 'contains a backslash';
  if (path.posix.isAbsolute(relative) || /^[A-Za-z]:/.test(relative)) return 'is absolute';
  if (relative.split('/').includes('..')) return 'goes up with ".."';
  return undefined;
}

/** Normalises a relative path to forward slashes without `.` segments: `./a//b` → `a/b`. */
export function normaliseRelative(relative: string): string {
  return relative
    .split('/')
    .filter((segment) => segment !== '' && segment !== '.')
    .join('/');
}

import fs from 'node:fs/promises';
import path from 'node:path';
import { confineRealFile, directoryScope, isInside } from '../catalog/confinement';

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

/**
 * What a fetch step's relative `url` names, resolved against the template's folder. It may climb with
 * `..`, as template repositories keep skeletons beside their templates (`url: ../../skeletons/node`
 * from `templates/github/node/template.yaml`), but never out of `root` (the templates folder), as
 * written or through a symbolic link: a template must not read the rest of the machine.
 */
export function templateUrlPath(templateDir: string, root: string, url: string, action: string): string {
  const shown = JSON.stringify(url);
  if (url.includes('\0') || url.includes('\\')) throw new UnsafePathError(`${action}'s url ${shown} ${url.includes('\0') ? 'contains a NUL byte' : 'contains a backslash'}`);
  if (path.posix.isAbsolute(url) || /^[A-Za-z]:/.test(url)) throw new UnsafePathError(`${action}'s url ${shown} is absolute; write it relative to the template's folder (e.g. ./skeleton)`);
  const resolved = path.resolve(templateDir, url);
  const top = path.resolve(root);
  if (!isInside(resolved, top)) throw new UnsafePathError(`${action}'s url ${shown} leads outside ${top}, the folder the template came from; Backline reads skeletons only inside it`);
  const real = confineRealFile(resolved, directoryScope(top));
  if (!real.ok) throw new UnsafePathError(`${action}'s url ${shown} goes through a symlink to outside ${top}, the folder the template came from; Backline follows no link out of it`);
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

/**
 * A path in the task's workspace an action may read, write or remove: `resolveInside`, and no
 * symlink on the way (with `linkItself`, the last segment may be one: the action removes or moves the link). A hostile template could make a link (an earlier step, a skeleton) that points
 * out of the workspace; following it would let fs:delete or fs:rename reach the rest of the machine.
 */
export async function workspacePath(workspace: string, relative: string, what: string, options: { linkItself?: boolean } = {}): Promise<string> {
  // Checked as given, not normalised first: normalising would quietly turn `/etc/x` into `etc/x`.
  const resolved = resolveInside(workspace, relative, what);
  const root = path.resolve(workspace);
  let current = root;
  const segments = path.relative(root, resolved).split(path.sep).filter(Boolean);
  for (const [index, segment] of segments.entries()) {
    current = path.join(current, segment);
    const stat = await lstat(current);
    if (!stat) break;
    // Removing or moving a link acts on the link itself, which is safe; reading or writing through one is not.
    if (stat.isSymbolicLink() && !(options.linkItself && index === segments.length - 1)) throw new UnsafePathError(`${what} ${JSON.stringify(relative)} goes through a symlink; paths must stay inside the workspace`);
  }
  return resolved;
}

async function lstat(file: string): Promise<import('node:fs').Stats | undefined> {
  try {
    return await fs.lstat(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

import fs from 'node:fs/promises';
import path from 'node:path';
import { normaliseRelative, resolveInside, UnsafePathError } from '../paths';
import { ActionError } from './types';

export interface WorkspaceFile {
  /** Relative to the published folder, with forward slashes. */
  path: string;
  content: Buffer;
  executable: boolean;
}

/** The files a publish action sends: everything under the workspace (or its `sourcePath`), sorted. */
export async function readWorkspaceFiles(workspace: string, sourcePath: string | undefined, action: string): Promise<WorkspaceFile[]> {
  const root = sourcePath ? resolveInside(workspace, normaliseRelative(sourcePath), `${action}'s sourcePath`) : workspace;
  const files: WorkspaceFile[] = [];
  const walk = async (relative: string): Promise<void> => {
    const entries = await fs.readdir(path.join(root, relative), { withFileTypes: true });
    for (const entry of entries) {
      const child = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isSymbolicLink()) throw new UnsafePathError(`${action} found a symlink at ${child} in the workspace; it publishes regular files only`);
      if (entry.isDirectory()) await walk(child);
      else if (entry.isFile()) {
        const full = path.join(root, child);
        const [content, stat] = await Promise.all([fs.readFile(full), fs.stat(full)]);
        files.push({ path: child, content, executable: (stat.mode & 0o111) !== 0 });
      }
    }
  };
  try {
    await walk('');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new ActionError(`${action} has nothing to publish: ${sourcePath ?? 'the workspace'} does not exist (did a fetch step run first?)`);
    throw error;
  }
  if (files.length === 0) throw new ActionError(`${action} has nothing to publish: the workspace is empty (did a fetch step run first?)`);
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** A repository or branch name that is safe to use as a path segment and a git argument. */
export function checkName(value: string, what: string, action: string): string {
  if (!/^[A-Za-z0-9._-]{1,100}$/.test(value) || value === '.' || value === '..' || value.startsWith('-')) {
    throw new ActionError(`${action}: ${JSON.stringify(value)} is not a valid ${what} (letters, digits, ".", "_" and "-", up to 100 characters)`);
  }
  return value;
}

export function checkBranch(value: string, action: string): string {
  if (!/^[A-Za-z0-9._/-]{1,200}$/.test(value) || value.startsWith('-') || value.startsWith('/') || value.endsWith('/') || value.includes('..') || value.endsWith('.lock')) {
    throw new ActionError(`${action}: ${JSON.stringify(value)} is not a valid branch name`);
  }
  return value;
}

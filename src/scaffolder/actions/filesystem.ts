import fs from 'node:fs/promises';
import path from 'node:path';
import { globToRegExp } from '../../catalog/files';
import { normaliseRelative, relativePathProblem, workspacePath } from '../paths';
import { ActionError, booleanInput, type Action, type ActionContext } from './types';

/**
 * Backstage's fs:delete and fs:rename, confined to the task's workspace: a glob or path that climbs
 * out with `..`, is absolute, or passes through a symlink is refused before anything is touched.
 */
export function createFilesystemActions(): Action[] {
  return [
    { id: 'fs:delete', supportsDryRun: true, run: deleteFiles },
    { id: 'fs:rename', supportsDryRun: true, run: renameFiles },
  ];
}

async function deleteFiles(context: ActionContext): Promise<Record<string, unknown>> {
  const action = 'fs:delete';
  const patterns = context.input.files;
  if (!Array.isArray(patterns) || !patterns.every((pattern) => typeof pattern === 'string' && pattern !== '')) {
    throw new ActionError(`${action} needs the input "files": a list of paths or globs in the workspace`);
  }
  // Every pattern is checked before any file goes: a hostile entry must not follow a harmless one halfway.
  const matchers = (patterns as string[]).map((pattern) => {
    const problem = relativePathProblem(pattern);
    if (problem) throw new ActionError(`${action}: ${JSON.stringify(pattern)} ${problem}; it deletes only inside the workspace`);
    return globToRegExp(normaliseRelative(pattern).replace(/\/$/, ''));
  });
  const entries = await walk(context.workspace);
  const doomed: string[] = [];
  for (const entry of entries) {
    // A folder that goes takes what is below it; matching its contents again would only fail.
    if (doomed.some((folder) => entry.startsWith(`${folder}/`))) continue;
    if (matchers.some((matcher) => matcher.test(entry))) doomed.push(entry);
  }
  for (const entry of doomed) {
    // rm removes a symlink itself, never what it points at.
    await fs.rm(await workspacePath(context.workspace, entry, `${action}'s path`, { linkItself: true }), { recursive: true, force: true });
  }
  context.log(`${action}: deleted ${doomed.length ? doomed.join(', ') : 'nothing (no path matched)'}`);
  return {};
}

async function renameFiles(context: ActionContext): Promise<Record<string, unknown>> {
  const action = 'fs:rename';
  const files = context.input.files;
  if (!Array.isArray(files)) throw new ActionError(`${action} needs the input "files": a list of { from, to, overwrite }`);
  const moves = [];
  for (const file of files as Array<Record<string, unknown>>) {
    if (typeof file?.from !== 'string' || typeof file?.to !== 'string' || !file.from || !file.to) throw new ActionError(`${action}: each file must have a from and a to`);
    moves.push({
      from: file.from,
      to: file.to,
      source: await workspacePath(context.workspace, file.from, `${action}'s from`, { linkItself: true }),
      destination: await workspacePath(context.workspace, file.to, `${action}'s to`),
      overwrite: booleanInput(file, 'overwrite', action, false),
    });
  }
  for (const move of moves) {
    if (move.source === path.resolve(context.workspace) || move.destination === path.resolve(context.workspace)) throw new ActionError(`${action} cannot move the workspace itself`);
    const source = await fs.lstat(move.source).catch(() => undefined);
    if (!source) throw new ActionError(`${action}: ${move.from} does not exist in the workspace`);
    const existing = await fs.lstat(move.destination).catch(() => undefined);
    if (existing && !move.overwrite) throw new ActionError(`${action}: ${move.to} already exists; set overwrite: true to replace it`);
    if (existing) await fs.rm(move.destination, { recursive: true, force: true });
    await fs.mkdir(path.dirname(move.destination), { recursive: true });
    await fs.rename(move.source, move.destination);
    context.log(`${action}: moved ${move.from} to ${move.to}`);
  }
  return {};
}

/** Every file and folder in the workspace, relative with forward slashes, shallowest first; symlinks are listed, never followed. */
async function walk(root: string): Promise<string[]> {
  const found: string[] = [];
  const queue = [''];
  while (queue.length) {
    const relative = queue.shift()!;
    for (const entry of await fs.readdir(path.join(root, relative), { withFileTypes: true })) {
      const child = relative ? `${relative}/${entry.name}` : entry.name;
      found.push(child);
      if (entry.isDirectory()) queue.push(child);
    }
  }
  return found;
}

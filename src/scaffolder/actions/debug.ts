import fs from 'node:fs/promises';
import path from 'node:path';
import { ActionError, type Action } from './types';

/** The longest debug:wait, as in Backstage: a step that sleeps longer is a mistake, and holds a task open. */
export const MAX_WAIT_MS = 10 * 60_000;

/** debug:log and debug:wait, as Backstage has them. */
export function createDebugActions(options: { sleep?: (ms: number) => Promise<void> } = {}): Action[] {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  return [
    {
      id: 'debug:log',
      supportsDryRun: true,
      async run(context) {
        const { message, listWorkspace } = context.input;
        if (message !== undefined) context.log(typeof message === 'string' ? message : JSON.stringify(message));
        if (listWorkspace === true || listWorkspace === 'with-filenames' || listWorkspace === 'with-contents') {
          for (const file of await filesOf(context.workspace)) {
            const content = listWorkspace === 'with-contents' ? `:\n${await fs.readFile(path.join(context.workspace, file), 'utf8')}` : '';
            context.log(`${file}${content}`);
          }
        }
        return {};
      },
    },
    {
      id: 'debug:wait',
      supportsDryRun: true,
      async run(context) {
        const part = (name: string, unit: number) => {
          const value = context.input[name];
          if (value === undefined || value === null) return 0;
          if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new ActionError(`debug:wait's input "${name}" must be a number of ${name}, not ${JSON.stringify(value)}`);
          return value * unit;
        };
        const ms = part('minutes', 60_000) + part('seconds', 1000) + part('milliseconds', 1);
        if (ms > MAX_WAIT_MS) throw new ActionError(`debug:wait waits at most 10 minutes; this step asks for ${Math.round(ms / 1000)} s`);
        if (context.dryRun) {
          context.log(`debug:wait: dry run, would wait ${ms} ms`);
          return {};
        }
        await sleep(ms);
        context.log(`debug:wait: waited ${ms} ms`);
        return {};
      },
    },
  ];
}

/** Regular files only, sorted; a symlink is named but not read, since it may point out of the workspace. */
async function filesOf(root: string): Promise<string[]> {
  const entries = await fs.readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .sort();
}

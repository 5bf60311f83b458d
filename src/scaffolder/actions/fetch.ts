import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { templateUrlPath, workspacePath } from '../paths';
import { renderSkeleton } from '../skeleton';
import { ActionError, stringInput, stringListInput, type Action, type ActionContext } from './types';

const IGNORED_INPUTS = ['cookiecutterCompat', 'replace', 'trimBlocks', 'lstripBlocks', 'token'];

/**
 * fetch:template renders the skeleton with the step's `values`; fetch:plain copies it as it is; their
 * `:file` variants do the same for one file, written at `targetPath`. Only files next to the template
 * (`url: ./skeleton`) are fetched: a remote URL is refused by name.
 */
export function createFetchActions(): Action[] {
  return [
    { id: 'fetch:template', supportsDryRun: true, run: (context) => fetchSkeleton(context, 'fetch:template', true) },
    { id: 'fetch:plain', supportsDryRun: true, run: (context) => fetchSkeleton(context, 'fetch:plain', false) },
    { id: 'fetch:template:file', supportsDryRun: true, run: (context) => fetchFile(context, 'fetch:template:file', true) },
    { id: 'fetch:plain:file', supportsDryRun: true, run: (context) => fetchFile(context, 'fetch:plain:file', false) },
  ];
}

async function fetchFile(context: ActionContext, action: string, templated: boolean): Promise<Record<string, unknown>> {
  const { input } = context;
  const url = stringInput(input, 'url', { required: true, action });
  const targetPath = stringInput(input, 'targetPath', { required: true, action });
  const source = skeletonFolder(context, url, action);
  const stat = await fs.lstat(source).catch(() => undefined);
  // A symlink in the template's folder could point anywhere on this machine; only regular files are read.
  if (!stat?.isFile()) throw new ActionError(`${action}: ${url} is not a file in the template's folder${stat?.isSymbolicLink() ? ' (it is a symlink, which Backline does not follow)' : ''}`);
  const destination = await workspacePath(context.workspace, targetPath, `${action}'s targetPath`);
  if (destination === path.resolve(context.workspace)) throw new ActionError(`${action}'s targetPath must name a file in the workspace`);
  await fs.mkdir(path.dirname(destination), { recursive: true });
  if (!templated) {
    await fs.copyFile(source, destination);
  } else {
    const values = input.values ?? {};
    if (typeof values !== 'object' || values === null || Array.isArray(values)) throw new ActionError(`${action}'s input "values" must be a mapping of names to values`);
    // The skeleton renderer works on folders: the one file is rendered alone in a staging folder, then moved.
    const staging = await fs.mkdtemp(path.join(os.tmpdir(), 'backline-file-'));
    try {
      await fs.mkdir(path.join(staging, 'in'));
      await fs.copyFile(source, path.join(staging, 'in', 'file'));
      await renderSkeleton({ skeletonDir: path.join(staging, 'in'), workspace: path.join(staging, 'out'), values: values as Record<string, unknown> });
      await fs.copyFile(path.join(staging, 'out', 'file'), destination);
    } finally {
      await fs.rm(staging, { recursive: true, force: true });
    }
  }
  context.log(`${action}: wrote ${targetPath} from ${url}`);
  return {};
}

async function fetchSkeleton(context: ActionContext, action: string, templated: boolean): Promise<Record<string, unknown>> {
  const { input } = context;
  const url = stringInput(input, 'url', { required: true, action });
  const skeletonDir = skeletonFolder(context, url, action);
  for (const name of IGNORED_INPUTS) if (input[name] !== undefined) context.log(`${action}: the input "${name}" is not supported and was ignored`);
  const values = input.values ?? {};
  if (typeof values !== 'object' || values === null || Array.isArray(values)) throw new ActionError(`${action}'s input "values" must be a mapping of names to values`);
  const extension = input.templateFileExtension === true ? '.njk' : typeof input.templateFileExtension === 'string' ? input.templateFileExtension : undefined;
  const rendered = await renderSkeleton({
    skeletonDir,
    workspace: context.workspace,
    targetPath: stringInput(input, 'targetPath', { action }),
    values: values as Record<string, unknown>,
    // fetch:plain copies every file's content as it is; its paths are not templated either.
    copyWithoutTemplating: templated ? stringListInput(input, 'copyWithoutTemplating', action) : ['**'],
    templateFileExtension: templated ? extension : undefined,
  });
  context.log(`${action}: wrote ${rendered.files.length} file(s) from ${url}${rendered.skipped.length ? `; left out ${rendered.skipped.length} whose name rendered empty` : ''}`);
  return { files: rendered.files };
}

function skeletonFolder(context: ActionContext, url: string, action: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(url)) {
    throw new ActionError(`${action} cannot fetch ${url}: Backline reads skeletons from the template's own folder only (e.g. url: ./skeleton)`);
  }
  if (!context.templateDir) {
    throw new ActionError(`${action} cannot find ${url}: the template ${context.templateName} has no folder on this machine (templates registered from a URL cannot be run; put it under the templates folder)`);
  }
  return templateUrlPath(context.templateDir, context.templateRoot ?? context.templateDir, url, action);
}

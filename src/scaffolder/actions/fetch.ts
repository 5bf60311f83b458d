import fs from 'node:fs/promises';
import path from 'node:path';
import { templateUrlPath, workspacePath } from '../paths';
import { renderSkeleton } from '../skeleton';
import { TemplateSandbox } from '../templating/sandbox';
import { ActionError, stringInput, stringListInput, type Action, type ActionContext } from './types';

const IGNORED_INPUTS = ['token'];

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

/** One file of the template's folder, rendered (or copied as it is) to `targetPath` in the workspace. */
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
  const flag = (name: string) => input[name] === true || input[name] === 'true';
  if (templated && !flag('replace') && (await fs.lstat(destination).catch(() => undefined))) {
    context.log(`${action}: ${targetPath} exists already and replace is not set; it was kept`);
    return {};
  }
  await fs.mkdir(path.dirname(destination), { recursive: true });
  if (!templated) {
    await fs.copyFile(source, destination);
  } else {
    const values = input.values ?? {};
    if (typeof values !== 'object' || values === null || Array.isArray(values)) throw new ActionError(`${action}'s input "values" must be a mapping of names to values`);
    const content = await fs.readFile(source, 'utf8');
    const compat = flag('cookiecutterCompat');
    const sandbox = context.sandbox ?? (await TemplateSandbox.start());
    try {
      const [rendered] = await sandbox.renderStrings([{ name: url.replace(/^\.\//, ''), source: content }], { [compat ? 'cookiecutter' : 'values']: values }, { compat, trimBlocks: flag('trimBlocks'), lstripBlocks: flag('lstripBlocks') }).catch((error: Error) => {
        throw new ActionError(`The template ${context.templateName} cannot be rendered: ${error.message}`);
      });
      await fs.writeFile(destination, rendered!, { mode: stat.mode & 0o777 });
    } finally {
      if (!context.sandbox) sandbox.close();
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
  const flag = (name: string) => input[name] === true || input[name] === 'true';
  // The same refusals as Backstage's fetch:template, so a template that fails there fails here:
  // Backstage tests the inputs' presence (an empty list counts) and wants lists, not text.
  const given = (name: string) => Boolean(input[name]);
  if (templated && given('copyWithoutRender') && given('copyWithoutTemplating')) throw new ActionError(`${action}'s inputs copyWithoutRender and copyWithoutTemplating cannot be used together`);
  for (const name of ['copyWithoutRender', 'copyWithoutTemplating']) {
    if (templated && given(name) && !Array.isArray(input[name])) throw new ActionError(`${action}'s input "${name}" must be a list of globs (one per line under ${name}:), not text`);
  }
  const copyWithoutRender = stringListInput(input, 'copyWithoutRender', action);
  const copyWithoutTemplating = stringListInput(input, 'copyWithoutTemplating', action);
  const extensionInput = input.templateFileExtension;
  let extension = extensionInput === true ? '.njk' : typeof extensionInput === 'string' && extensionInput ? extensionInput : undefined;
  if (extension && !extension.startsWith('.')) extension = `.${extension}`;
  if (templated && extension && (given('copyWithoutRender') || given('copyWithoutTemplating') || flag('cookiecutterCompat'))) {
    throw new ActionError(`${action}'s input templateFileExtension cannot be combined with copyWithoutRender, copyWithoutTemplating or cookiecutterCompat`);
  }
  // A step run outside a task (tests, tools) gets a sandbox of its own.
  const sandbox = context.sandbox ?? (templated ? await TemplateSandbox.start() : undefined);
  let rendered;
  try {
    rendered = await renderSkeleton({
      sandbox,
      templateName: context.templateName,
      skeletonDir,
      skeletonLabel: url.replace(/^\.\//, '').replace(/\/$/, ''),
      workspace: context.workspace,
      targetPath: stringInput(input, 'targetPath', { action }),
      values: values as Record<string, unknown>,
      // fetch:plain copies every file as it is; its paths are not templated either.
      copyWithoutRender: templated ? copyWithoutRender : ['**'],
      copyWithoutTemplating: templated ? copyWithoutTemplating : [],
      templateFileExtension: templated ? extension : undefined,
      cookiecutterCompat: templated && flag('cookiecutterCompat'),
      replace: flag('replace'),
      trimBlocks: flag('trimBlocks'),
      lstripBlocks: flag('lstripBlocks'),
    });
  } finally {
    if (!context.sandbox) sandbox?.close();
  }
  context.log(`${action}: wrote ${rendered.files.length} file(s) from ${url}${rendered.skipped.length ? `; left out ${rendered.skipped.length} whose name rendered empty or that existed already` : ''}`);
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

import fs from 'node:fs/promises';
import path from 'node:path';
import { globToRegExp } from '../catalog/files';
import { normaliseRelative, relativePathProblem, resolveInside, UnsafePathError } from './paths';
import { TemplateRenderError, type TemplateSandbox } from './templating/sandbox';

/** A skeleton file that could not be rendered: names the template, the file and the line. */
export class SkeletonError extends Error {
  override name = 'SkeletonError';
}

export interface RenderSkeletonOptions {
  /** Renders in the task's sandbox: skeletons come from the catalog and may be hostile. */
  sandbox?: TemplateSandbox;
  /** The template's name, for errors. */
  templateName?: string;
  /** The skeleton folder. */
  skeletonDir: string;
  /** How errors name the skeleton folder (`skeleton`, as the step's url says). */
  skeletonLabel?: string;
  /** The task's workspace; nothing is written outside it. */
  workspace: string;
  /** A folder inside the workspace to render into (fetch:template's `targetPath`). */
  targetPath?: string;
  /** What `${{ values.x }}` reads (`{{ cookiecutter.x }}` with cookiecutterCompat). */
  values: Record<string, unknown>;
  /** Globs (relative to the skeleton) whose contents are copied as they are; their paths are still rendered. */
  copyWithoutTemplating?: string[];
  /** Backstage's older option: matched files are copied as they are, paths included. */
  copyWithoutRender?: string[];
  /** When set, only files ending in this extension are templated, and lose it (`.njk` in Backstage). */
  templateFileExtension?: string;
  /** `{{ cookiecutter.x }}` instead of `${{ values.x }}`, with Jinja's idioms and `jsonify`. */
  cookiecutterCompat?: boolean;
  /** Overwrite files already in the workspace; without it they are kept, as in Backstage. */
  replace?: boolean;
  trimBlocks?: boolean;
  lstripBlocks?: boolean;
}

export interface RenderedSkeleton {
  /** Workspace-relative paths written, sorted. */
  files: string[];
  /** Skeleton files left out because their path rendered empty (conditional files) or they exist already. */
  skipped: string[];
}

interface Entry {
  relative: string;
  /** A folder: created (empty or not) wherever its path renders to, as Backstage's ensureDir does. */
  folder: boolean;
  renderContents: boolean;
  renderPath: boolean;
  /** The path before rendering, with templateFileExtension already removed. */
  source: string;
}

/**
 * Renders a skeleton folder into the workspace as Backstage's fetch:template does: the whole path
 * of each file and its contents are Nunjucks templates (`${{ values.x }}`, `{% if %}`, `{# #}`),
 * and a plain `{{ … }}` (Helm charts) is text. Symlinks are refused, and every rendered path must
 * stay inside the workspace. Paths go to the sandbox in one call and contents in another.
 */
export async function renderSkeleton(options: RenderSkeletonOptions): Promise<RenderedSkeleton> {
  const compat = Boolean(options.cookiecutterCompat);
  const scope = { [compat ? 'cookiecutter' : 'values']: options.values };
  const config = { compat, trimBlocks: options.trimBlocks, lstripBlocks: options.lstripBlocks };
  const label = options.skeletonLabel ?? 'skeleton';
  const matches = (globs: string[] | undefined) => {
    const compile = (list: string[]) => list.map((glob) => globToRegExp(normaliseRelative(glob).replace(/\/$/, '')));
    // `!glob` takes matches back out, as in globby (`['.unprocessed', '!*/keep-templated.txt']`).
    const included = compile((globs ?? []).filter((glob) => !glob.startsWith('!')));
    const excluded = compile((globs ?? []).filter((glob) => glob.startsWith('!')).map((glob) => glob.slice(1)));
    // A glob naming a folder covers everything below it, as globby's folder matches do.
    const covers = (patterns: RegExp[], segments: string[]) => segments.some((_, i) => patterns.some((pattern) => pattern.test(segments.slice(0, i + 1).join('/'))));
    return (relative: string) => {
      const segments = relative.split('/');
      return covers(included, segments) && !covers(excluded, segments);
    };
  };
  const withoutTemplating = matches(options.copyWithoutTemplating);
  const withoutRender = matches(options.copyWithoutRender);
  const extension = options.templateFileExtension;
  const targetPath = normaliseRelative(options.targetPath ?? '');
  if (targetPath) resolveInside(options.workspace, targetPath, 'fetch:template targetPath');

  const listed = await listSkeletonEntries(options.skeletonDir);
  const entries: Entry[] = [
    ...listed.files.map((relative) => ({ relative, folder: false })),
    // After the files, so that an unsafe path is reported by the file that would have been written.
    ...listed.folders.map((relative) => ({ relative, folder: true })),
  ].map(({ relative, folder }) => {
    if (extension) {
      // Backstage compares the last extension only (path.extname), so `.tar.gz` never matches and a file named `.njk` is not templated.
      const renderContents = !folder && path.posix.extname(relative) === extension;
      return { relative, folder, renderContents, renderPath: true, source: renderContents ? relative.slice(0, -extension.length) : relative };
    }
    if (withoutRender(relative)) return { relative, folder, renderContents: false, renderPath: false, source: relative };
    return { relative, folder, renderContents: !folder && !withoutTemplating(relative), renderPath: true, source: relative };
  });

  // Text without a brace renders as itself, so only paths and files that have one are sent.
  const needsRendering = (text: string) => text.includes('{');
  const pathJobs = entries.filter((entry) => entry.renderPath && needsRendering(entry.source));
  const renderedPaths = new Map<Entry, string>();
  const pathResults = await render(options, pathJobs.map((entry) => ({ name: `the name of ${label}/${entry.relative}`, source: entry.source })), scope, config);
  pathJobs.forEach((entry, i) => renderedPaths.set(entry, pathResults[i]!));

  const written: string[] = [];
  const skipped: string[] = [];
  const planned: Array<{ entry: Entry; destination: string; workspaceRelative: string }> = [];
  for (const entry of entries) {
    const renderedPath = renderedPaths.get(entry) ?? entry.source;
    // Backstage's rule: a path that renders empty, or with an empty folder name, is left out.
    if (renderedPath.trim() === '' || renderedPath.startsWith('/') || renderedPath.includes('//') || renderedPath.endsWith('/')) {
      if (!entry.folder) skipped.push(entry.relative);
      continue;
    }
    const unsafe = relativePathProblem(renderedPath);
    if (unsafe) throw new UnsafePathError(`The skeleton ${entry.folder ? 'folder' : 'file'} ${entry.relative} renders to ${JSON.stringify(renderedPath)}, which ${unsafe}; paths must stay inside the workspace`);
    const workspaceRelative = normaliseRelative(targetPath ? `${targetPath}/${renderedPath}` : renderedPath);
    planned.push({ entry, destination: resolveInside(options.workspace, workspaceRelative, `The skeleton ${entry.folder ? 'folder' : 'file'} ${entry.relative} renders to`), workspaceRelative });
  }
  // Every folder is created, empty ones included, as Backstage's fetch:template does.
  await inBatches(
    planned.filter((file) => file.entry.folder),
    (folder) => fs.mkdir(folder.destination, { recursive: true }),
  );
  const plannedFiles = planned.filter((file) => !file.entry.folder);
  const toWrite = (
    await inBatches(plannedFiles, async (file) => {
      if (!options.replace && (await fs.lstat(file.destination).catch(() => undefined))) return undefined;
      const source = path.join(options.skeletonDir, file.entry.relative);
      const [content, stat] = await Promise.all([fs.readFile(source), fs.stat(source)]);
      return { ...file, content, mode: stat.mode & 0o777 };
    })
  ).flatMap((file, i) => {
    if (file) return [file];
    skipped.push(plannedFiles[i]!.entry.relative);
    return [];
  });

  // Binary files (images, archives) are copied: a NUL byte means it is not text to template.
  const templated = (file: (typeof toWrite)[number]) => file.entry.renderContents && !file.content.includes(0) && needsRendering(file.content.toString('utf8'));
  const write = async (file: (typeof toWrite)[number], rendered: string | undefined) => {
    await fs.mkdir(path.dirname(file.destination), { recursive: true });
    await fs.writeFile(file.destination, rendered === undefined ? file.content : Buffer.from(rendered), { mode: file.mode });
    written.push(file.workspaceRelative);
  };
  await inBatches(toWrite.filter((file) => !templated(file)), (file) => write(file, undefined));
  // Contents go to the sandbox in chunks, so that one chunk's files are written while the next renders.
  const contentJobs = toWrite.filter(templated);
  let writing: Promise<unknown> = Promise.resolve();
  for (let at = 0; at < contentJobs.length; at += RENDER_CHUNK) {
    const chunk = contentJobs.slice(at, at + RENDER_CHUNK);
    const results = await render(options, chunk.map((file) => ({ name: `${label}/${file.entry.relative}`, source: file.content.toString('utf8') })), scope, config).catch(async (error: unknown) => {
      await writing.catch(() => undefined);
      throw error;
    });
    await writing;
    writing = inBatches(chunk, (file, i) => write(file, results[i]));
  }
  await writing;
  return { files: written.sort(), skipped };
}

const RENDER_CHUNK = 50;
const IO_CONCURRENCY = 16;

/** Runs `work` over the items, IO_CONCURRENCY at a time, keeping their order in the results. */
async function inBatches<T, R>(items: T[], work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let at = 0; at < items.length; at += IO_CONCURRENCY) {
    results.push(...(await Promise.all(items.slice(at, at + IO_CONCURRENCY).map((item, i) => work(item, at + i)))));
  }
  return results;
}

async function render(options: RenderSkeletonOptions, items: Array<{ name: string; source: string }>, scope: Record<string, unknown>, config: object): Promise<string[]> {
  if (items.length === 0) return [];
  if (!options.sandbox) throw new SkeletonError('The skeleton has files to template but no sandbox to render them in');
  try {
    return await options.sandbox.renderStrings(items, scope, config);
  } catch (error) {
    if (!(error instanceof TemplateRenderError)) throw error;
    const template = options.templateName ? `The template ${options.templateName}` : 'The skeleton';
    throw new SkeletonError(`${template} cannot be rendered: ${error.message}`);
  }
}

/** Every file below the skeleton folder, skeleton-relative with forward slashes; refuses symlinks. */
export async function listSkeleton(skeletonDir: string): Promise<string[]> {
  return (await listSkeletonEntries(skeletonDir)).files;
}

/** Every file and every folder below the skeleton folder, skeleton-relative; refuses symlinks. */
export async function listSkeletonEntries(skeletonDir: string): Promise<{ files: string[]; folders: string[] }> {
  const root = await fs.lstat(skeletonDir).catch(() => undefined);
  if (!root) throw new SkeletonError(`The skeleton folder ${skeletonDir} does not exist`);
  if (root.isSymbolicLink()) throw new UnsafePathError(`The skeleton folder ${skeletonDir} is a symlink; skeletons may not contain symlinks`);
  if (!root.isDirectory()) throw new SkeletonError(`The skeleton ${skeletonDir} is not a folder`);
  const found: string[] = [];
  const folders: string[] = [];
  const walk = async (relative: string): Promise<void> => {
    const entries = await fs.readdir(path.join(skeletonDir, relative), { withFileTypes: true });
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const child = relative ? `${relative}/${entry.name}` : entry.name;
      // A symlink could point anywhere on the machine (/etc, the data folder), and following it
      // would publish that into a new repository.
      if (entry.isSymbolicLink()) throw new UnsafePathError(`The skeleton contains a symlink at ${child}; skeletons may not contain symlinks, copy the file instead`);
      if (entry.isDirectory()) {
        folders.push(child);
        await walk(child);
      }
      else if (entry.isFile()) found.push(child);
    }
  };
  await walk('');
  return { files: found, folders };
}

import fs from 'node:fs/promises';
import path from 'node:path';
import Handlebars from 'handlebars';
import { globToRegExp } from '../catalog/files';
import { FILTERS } from './expressions';
import { normaliseRelative, relativePathProblem, resolveInside, UnsafePathError } from './paths';

/** A skeleton file that could not be rendered: names the file and what Handlebars said. */
export class SkeletonError extends Error {
  override name = 'SkeletonError';
}

export interface RenderSkeletonOptions {
  /** The template's skeleton folder. */
  skeletonDir: string;
  /** The task's workspace; nothing is written outside it. */
  workspace: string;
  /** A folder inside the workspace to render into (fetch:template's `targetPath`). */
  targetPath?: string;
  /** What `${{ values.x }}` reads. */
  values: Record<string, unknown>;
  /** Globs (relative to the skeleton) whose contents are copied as they are; their paths are still rendered. */
  copyWithoutTemplating?: string[];
  /** When set, only files ending in this extension are templated, and lose it (`.njk` in Backstage). */
  templateFileExtension?: string;
}

export interface RenderedSkeleton {
  /** Workspace-relative paths written, sorted. */
  files: string[];
  /** Skeleton files left out because a segment of their path rendered empty (conditional files). */
  skipped: string[];
}

/**
 * Renders a skeleton folder into the workspace as Backstage's fetch:template does: file contents
 * and file names are templates where `${{ values.x }}` is replaced and a plain `{{ … }}` (Helm
 * charts, `${{ github.x }}` in workflows kept literal through copyWithoutTemplating) stays as it is.
 * Symlinks are refused, and every rendered path must stay inside the workspace.
 */
export async function renderSkeleton(options: RenderSkeletonOptions): Promise<RenderedSkeleton> {
  const handlebars = createRenderer();
  const scope = { values: options.values };
  const literal = (options.copyWithoutTemplating ?? []).map((glob) => globToRegExp(normaliseRelative(glob).replace(/\/$/, '')));
  const copiedAsIs = (relative: string) => {
    const segments = relative.split('/');
    // A glob naming a folder covers everything below it.
    return segments.some((_, i) => literal.some((pattern) => pattern.test(segments.slice(0, i + 1).join('/'))));
  };
  const targetPath = normaliseRelative(options.targetPath ?? '');
  if (targetPath) resolveInside(options.workspace, targetPath, 'fetch:template targetPath');

  const files = await listSkeleton(options.skeletonDir);
  const written: string[] = [];
  const skipped: string[] = [];
  for (const relative of files) {
    let segments: string[];
    try {
      segments = relative.split('/').map((segment) => handlebars.render(segment, scope, relative));
    } catch (error) {
      throw new SkeletonError(`The skeleton file name ${relative} cannot be rendered: ${(error as Error).message}`);
    }
    // A file or folder name that renders empty leaves the file out: how templates make files optional.
    if (segments.some((segment) => segment.trim() === '')) {
      skipped.push(relative);
      continue;
    }
    let renderedPath = segments.join('/');
    const unsafe = relativePathProblem(renderedPath);
    if (unsafe) throw new UnsafePathError(`The skeleton file ${relative} renders to ${JSON.stringify(renderedPath)}, which ${unsafe}; paths must stay inside the workspace`);
    const asIs = copiedAsIs(relative);
    let templated = !asIs;
    if (options.templateFileExtension) {
      const extension = options.templateFileExtension.startsWith('.') ? options.templateFileExtension : `.${options.templateFileExtension}`;
      templated = templated && renderedPath.endsWith(extension);
      if (renderedPath.endsWith(extension)) renderedPath = renderedPath.slice(0, -extension.length);
    }
    const workspaceRelative = normaliseRelative(targetPath ? `${targetPath}/${renderedPath}` : renderedPath);
    const destination = resolveInside(options.workspace, workspaceRelative, `The skeleton file ${relative} renders to`);
    const source = path.join(options.skeletonDir, relative);
    const content = await fs.readFile(source);
    const stat = await fs.stat(source);
    // Binary files (images, archives) are copied: a NUL byte means it is not text to template.
    const output = templated && !content.includes(0) ? Buffer.from(renderContent(handlebars, content.toString('utf8'), scope, relative)) : content;
    await fs.mkdir(path.dirname(destination), { recursive: true });
    await fs.writeFile(destination, output, { mode: stat.mode & 0o777 });
    written.push(workspaceRelative);
  }
  return { files: written.sort(), skipped };
}

function renderContent(handlebars: Renderer, text: string, scope: object, relative: string): string {
  try {
    return handlebars.render(text, scope, relative);
  } catch (error) {
    throw new SkeletonError(`The skeleton file ${relative} cannot be rendered: ${(error as Error).message.split('\n')[0]}`);
  }
}

/** Every file below the skeleton folder, skeleton-relative with forward slashes; refuses symlinks. */
export async function listSkeleton(skeletonDir: string): Promise<string[]> {
  const root = await fs.lstat(skeletonDir).catch(() => undefined);
  if (!root) throw new SkeletonError(`The skeleton folder ${skeletonDir} does not exist`);
  if (root.isSymbolicLink()) throw new UnsafePathError(`The skeleton folder ${skeletonDir} is a symlink; skeletons may not contain symlinks`);
  if (!root.isDirectory()) throw new SkeletonError(`The skeleton ${skeletonDir} is not a folder`);
  const found: string[] = [];
  const walk = async (relative: string): Promise<void> => {
    const entries = await fs.readdir(path.join(skeletonDir, relative), { withFileTypes: true });
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const child = relative ? `${relative}/${entry.name}` : entry.name;
      // A symlink could point anywhere on the machine (/etc, the data folder), and following it
      // would publish that into a new repository.
      if (entry.isSymbolicLink()) throw new UnsafePathError(`The skeleton contains a symlink at ${child}; skeletons may not contain symlinks, copy the file instead`);
      if (entry.isDirectory()) await walk(child);
      else if (entry.isFile()) found.push(child);
    }
  };
  await walk('');
  return found;
}

interface Renderer {
  render(template: string, scope: object, relative: string): string;
}

/**
 * Handlebars in its own environment, with the scaffolder's filters as helpers. Prototype access
 * stays off (Handlebars' default), so a template cannot reach constructors.
 */
function createRenderer(): Renderer {
  const environment = Handlebars.create();
  for (const [name, filter] of Object.entries(FILTERS)) {
    // Handlebars passes its options object last; filters take only the values before it.
    environment.registerHelper(name, (...args: unknown[]) => filter(...(args.slice(0, -1) as [unknown, ...unknown[]])));
  }
  environment.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  environment.registerHelper('ne', (a: unknown, b: unknown) => a !== b);
  // For file names, which cannot hold the "/" of a closing {{/if}}: `${{ when values.docs "docs" }}`.
  environment.registerHelper('when', (condition: unknown, value: unknown) => (condition ? value : ''));
  const cache = new Map<string, HandlebarsTemplateDelegate>();
  return {
    render(template, scope) {
      if (!template.includes('{{')) return template;
      const source = toHandlebars(template);
      let compiled = cache.get(source);
      if (!compiled) {
        compiled = environment.compile(source, { noEscape: true, strict: false });
        cache.set(source, compiled);
      }
      return compiled(scope);
    },
  };
}

/**
 * Backstage's delimiters in Handlebars: `${{ values.name | lower }}` becomes `{{lower values.name}}`,
 * `${{#if values.docs}}` becomes `{{#if values.docs}}`, and every other `{{` is escaped so that
 * Handlebars prints it as it is.
 */
export function toHandlebars(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const open = text.indexOf('{{', i);
    if (open === -1) {
      out += text.slice(i);
      break;
    }
    if (open > 0 && text[open - 1] === '$') {
      const close = text.indexOf('}}', open + 2);
      if (close === -1) {
        out += text.slice(i);
        break;
      }
      out += text.slice(i, open - 1);
      out += `{{${translateFilters(text.slice(open + 2, close))}}}`;
      i = close + 2;
    } else {
      out += `${text.slice(i, open)}\\{{`;
      i = open + 2;
    }
  }
  return out;
}

/** `values.name | replace("-", "_") | upper` → `upper (replace values.name "-" "_")`. */
function translateFilters(inner: string): string {
  const parts = splitOutsideQuotes(inner, '|');
  if (parts.length === 1 || /^\s*[#/^]/.test(inner)) return inner;
  let expression = parts[0]!.trim();
  for (const part of parts.slice(1)) {
    const match = /^\s*([A-Za-z_][\w]*)\s*(?:\(([\s\S]*)\))?\s*$/.exec(part);
    if (!match) throw new SkeletonError(`"${part.trim()}" is not a filter (in \${{${inner}}})`);
    const args = match[2] ? splitOutsideQuotes(match[2], ',').map((arg) => arg.trim()) : [];
    expression = `${match[1]} ${expression.includes(' ') ? `(${expression})` : expression}${args.length ? ` ${args.join(' ')}` : ''}`;
  }
  return ` ${expression} `;
}

function splitOutsideQuotes(text: string, separator: string): string[] {
  const parts: string[] = [];
  let quote: string | undefined;
  let current = '';
  for (const char of text) {
    if (quote) {
      if (char === quote) quote = undefined;
    } else if (char === '"' || char === "'") {
      quote = char;
    } else if (char === separator) {
      parts.push(current);
      current = '';
      continue;
    }
    current += char;
  }
  parts.push(current);
  return parts;
}

import fs from 'node:fs/promises';
import path from 'node:path';
import { confineRealFile, directoryScope, NO_POLICY } from '../catalog/confinement';
import { readTextFile } from '../catalog/files';
import { placeholderBudget, resolvePlaceholders } from '../catalog/placeholders';
import { parseYamlDocuments } from '../catalog/yaml';
import { TemplateLoadError, templateFromEntity, type ScaffolderTemplate } from './template';

/** How deep under the templates folder a template.yaml is looked for: `github/<name>/template.yaml` is 3. */
export const MAX_TEMPLATE_DEPTH = 6;
/** Folders looked into: a templates folder pointed at a whole disk or a node_modules stops early, and says so. */
export const MAX_TEMPLATE_FOLDERS = 2_000;
/** Templates read from the folder; more is a mistake rather than a catalog. */
export const MAX_TEMPLATES = 500;
/** Bytes of one template.yaml, and of everything its placeholders read. */
const MAX_TEMPLATE_BYTES = 1024 * 1024;
const MAX_PLACEHOLDER_BYTES = 4 * 1024 * 1024;
/** Never templates: version control, dependencies. */
const SKIPPED_FOLDERS = new Set(['.git', 'node_modules']);

export interface TemplateFolderReport {
  templates: ScaffolderTemplate[];
  /** Templates that failed to load, each with its file and why. */
  problems: Array<{ file: string; message: string }>;
  /** What loaded but needs an author's attention: two templates with one name. */
  warnings: Array<{ file: string; message: string }>;
}

/**
 * Reads one template.yaml: the first Template document in it, its `$yaml`/`$text`/`$json`
 * placeholders resolved, validated as the catalog validates it. `root` is the folder its reads (the
 * placeholders here, `url: ../../skeletons/…` of its fetch steps later) may climb to and never leave:
 * the templates folder; the template's own folder when not given.
 */
export async function loadTemplateFile(file: string, options: { root?: string } = {}): Promise<ScaffolderTemplate> {
  const root = path.resolve(options.root ?? path.dirname(file));
  const scope = directoryScope(root);
  const real = confineRealFile(file, scope);
  if (!real.ok) throw new TemplateLoadError(real.message);
  const read = await readTextFile(file, MAX_TEMPLATE_BYTES);
  if (!read.ok) throw new TemplateLoadError(read.message.includes(file) ? read.message : `${file}: ${read.message}`);
  const parsed = parseYamlDocuments(read.text);
  if (!parsed.ok) throw new TemplateLoadError(`${file} is not valid YAML${parsed.problem.line ? ` (line ${parsed.problem.line})` : ''}: ${parsed.problem.message}`);
  const document = parsed.documents.find((candidate) => (candidate.value as { kind?: unknown } | null)?.kind === 'Template');
  if (!document) throw new TemplateLoadError(`${file} has no document of kind Template`);
  // Read as catalog files are: inside the scope, through no link out of it, within a byte budget.
  const resolved = await resolvePlaceholders(document.value, { file, maxBytes: MAX_TEMPLATE_BYTES, scope, policy: NO_POLICY, budget: placeholderBudget(MAX_PLACEHOLDER_BYTES) });
  if (resolved.errors.length) throw new TemplateLoadError(`${file}: ${resolved.errors.join('; ')}`);
  return templateFromEntity(resolved.value, { baseDir: path.dirname(file), source: file, root, stepLines: stepLines(read.text, document.line) });
}

/**
 * Every template.yaml under the folder, at any depth up to MAX_TEMPLATE_DEPTH, as template
 * repositories lay them out (`templates/github/<name>/template.yaml`). A folder holding a
 * template.yaml is a template: what is below it is its skeleton, not more templates. Links are not
 * followed (one could lead anywhere on the machine). One template failing to load is reported; its
 * siblings still load. Folders are read in name order, so which of two same-named templates wins
 * does not depend on the file system.
 */
export async function loadTemplateFolder(folder: string): Promise<TemplateFolderReport> {
  const root = path.resolve(folder);
  const report: TemplateFolderReport = { templates: [], problems: [], warnings: [] };
  const files: string[] = [];
  let visited = 0;
  let stopped: string | undefined;
  let tooDeep = false;
  const walk = async (dir: string, depth: number): Promise<void> => {
    if (stopped) return;
    if (++visited > MAX_TEMPLATE_FOLDERS) {
      stopped = `more than ${MAX_TEMPLATE_FOLDERS} folders under ${root}; templates in the rest were not looked for (point BACKLINE_TEMPLATES_DIR at the templates alone)`;
      return;
    }
    let entries: import('node:fs').Dirent[];
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch (error) {
      if (dir === root && (error as NodeJS.ErrnoException).code === 'ENOENT') return;
      if (dir === root) throw new TemplateLoadError(`The templates folder ${folder} cannot be read: ${(error as Error).message}`);
      report.problems.push({ file: dir, message: `${dir} cannot be read: ${(error as Error).message}` });
      return;
    }
    const manifest = entries.find((entry) => entry.name === 'template.yaml');
    if (manifest?.isSymbolicLink()) {
      report.problems.push({ file: path.join(dir, manifest.name), message: `${path.join(dir, manifest.name)} is a symbolic link; Backline reads templates under ${root} only, and follows no links` });
      return;
    }
    if (manifest?.isFile()) {
      if (files.length >= MAX_TEMPLATES) stopped = `more than ${MAX_TEMPLATES} templates under ${root}; the rest were not read`;
      else files.push(path.join(dir, manifest.name));
      return;
    }
    const folders = entries.filter((entry) => entry.isDirectory() && !SKIPPED_FOLDERS.has(entry.name)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    if (folders.length && depth >= MAX_TEMPLATE_DEPTH) {
      // Said once: a deep tree would otherwise repeat it for every folder at the bound.
      if (!tooDeep) report.warnings.push({ file: dir, message: `${dir} is ${depth} folders below ${root}; templates deeper than ${MAX_TEMPLATE_DEPTH} folders are not looked for` });
      tooDeep = true;
      return;
    }
    for (const entry of folders) await walk(path.join(dir, entry.name), depth + 1);
  };
  await walk(root, 0);
  if (stopped) report.problems.push({ file: root, message: stopped });

  const byName = new Map<string, ScaffolderTemplate>();
  for (const file of files) {
    let template: ScaffolderTemplate;
    try {
      template = await loadTemplateFile(file, { root });
    } catch (error) {
      report.problems.push({ file, message: (error as Error).message });
      continue;
    }
    const first = byName.get(template.name.toLowerCase());
    if (first) {
      report.warnings.push({ file, message: duplicateMessage(template.name, first.source, file) });
      continue;
    }
    byName.set(template.name.toLowerCase(), template);
    report.templates.push(template);
  }
  return report;
}

/**
 * The line each step's `id:` is written on, found by scanning from the Template document's first
 * line: js-yaml keeps no positions, and a line number is what an author needs to find a step.
 */
export function stepLines(text: string, fromLine: number): Record<string, number> {
  const lines: Record<string, number> = {};
  const all = text.split('\n');
  let inSteps = false;
  for (let index = Math.max(0, fromLine - 1); index < all.length; index++) {
    if (index > fromLine - 1 && /^---(\s|$)/.test(all[index]!)) break;
    // Only ids under `steps:`: parameters and inputs may have `id:` keys of their own.
    if (/^\s+steps:\s*(#.*)?$/.test(all[index]!)) inSteps = true;
    if (!inSteps) continue;
    const id = /^\s*(?:-\s+)?id:\s*(['"]?)([^'"#\s]+)\1\s*(?:#.*)?$/.exec(all[index]!)?.[2];
    if (id && lines[id] === undefined) lines[id] = index + 1;
  }
  return lines;
}

/** Two templates named alike: both named, and which one is offered. */
export function duplicateMessage(name: string, winner: string, loser: string): string {
  const why = loser.startsWith('template:') ? (winner.startsWith('template:') ? 'it comes first by ref' : "the templates folder's wins over the catalog's") : 'it comes first in path order';
  return `Two templates are named ${name}: ${winner} and ${loser}. ${winner} is offered (${why}); rename one of them to offer both.`;
}

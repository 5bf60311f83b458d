import fs from 'node:fs/promises';
import path from 'node:path';
import { describeFsError, findYamlFiles, readTextFile } from './files';
import { directoryScope } from './confinement';
import type { UrlReader } from './placeholders';
import { processCatalogText } from './processing';

/** One line of `catalog validate`: a document of a file, or the file itself when it cannot be read. */
export interface ValidationEntry {
  file: string;
  /** 1-based index of the document in its file; null when the file as a whole failed. */
  document: number | null;
  line: number | null;
  /** 1-based column, where the YAML parser gives one. */
  column: number | null;
  ref: string | null;
  valid: boolean;
  errors: string[];
  /** What Backstage accepts but deserves a look (an entity defined twice), or what Backline cannot follow. */
  warnings: string[];
}

export interface ValidationReport {
  entries: ValidationEntry[];
  /** Files that hold no entities (empty, or only comments): not an error, as in Backstage. */
  emptyFiles: string[];
}

/**
 * Checks catalog files without touching the catalog: every document of every file given, or found
 * in a folder given, against the same rules ingestion applies.
 */
export async function validateFiles(paths: string[], options: { maxBytes: number; urlReader?: UrlReader }): Promise<ValidationReport> {
  const entries: ValidationEntry[] = [];
  const emptyFiles: string[] = [];
  const fileFailure = (file: string, message: string, at: { line?: number; column?: number } = {}): ValidationEntry => ({
    file,
    document: null,
    line: at.line ?? null,
    column: at.line !== undefined ? (at.column ?? null) : null,
    ref: null,
    valid: false,
    errors: [message],
    warnings: [],
  });
  for (const given of paths) {
    const resolved = path.resolve(given);
    const stat = await fs.stat(resolved).catch((error: unknown) => error as Error);
    if (stat instanceof Error) {
      entries.push(fileFailure(given, describeFsError(stat, given)));
      continue;
    }
    let files: string[];
    if (stat.isDirectory()) {
      files = (await findYamlFiles(resolved)).map((found) => path.join(given, path.relative(resolved, found)));
      if (files.length === 0) {
        entries.push(fileFailure(given, `${given} contains no .yaml or .yml files`));
        continue;
      }
    } else {
      files = [given];
    }
    for (const file of files) {
      const read = await readTextFile(path.resolve(file), options.maxBytes);
      if (!read.ok) {
        entries.push(fileFailure(file, read.message.replace(path.resolve(file), file)));
        continue;
      }
      // Placeholders read only under the path given, as ingestion reads them.
      const scope = directoryScope(stat.isDirectory() ? resolved : path.dirname(resolved));
      const processed = await processCatalogText(read.text, { file: path.resolve(file), maxBytes: options.maxBytes, urlReader: options.urlReader, scope });
      if (!processed.parsed) {
        entries.push(fileFailure(file, processed.problem.message.replace(path.resolve(file), file), processed.problem));
        continue;
      }
      // Backstage reads an empty file, or one of comments, as no entities.
      if (processed.documents.length === 0) emptyFiles.push(file);
      // Messages name the file as it was given, as `file` does.
      const asGiven = (messages: string[]) => messages.map((message) => message.split(path.resolve(file)).join(file));
      for (const document of processed.documents) {
        entries.push({ file, document: document.document, line: document.line, column: null, ref: document.ref, valid: document.valid, errors: asGiven(document.errors), warnings: asGiven(document.warnings) });
      }
    }
  }
  return { entries, emptyFiles };
}

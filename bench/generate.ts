import fs from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import { DocumentBuilder, planCatalog, type PlannedEntity } from './lib/catalogData';

/**
 * Writes a synthetic catalog: a root `catalog-info.yaml` Location whose `targets` list `files`
 * files, each holding `perFile` entity documents (Components, APIs, Resources, Systems, Groups and
 * Users that refer to each other). The same seed writes the same bytes.
 *
 *   node <out>/bench/generate.js [--files 5000] [--per-file 10] [--seed 42] <folder>
 */
export interface GenerateOptions {
  files: number;
  perFile: number;
  seed: number;
}

/** One generated entity as a row: what a raw load of the same data writes. */
export interface GeneratedRow {
  ref: string;
  kind: string;
  name: string;
  body: string;
}

export interface GeneratedCatalog {
  /** The root Location file. */
  root: string;
  files: number;
  /** Absolute paths of the entity files, in order. */
  paths: string[];
  /** Every entity in the files (the root Location itself not included). */
  rows: GeneratedRow[];
  bytes: number;
}

const FILES_PER_FOLDER = 100;

export function generateCatalog(folder: string, options: GenerateOptions): GeneratedCatalog {
  const { files, perFile, seed } = options;
  const plan = planCatalog(files * perFile, seed);
  const builder = new DocumentBuilder(plan, seed);
  const rows: GeneratedRow[] = [];
  const targets: string[] = [];
  const paths: string[] = [];
  let bytes = 0;
  folder = path.resolve(folder);
  fs.mkdirSync(folder, { recursive: true });
  for (let file = 0; file < files; file++) {
    const relative = path.posix.join('teams', String(Math.floor(file / FILES_PER_FOLDER)).padStart(3, '0'), `catalog-${String(file).padStart(5, '0')}.yaml`);
    const documents = plan.order.slice(file * perFile, (file + 1) * perFile).map((entity: PlannedEntity) => {
      const document = builder.build(entity);
      rows.push({ ref: `${entity.kind.toLowerCase()}:default/${entity.name}`, kind: entity.kind.toLowerCase(), name: entity.name, body: JSON.stringify(document) });
      return yaml.dump(document, { lineWidth: -1, noRefs: true });
    });
    const text = `# Synthetic catalog file ${file + 1} of ${files} (seed ${seed}).\n${documents.join('---\n')}`;
    fs.mkdirSync(path.join(folder, path.dirname(relative)), { recursive: true });
    fs.writeFileSync(path.join(folder, relative), text);
    bytes += Buffer.byteLength(text);
    targets.push(`./${relative}`);
    paths.push(path.join(folder, relative));
  }
  const location = {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Location',
    metadata: { name: 'bench-catalog', description: `Synthetic benchmark catalog: ${files} files of ${perFile} entities, seed ${seed}` },
    spec: { targets },
  };
  const root = path.join(folder, 'catalog-info.yaml');
  const rootText = yaml.dump(location, { lineWidth: -1 });
  fs.writeFileSync(root, rootText);
  bytes += Buffer.byteLength(rootText);
  return { root, files, paths, rows, bytes };
}

export function parseGenerateArgs(argv: string[]): { folder: string; options: GenerateOptions } {
  const options: GenerateOptions = { files: 5_000, perFile: 10, seed: 42 };
  let folder: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = () => {
      const parsed = Number(argv[++i]);
      if (!Number.isInteger(parsed) || parsed <= 0) throw new Error(`${arg} needs a positive integer`);
      return parsed;
    };
    if (arg === '--files') options.files = value();
    else if (arg === '--per-file') options.perFile = value();
    else if (arg === '--seed') options.seed = value();
    else if (arg.startsWith('--')) throw new Error(`unknown option ${arg}`);
    else folder = arg;
  }
  if (!folder) throw new Error('usage: generate [--files N] [--per-file K] [--seed S] <folder>');
  return { folder, options };
}

if (require.main === module) {
  try {
    const { folder, options } = parseGenerateArgs(process.argv.slice(2));
    const started = performance.now();
    const catalog = generateCatalog(folder, options);
    const seconds = (performance.now() - started) / 1000;
    process.stdout.write(`Wrote ${catalog.rows.length} entities in ${catalog.files} files (${(catalog.bytes / 1048576).toFixed(1)} MiB) under ${catalog.root} in ${seconds.toFixed(1)} s\n`);
  } catch (error) {
    process.stderr.write(`generate: ${(error as Error).message}\n`);
    process.exitCode = 2;
  }
}

import { ingest, rootFromPath } from '../../src/catalog/ingest';
import { PgCatalogStore } from '../../src/catalog/PgCatalogStore';
import { configForDoctor, manifestScopes, openDoctorSession } from '../../src/compose/doctor';
import { runDoctor } from '../../src/doctor/doctor';
import type { DoctorReport, Finding } from '../../src/doctor/findings';
import { CatalogFolder, docs } from '../support/catalogFiles';
import type { TestDatabase } from '../support/testDatabase';

/** `backline doctor` in this process, as the CLI runs it, over the given environment. */
export async function doctor(env: Record<string, string>): Promise<DoctorReport> {
  const { config, error } = configForDoctor(env);
  const session = config ? openDoctorSession(config, { timeoutMs: 3000 }) : undefined;
  try {
    return await runDoctor({ configError: error, config, ports: session?.ports, manifestScopes: manifestScopes() });
  } finally {
    await session?.close();
  }
}

/** One check of a report, by name; fails the test when the report has none of that name. */
export function check(report: DoctorReport, name: string): Finding {
  const found = report.checks.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`the report has no check ${name}: ${report.checks.map((candidate) => candidate.name).join(', ')}`);
  return found;
}

/** Replaces the catalog with these documents, read from a file as `backline catalog ingest` reads it. */
export async function catalogOf(db: TestDatabase, ...documents: string[]): Promise<void> {
  await db.pool.query('TRUNCATE locations, entities, relations, processing_errors');
  const folder = new CatalogFolder();
  try {
    const report = await ingest([await rootFromPath(folder.write('catalog-info.yaml', docs(...documents)))], { store: PgCatalogStore.create({ pool: db.pool }), maxBytes: 1024 * 1024 });
    if (report.errors.length) throw new Error(`the test catalog does not ingest: ${report.errors.map((problem) => problem.message).join('; ')}`);
  } finally {
    folder.dispose();
  }
}

import type { Config } from '../config';
import type { Database } from '../db/database';
import { runDoctor } from '../doctor/doctor';
import type { Logger } from '../logger';
import { manifestScopes, openDoctorSession } from '../compose/doctor';

/**
 * `backline doctor`'s checks, run by serve once it listens: each problem is logged as a warning with
 * its fix, and nothing stops serve, which must come up even while GitHub or a docs site is down.
 * Settles when the checks are done; never rejects.
 */
export async function checkInstallationAtStart(config: Config, database: Database, logger: Logger): Promise<void> {
  const session = openDoctorSession(config, { database });
  try {
    const report = await runDoctor({ configError: null, config, ports: session.ports, manifestScopes: manifestScopes() });
    const problems = report.checks.filter((check) => check.status === 'problem');
    for (const check of problems) logger.warn(`${check.name}: ${check.message}`, { check: check.name, fix: check.fix });
    if (problems.length) logger.warn(`start-up checks found ${problems.length} problem${problems.length === 1 ? '' : 's'}; serve runs on, and \`backline doctor\` prints them with their fixes`, { problems: problems.map((check) => check.name) });
    else logger.info('start-up checks found no problems', { skipped: report.checks.filter((check) => check.status === 'skipped').map((check) => check.name) });
  } catch (error) {
    logger.warn('start-up checks could not run', { error });
  } finally {
    await session.close();
  }
}

import type { Command } from 'commander';
import { configForDoctor, manifestScopes, openDoctorSession } from '../compose/doctor';
import { runDoctor } from '../doctor/doctor';
import { doctorJson, formatDoctorReport } from '../doctor/report';

export interface DoctorCommandDependencies {
  stdout: (text: string) => void;
  /** Progress for people (the embedded database starting). */
  log: (line: string) => void;
  setExitCode: (code: number) => void;
  env: NodeJS.ProcessEnv;
}

/**
 * `backline doctor [--json]`: checks the installation and prints every finding with its fix; exit 1
 * when any check finds a problem. A configuration that does not load is a finding here, not exit 2.
 */
export function registerDoctorCommand(program: Command, deps: DoctorCommandDependencies): void {
  program
    .command('doctor')
    .description('Check the installation (configuration, database, Slack, GitHub, on-call, docs, templates) and print each problem with its fix.')
    .option('--json', 'print one JSON document')
    .action(async (options: { json?: boolean }) => {
      const { config, error } = configForDoctor(deps.env);
      const session = config ? openDoctorSession(config, { log: deps.log }) : undefined;
      try {
        const report = await runDoctor({ configError: error, config, ports: session?.ports, manifestScopes: manifestScopes() });
        deps.stdout(options.json ? `${JSON.stringify(doctorJson(report))}\n` : formatDoctorReport(report));
        deps.setExitCode(report.ok ? 0 : 1);
      } finally {
        await session?.close();
      }
    });
}

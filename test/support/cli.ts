import { main } from '../../src/main';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `backline <args>` in this process with the given environment, capturing what it prints. */
export async function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await main(['node', 'backline', ...args], { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), env });
  return { code, stdout, stderr };
}

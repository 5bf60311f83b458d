import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Saves a run's figures as JSON in bench/results/ (ignored by git) next to the machine they were
 * measured on; returns the file, or undefined when the folder is not writable.
 */
export function writeResults(name: string, data: Record<string, unknown>): string | undefined {
  const folder = path.join(process.env.BACKLINE_ROOT ?? process.cwd(), 'bench', 'results');
  const file = path.join(folder, `${name}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  const machine = { loadAverageAtEnd: os.loadavg().map((x) => Number(x.toFixed(2))), cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, platform: `${os.platform()} ${os.release()}` };
  const root = path.dirname(path.dirname(folder));
  const git = (...args: string[]) => {
    try {
      return execFileSync('git', ['-C', root, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      return undefined;
    }
  };
  const code = { commit: git('log', '-1', '--format=%h %s'), uncommitted: git('status', '--porcelain', '--', 'src', 'migrations', 'commands')?.split('\n').filter(Boolean) };
  try {
    fs.mkdirSync(folder, { recursive: true });
    fs.writeFileSync(file, `${JSON.stringify({ name, at: new Date().toISOString(), machine, code, ...data }, null, 2)}\n`);
    return file;
  } catch {
    return undefined;
  }
}

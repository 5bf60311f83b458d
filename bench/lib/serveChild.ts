import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/**
 * The compiled `backline serve` (bin/backline.js) as a child process, with node's default V8
 * settings unless `v8Flags` says otherwise: the child's pid is the process that answers, whose
 * memory /proc reports. Its JSON log lines are read as they come.
 */
export interface ServeChild {
  child: ChildProcess;
  pid: number;
  /** Resolves with the fields of the first log line whose message is `message` (or matches it). */
  logged(message: string | RegExp, timeoutMs: number): Promise<Record<string, unknown>>;
  /** Every log line at warn or above, for the report when something goes wrong. */
  problems: string[];
  /** Stops serve (SIGTERM, as an orchestrator would) and resolves with its exit code. */
  stop(): Promise<number | null>;
}

export function startServeChild(root: string, env: Record<string, string>, options: { cpuProfileDir?: string; cwd: string; v8Flags?: readonly string[] }): ServeChild {
  const nodeArgs = [...(options.v8Flags ?? []), ...(options.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`] : [])];
  const child = spawn(process.execPath, [...nodeArgs, path.join(root, 'bin', 'backline.js'), 'serve'], { cwd: options.cwd, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  const waiting = new Map<string | RegExp, Array<(fields: Record<string, unknown>) => void>>();
  const seen = new Map<string, Record<string, unknown>>();
  const problems: string[] = [];
  let buffered = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    buffered += chunk;
    for (let end = buffered.indexOf('\n'); end >= 0; end = buffered.indexOf('\n')) {
      const line = buffered.slice(0, end);
      buffered = buffered.slice(end + 1);
      let record: Record<string, unknown>;
      try {
        record = JSON.parse(line) as Record<string, unknown>;
      } catch {
        problems.push(line);
        continue;
      }
      if (record.level === 'warn' || record.level === 'error') problems.push(line.length > 500 ? `${line.slice(0, 500)}…` : line);
      const message = String(record.msg);
      if (!seen.has(message)) seen.set(message, record);
      for (const [wanted, resolvers] of [...waiting]) {
        if (typeof wanted === 'string' ? wanted !== message : !wanted.test(message)) continue;
        for (const resolve of resolvers) resolve(record);
        waiting.delete(wanted);
      }
    }
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    pid: child.pid!,
    problems,
    logged: (message, timeoutMs) =>
      new Promise((resolve, reject) => {
        const already = typeof message === 'string' ? seen.get(message) : [...seen].find(([logged]) => message.test(logged))?.[1];
        if (already) return resolve(already);
        const timer = setTimeout(() => reject(new Error(`serve did not log "${message}" within ${timeoutMs / 1000} s`)), timeoutMs);
        void exited.then((code) => reject(new Error(`serve exited (${code}) before logging "${message}": ${problems.slice(-5).join('\n')}`)));
        waiting.set(message, [
          ...(waiting.get(message) ?? []),
          (fields) => {
            clearTimeout(timer);
            resolve(fields);
          },
        ]);
      }),
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** Resident memory from /proc/<pid>/status, in MiB: now (VmRSS) and the most it ever was (VmHWM). */
export function residentMemory(pid: number): { rss: number; peak: number } | undefined {
  let status: string;
  try {
    status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kib('VmRSS') / 1024, peak: kib('VmHWM') / 1024 };
}

/**
 * Samples a process's resident memory every `everyMs` until stopped; the highest sample, the first,
 * and every sample (MiB) with the milliseconds since sampling started.
 */
export function sampleMemory(pid: number, everyMs: number): { stop(): { first: number; max: number; samples: number; series: Array<{ ms: number; rss: number }> } } {
  const started = performance.now();
  let first = NaN;
  let max = 0;
  let samples = 0;
  const series: Array<{ ms: number; rss: number }> = [];
  const timer = setInterval(() => {
    const memory = residentMemory(pid);
    if (!memory) return;
    if (samples++ === 0) first = memory.rss;
    max = Math.max(max, memory.rss);
    series.push({ ms: performance.now() - started, rss: memory.rss });
  }, everyMs);
  return {
    stop: () => {
      clearInterval(timer);
      return { first, max, samples, series };
    },
  };
}

/**
 * Starts a process's VmHWM afresh from its current resident memory (Linux: writing 5 to
 * /proc/<pid>/clear_refs), so that the next reading is the peak since now, not since it started.
 * False where that is not allowed or not supported.
 */
export function resetPeakMemory(pid: number): boolean {
  try {
    fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

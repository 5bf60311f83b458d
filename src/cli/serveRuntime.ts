import { spawn } from 'node:child_process';

/**
 * The V8 settings `backline serve` runs with: a young generation of 64 MB semi-spaces instead of
 * Node's 16 MB, and an old generation that starts at 256 MB.
 *
 * A `/whoowns` card allocates about 100 KB and keeps almost none of it. With Node's default young
 * generation, busy serving scavenges often enough to promote requests still in flight, and the old
 * generation's full collections then hold up every request waiting; with 64 MB semi-spaces requests
 * finish before a scavenge finds them. What serve keeps (the catalog read cache, the people it has
 * looked up) lives in the old generation, which starting at 256 MB spares its full collections
 * while it grows. The cost is up to about 100 MB more memory while busy; the measurements are in
 * docs/performance.md (Slack /whoowns).
 *
 * V8 reads these only when a process starts, so `serve` started without them starts itself again
 * with them. An operator's own choice of either (in NODE_OPTIONS or node's arguments) is kept.
 */
export const SERVE_V8_FLAGS = ['--max-semi-space-size=64', '--initial-old-space-size=256'];

// Set in the relaunched process: whatever its arguments say, it never relaunches again.
const RELAUNCHED = 'BACKLINE_SERVE_RELAUNCHED';

/** V8 spells a flag with dashes or underscores, and with a value after "=" or in the next argument. */
const flagName = (arg: string) => arg.split('=')[0]!.replace(/_/g, '-');

/** Serve's V8 settings that neither node's arguments nor NODE_OPTIONS chose a value for. */
export function missingServeFlags(execArgv: readonly string[], env: NodeJS.ProcessEnv): string[] {
  const chosen = new Set([...execArgv, ...(env.NODE_OPTIONS ?? '').split(/\s+/)].filter(Boolean).map(flagName));
  return SERVE_V8_FLAGS.filter((flag) => !chosen.has(flagName(flag)));
}

/**
 * Whether `argv` (as process.argv) runs `serve` in a process that lacks some of serve's V8
 * settings that its operator did not choose either.
 */
export function needsServeRuntime(argv: readonly string[], execArgv: readonly string[], env: NodeJS.ProcessEnv): boolean {
  if (argv.slice(2).find((arg) => !arg.startsWith('-')) !== 'serve' || env[RELAUNCHED]) return false;
  return missingServeFlags(execArgv, env).length > 0;
}

const FORWARDED_SIGNALS: NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP'];

/**
 * Runs `script` with `args` in a child process with serve's V8 settings, and ends this process as
 * the child ends (its exit code, or the signal that ended it). Signals sent to this process are
 * passed on; `serve` treats a repeated one as the same request to stop, since Ctrl-C in a terminal
 * reaches both processes. The child stops too if this process dies without passing anything on: it
 * is connected to this one, and serve stops when that connection closes.
 */
export function relaunchWithServeRuntime(script: string, args: readonly string[]): void {
  const child = spawn(process.execPath, [...process.execArgv, ...missingServeFlags(process.execArgv, process.env), script, ...args], {
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, [RELAUNCHED]: '1' },
  });
  const forward = (signal: NodeJS.Signals) => {
    child.kill(signal);
  };
  for (const signal of FORWARDED_SIGNALS) process.on(signal, forward);
  child.once('error', (error) => {
    process.stderr.write(`backline: could not start serve (${process.execPath}): ${error.message}\n`);
    process.exitCode = 1;
  });
  child.once('exit', (code, signal) => {
    for (const forwarded of FORWARDED_SIGNALS) process.off(forwarded, forward);
    if (signal) process.kill(process.pid, signal);
    else process.exitCode = code ?? 1;
  });
}

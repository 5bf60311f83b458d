import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { CHILD_SOURCE } from './childSource';
import { CONTEXT_SOURCE } from './contextSource';

/** A template that could not be rendered: names the template, the file or step, and the line. */
export class TemplateRenderError extends Error {
  override name = 'TemplateRenderError';
}

export interface SandboxOptions {
  /** The longest one render call (a whole skeleton, or one step's input) may take. */
  timeoutMs?: number;
  /** The sandbox process's heap; a template that needs more fails its step. */
  memoryMb?: number;
}

export interface RenderConfig {
  /** fetch:template's cookiecutterCompat: `{{ cookiecutter.x }}` and Jinja's idioms. */
  compat?: boolean;
  trimBlocks?: boolean;
  lstripBlocks?: boolean;
}

export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_MEMORY_MB = 128;

let nunjucksSource: string | undefined;
/** Nunjucks' browser build: one file, no `require` of fs or chokidar, as Backstage loads it. */
function loadNunjucks(): string {
  nunjucksSource ??= fs.readFileSync(require.resolve('nunjucks/browser/nunjucks.min.js'), 'utf8');
  return nunjucksSource;
}

// Node 22 renamed the flag; 20 knows only the experimental one.
const PERMISSION_FLAG = process.allowedNodeEnvironmentFlags.has('--permission') ? '--permission' : '--experimental-permission';

interface Pending {
  resolve(text: string): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * Nunjucks in a process of its own, as Backstage keeps it in an isolated-vm isolate: templates
 * come from the catalog, so their authors must not reach JavaScript, the environment or the disk.
 * One sandbox serves one task; close it when the task ends.
 */
export class TemplateSandbox {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private exited: Error | undefined;
  private stderr = '';
  /** Settles when the process has stopped, for whatever reason. */
  readonly stopped: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    private readonly options: Required<SandboxOptions>,
    /** A spare started ahead of need: nothing it does keeps Node running, until `foreground()`. */
    private background: boolean,
    /** How long starting the process and loading Nunjucks took. */
    public startupMs = 0,
  ) {
    child.on('message', (message: { id: number; text: string }) => {
      const waiting = this.pending.get(message.id);
      if (!waiting) return;
      this.settle(message.id);
      waiting.resolve(message.text);
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString('utf8')).slice(-2000);
    });
    this.stopped = new Promise((resolve) => child.once('exit', () => resolve()));
    child.on('exit', (code, signal) => {
      const outOfMemory = /heap out of memory|Allocation failed/i.test(this.stderr);
      this.exited = new TemplateRenderError(
        outOfMemory
          ? `the template needed more than ${this.options.memoryMb} MB of memory to render, so it was stopped`
          : `the template renderer stopped (${signal ?? `exit code ${code}`})`,
      );
      for (const [id, waiting] of [...this.pending]) {
        this.settle(id);
        waiting.reject(this.exited);
      }
    });
    child.on('error', () => undefined);
  }

  /**
   * Starts a sandbox; one started in the `background` (a spare) does not keep Node running, so a
   * process that has finished its work exits without waiting for it.
   */
  static async start(options: SandboxOptions = {}, { background = false } = {}): Promise<TemplateSandbox> {
    const settings = { timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS, memoryMb: options.memoryMb ?? DEFAULT_MEMORY_MB };
    const started = performance.now();
    const child = spawn(process.execPath, [PERMISSION_FLAG, '--no-warnings', `--max-old-space-size=${settings.memoryMb}`, '--disallow-code-generation-from-strings', '-e', CHILD_SOURCE], {
      // No environment variables: tokens and database URLs stay in this process.
      env: {},
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'json',
    });
    const sandbox = new TemplateSandbox(child, settings, background);
    sandbox.idle();
    await sandbox.request({ kind: 'start', timeoutMs: settings.timeoutMs, nunjucks: loadNunjucks(), setup: CONTEXT_SOURCE }, 'starting the template renderer');
    sandbox.startupMs = performance.now() - started;
    return sandbox;
  }

  /** Renders each source with the same values; `name` is what an error calls the source. */
  async renderStrings(items: Array<{ name: string; source: string }>, values: Record<string, unknown>, config: RenderConfig = {}): Promise<string[]> {
    const job = { kind: 'strings', items, values, compat: config.compat, config };
    return (await this.render(job)) as string[];
  }

  /**
   * Renders every string in a step's input (or a template's output) as Backstage does: one whole
   * expression keeps its JSON type, and a string that renders empty is dropped.
   */
  async renderValue(value: unknown, context: Record<string, unknown>, name: string): Promise<unknown> {
    return this.render({ kind: 'value', value, values: context, name });
  }

  /** Renders built-in templates (never a template's own), so that V8 has compiled Nunjucks' hot paths before a task renders: see spare.ts. */
  async warmUp(job: { items: Array<{ name: string; source: string }>; values: Record<string, unknown>; value: unknown }): Promise<void> {
    await this.renderStrings(job.items, job.values);
    await this.renderValue(job.value, job.values, 'warm-up');
  }

  /** A background sandbox handed to a task: from now on a render in flight keeps Node running. */
  foreground(): void {
    this.background = false;
    if (this.pending.size > 0) this.busy();
  }

  /** Whether the process still runs: false once it stopped (out of memory, killed, closed). */
  get running(): boolean {
    return this.exited === undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  close(): void {
    if (!this.exited) this.child.kill('SIGKILL');
  }

  private async render(job: Record<string, unknown>): Promise<unknown> {
    const text = await this.request({ kind: 'render', job: JSON.stringify(job) }, 'rendering');
    const reply = JSON.parse(text) as { ok?: unknown; error?: string; at?: string; timeout?: boolean };
    if (reply.timeout) throw new TemplateRenderError(`the template took longer than ${this.options.timeoutMs / 1000} s to render, so it was stopped (a loop over a huge range, or macros calling themselves?)`);
    if (reply.error !== undefined) throw new TemplateRenderError(describeNunjucksError(reply.error, reply.at));
    return reply.ok;
  }

  private request(message: Record<string, unknown>, what: string): Promise<string> {
    if (this.exited) return Promise.reject(this.exited);
    const id = this.nextId++;
    return new Promise<string>((resolve, reject) => {
      // The sandbox stops a render itself at timeoutMs; this is for a process that stops answering.
      const timer = setTimeout(() => {
        this.settle(id);
        reject(new TemplateRenderError(`the template renderer did not answer within ${(this.options.timeoutMs + 5000) / 1000} s while ${what}, so it was stopped`));
        this.close();
      }, this.options.timeoutMs + 5000);
      this.pending.set(id, { resolve, reject, timer });
      if (this.background) timer.unref();
      else this.busy();
      this.child.send({ id, ...message });
    });
  }

  private settle(id: number): void {
    const waiting = this.pending.get(id);
    if (waiting) clearTimeout(waiting.timer);
    this.pending.delete(id);
    if (this.pending.size === 0) this.idle();
  }

  /** A render in flight keeps Node running, so that its caller hears the answer. */
  private busy(): void {
    for (const { timer } of this.pending.values()) timer.ref();
    this.child.ref();
    (this.child.channel as { ref?: () => void } | undefined)?.ref?.();
    (this.child.stderr as { ref?: () => void } | null)?.ref?.();
  }

  /** An idle sandbox does not keep Node running; a forgotten one dies with its parent. */
  private idle(): void {
    this.child.unref();
    (this.child.channel as { unref?: () => void } | undefined)?.unref?.();
    (this.child.stderr as { unref?: () => void } | null)?.unref?.();
  }
}

/**
 * Nunjucks says `(path) [Line 3, Column 5]\n  Error: message`; this says
 * `path, line 3, column 5: message`, keeping the whole message.
 */
export function describeNunjucksError(message: string, at: string | undefined): string {
  const match = /^\(([^)]*)\)(?: \[Line (\d+), Column (\d+)\])?\s*\n?\s*([\s\S]*)$/.exec(message.trim());
  if (!match) return at ? `${at}: ${message}` : message;
  const where = match[1] && match[1] !== 'unknown path' ? match[1] : (at ?? '');
  const line = match[2] ? `, line ${match[2]}, column ${match[3]}` : '';
  const reason = match[4]!.replace(/^(Template render error: )?(Error: )?/, '').trim();
  return `${where}${line}: ${reason}`;
}

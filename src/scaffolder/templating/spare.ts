import { TemplateSandbox, type SandboxOptions } from './sandbox';

/**
 * A new process renders a skeleton two to three times slower than one that has rendered before:
 * V8 has not yet compiled Nunjucks' lexer, parser and compiler to machine code. These lines use
 * the syntax skeletons and step inputs use (outputs, filters, tags, comments, Helm's braces, plain
 * text), about 3,000 of them, which is enough for V8 to optimise those paths. They are built in,
 * never a template's own, so a warmed sandbox is as untouched as a new one.
 */
const WARM_UP_LINES = [
  "export const value = '${{ values.name }}-1';",
  '# owner: ${{ values.owner | upper }}',
  'image: {{ .Values.image }}:3',
  '// a plain line of text, with \'quotes\', "double quotes", (parens), [brackets] and numbers: 42',
  "{% if values.name and not values.missing %}name: ${{ values.name | lower | replace('-', '_') }}{% else %}none{% endif %}",
  '{% for item in values.list %}- ${{ loop.index }}: ${{ item.key }}={{ item.value }}\n{% endfor %}',
  "{# a comment #}${{ values.name ~ '-' ~ (values.count + 1) }} ${{ values.obj['key'] | default('x') | trim }}",
];
const WARM_UP_FILES = 60;
const WARM_UP = {
  items: Array.from({ length: WARM_UP_FILES }, (_, file) => ({
    name: `warm-up-${file}`,
    source: Array.from({ length: 8 * WARM_UP_LINES.length }, (_, line) => WARM_UP_LINES[(file + line) % WARM_UP_LINES.length]).join('\n'),
  })),
  values: { values: { name: 'warm-up', owner: 'group:default/backline', list: [{ key: 'a', value: 1 }], count: 1, obj: { key: 'v' } } },
  value: { name: '${{ values.name }}', list: ['${{ values.list | length }}', 'text ${{ values.owner }}'] },
};

/** Renders the built-in warm-up templates in the sandbox. */
export function warmUp(sandbox: TemplateSandbox): Promise<void> {
  return sandbox.warmUp(WARM_UP);
}

export interface SpareSandboxOptions extends SandboxOptions {
  /** How long a spare is kept when no task takes it: it is a process of its own, with its memory. */
  idleMs?: number;
}

export const DEFAULT_SPARE_IDLE_MS = 10 * 60_000;

/**
 * Hands each task a template sandbox that was started and warmed up before the task asked, and
 * starts the next one in the background when that task's sandbox stops. A sandbox still serves one task only: the spare is
 * handed out once, and the task closes it. At most one spare exists; none before the first task
 * or after `idleMs` without one, so an installation that never runs templates keeps no process.
 * The spare does not keep Node running, and `close()` stops it.
 */
export class SpareSandboxes {
  private spare: Promise<TemplateSandbox> | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private next: Promise<void> = Promise.resolve();
  private readonly idleMs: number;
  private readonly sandboxOptions: SandboxOptions;

  constructor({ idleMs = DEFAULT_SPARE_IDLE_MS, ...sandboxOptions }: SpareSandboxOptions = {}) {
    this.idleMs = idleMs;
    this.sandboxOptions = sandboxOptions;
  }

  /** A sandbox for one task, which the caller closes: the warmed spare when there is one, else a new one. */
  async take(): Promise<TemplateSandbox> {
    const spare = this.spare;
    this.spare = undefined;
    const ready = spare && (await waitingFor(spare).catch(() => undefined));
    // A spare that failed to start or stopped since (killed, say) is not handed out.
    ready?.foreground();
    const sandbox = ready?.running ? ready : await TemplateSandbox.start(this.sandboxOptions);
    // The next spare starts when this task's sandbox stops: warming it up meanwhile would take
    // CPU from the task it is not for.
    this.next = sandbox.stopped.then(() => {
      this.prepareNext();
      return this.spare?.then(
        () => undefined,
        () => undefined,
      );
    });
    return sandbox;
  }

  /** Settles once the spare that the last task's end started is warm (or failed); for tests and benchmarks. */
  ready(): Promise<void> {
    return waitingFor(this.next);
  }

  /** Stops the spare and starts no other (on shutdown). */
  close(): void {
    this.closed = true;
    clearTimeout(this.idleTimer);
    this.drop();
  }

  private prepareNext(): void {
    if (this.closed || this.spare) return;
    this.spare = TemplateSandbox.start(this.sandboxOptions, { background: true }).then(async (sandbox) => {
      try {
        await warmUp(sandbox);
        return sandbox;
      } catch (error) {
        sandbox.close();
        throw error;
      }
    });
    // Nobody may ever take it: its failure is seen (and a new sandbox started) by take().
    this.spare.catch(() => undefined);
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.drop(), this.idleMs).unref();
  }

  private drop(): void {
    const spare = this.spare;
    this.spare = undefined;
    void spare?.then(
      (sandbox) => sandbox.close(),
      () => undefined,
    );
  }
}

/** A spare starts and warms up without keeping Node running; whoever waits for it must. */
async function waitingFor<T>(promise: Promise<T>): Promise<T> {
  const alive = setInterval(() => undefined, 60_000);
  try {
    return await promise;
  } finally {
    clearInterval(alive);
  }
}

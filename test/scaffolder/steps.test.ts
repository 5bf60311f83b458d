import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import yaml from 'js-yaml';
import { createDebugActions } from '../../src/scaffolder/actions/debug';
import type { Action } from '../../src/scaffolder/actions/types';
import { runTemplate, type RunResult } from '../../src/scaffolder/runner';
import { templateFromEntity } from '../../src/scaffolder/template';

let workspace: string;
beforeEach(async () => {
  workspace = await fs.mkdtemp(path.join(os.tmpdir(), 'backline-steps-'));
});
afterEach(() => fs.rm(workspace, { recursive: true, force: true }));

/** An action that records every input it is called with and answers with `output(input)`. */
function recorder(id: string, output: (input: Record<string, unknown>) => Record<string, unknown> = () => ({}), supportsDryRun = true) {
  const calls: Array<Record<string, unknown>> = [];
  const action: Action = { id, supportsDryRun, run: async ({ input }) => (calls.push(input), output(input)) };
  return { action, calls };
}

async function run(steps: unknown[], actions: Action[], options: { parameters?: Record<string, unknown>; output?: unknown; dryRun?: boolean } = {}) {
  const template = templateFromEntity(
    { apiVersion: 'scaffolder.backstage.io/v1beta3', kind: 'Template', metadata: { name: 'steps' }, spec: { type: 'service', steps, output: options.output ?? {} } },
    { baseDir: null, source: 'steps.yaml' },
  );
  const outputs = new Map<number, Record<string, unknown> | undefined>();
  const log: string[] = [];
  const result: RunResult = await runTemplate({
    template,
    parameters: options.parameters ?? {},
    actions: new Map(actions.map((action) => [action.id, action])),
    user: null,
    workspace,
    dryRun: options.dryRun ?? false,
    previouslyLeftBehind: [],
    hooks: {
      step: async (position, status, detail) => void (status === 'completed' && outputs.set(position, detail.output)),
      log: async (stepId, line) => void log.push(`${stepId}: ${line}`),
      leftBehind: async () => undefined,
    },
  });
  return { result, outputs, log };
}

describe('each:', () => {
  it('runs the step once per item of a list, and collects each output into a list of N entries', async () => {
    const greet = recorder('test:greet', (input) => ({ greeting: `hello ${String(input.who)}`, index: input.index }));
    const { result, outputs } = await run([{ id: 'greet', action: 'test:greet', each: '${{ parameters.people }}', input: { who: '${{ each.value }}', index: '${{ each.key }}' } }], [greet.action], {
      parameters: { people: ['ada', 'grace', 'linus'] },
    });
    expect(result.status).toBe('completed');
    expect(greet.calls).toEqual([
      { who: 'ada', index: '0' },
      { who: 'grace', index: '1' },
      { who: 'linus', index: '2' },
    ]);
    expect(outputs.get(0)).toEqual({ greeting: ['hello ada', 'hello grace', 'hello linus'], index: ['0', '1', '2'] });
  });

  it('iterates a mapping by its keys and values, and later steps read the collected outputs', async () => {
    const tag = recorder('test:tag', (input) => ({ pair: `${String(input.key)}=${String(input.value)}` }));
    const last = recorder('test:last');
    const { result } = await run(
      [
        { id: 'tag', action: 'test:tag', each: { team: 'payments', tier: 1 }, input: { key: '${{ each.key }}', value: '${{ each.value }}' } },
        { id: 'last', action: 'test:last', input: { pairs: '${{ steps.tag.output.pair }}' } },
      ],
      [tag.action, last.action],
    );
    expect(result.status).toBe('completed');
    expect(last.calls).toEqual([{ pairs: ['team=payments', 'tier=1'] }]);
  });

  it('judges if: for each item and runs only the items it holds for', async () => {
    const greet = recorder('test:greet', (input) => ({ who: input.who }));
    const { outputs, log } = await run([{ id: 'greet', action: 'test:greet', each: ['ada', 'skip-me', 'grace'], if: "${{ each.value != 'skip-me' }}", input: { who: '${{ each.value }}' } }], [greet.action]);
    expect(greet.calls.map((call) => call.who)).toEqual(['ada', 'grace']);
    expect(outputs.get(0)).toEqual({ who: ['ada', 'grace'] });
    expect(log).toContain('greet: skipping each: {"key":"1","value":"skip-me"}');
  });

  it('fails the step, running nothing, when each: does not resolve to a list or a mapping', async () => {
    const greet = recorder('test:greet');
    const { result } = await run([{ id: 'greet', action: 'test:greet', each: '${{ parameters.missing }}', input: {} }], [greet.action]);
    expect(result.status).toBe('failed');
    expect(result.failedStep).toBe('greet');
    expect(result.error).toBe("The step greet's each: ${{ parameters.missing }} cannot be resolved to a list or a mapping");
    expect(greet.calls).toEqual([]);
  });
});

describe('if:', () => {
  it('skips a step whose condition is false, and runs the next one', async () => {
    const first = recorder('test:first');
    const second = recorder('test:second');
    const { result } = await run(
      [
        { id: 'first', action: 'test:first', if: '${{ parameters.wanted }}', input: {} },
        { id: 'second', action: 'test:second', if: true, input: {} },
      ],
      [first.action, second.action],
      { parameters: { wanted: false } },
    );
    expect(result.steps.map((step) => step.status)).toEqual(['skipped', 'completed']);
    expect(first.calls).toEqual([]);
    expect(second.calls).toHaveLength(1);
  });
});

describe('a step that cannot run', () => {
  it('stops the run before its first step, naming the step and the action', async () => {
    const first = recorder('test:first');
    const { result } = await run(
      [
        { id: 'first', action: 'test:first', input: {} },
        { id: 'notify', name: 'Notify', action: 'notification:send', input: {} },
      ],
      [first.action],
    );
    expect(first.calls).toEqual([]);
    expect(result.steps.map((step) => step.status)).toEqual(['pending', 'failed']);
    expect(result.error).toBe('The step "Notify" (notify) uses the action notification:send, which Backline does not run (docs/templates.md lists the actions it runs). Nothing was created.');
  });

  it('stops before its first step when an action is unavailable on this installation', async () => {
    const first = recorder('test:first');
    const { result } = await run(
      [
        { id: 'first', action: 'test:first', input: {} },
        { id: 'label', action: 'github:issues:label', input: {} },
      ],
      [first.action, { id: 'github:issues:label', unavailable: 'GitHub is not configured', run: async () => ({}) }],
    );
    expect(first.calls).toEqual([]);
    expect(result.error).toBe('The step "label" (label) uses the action github:issues:label, which cannot run here: GitHub is not configured. Nothing was created.');
  });
});

describe('a dry run', () => {
  it('does not call actions that change the world, marks their steps simulated, and links to nothing they would have made', async () => {
    const render = recorder('test:render', () => ({ files: ['README.md'] }));
    const publish = recorder('test:publish', () => ({ remoteUrl: 'https://github.example/acme/never' }), false);
    const { result, log } = await run(
      [
        { id: 'render', action: 'test:render', input: {} },
        { id: 'publish', action: 'test:publish', input: {} },
      ],
      [render.action, publish.action],
      { dryRun: true, output: { links: [{ title: 'Repository', url: '${{ steps.publish.output.remoteUrl }}' }] } },
    );
    expect(result.status).toBe('completed');
    expect(result.steps.map((step) => [step.id, step.status])).toEqual([
      ['render', 'completed'],
      ['publish', 'simulated'],
    ]);
    expect(publish.calls).toEqual([]);
    expect(result.output).toEqual({ links: [], text: [], entityRef: null });
    expect(log).toContain('publish: simulated: test:publish changes things outside the workspace, so a dry run does not call it');
  });
});

describe('debug:wait', () => {
  it('waits what the step asks, and refuses more than ten minutes', async () => {
    const waited: number[] = [];
    const actions = createDebugActions({ sleep: async (ms) => void waited.push(ms) });
    const ok = await run([{ id: 'wait', action: 'debug:wait', input: { seconds: 2, milliseconds: 5 } }], actions);
    expect(ok.result.status).toBe('completed');
    expect(waited).toEqual([2005]);
    const long = await run([{ id: 'wait', action: 'debug:wait', input: { minutes: 11 } }], actions);
    expect(long.result.error).toBe('debug:wait waits at most 10 minutes; this step asks for 660 s');
    expect(waited).toEqual([2005]);
  });
});

describe('debug:log', () => {
  it('logs its message and, when asked, the workspace file names', async () => {
    await fs.mkdir(path.join(workspace, 'src'));
    await fs.writeFile(path.join(workspace, 'src', 'index.ts'), 'export {};\n');
    const { log } = await run([{ id: 'log', action: 'debug:log', input: { message: 'hello', listWorkspace: true } }], createDebugActions());
    expect(log).toEqual(['log: hello', 'log: src/index.ts']);
  });
});

// A template written in YAML, as authors write it, keeps each: on the step.
it('keeps each: when a template is read from YAML', () => {
  const entity = yaml.load(`apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata: { name: y }\nspec:\n  type: service\n  steps:\n    - { id: a, action: debug:log, each: '\${{ parameters.items }}', input: { message: '\${{ each.value }}' } }\n`);
  expect(templateFromEntity(entity, { baseDir: null, source: 'y' }).steps[0]!.each).toBe('${{ parameters.items }}');
});

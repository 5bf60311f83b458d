import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { silentLogger } from '../src/logger';
import { createGitHubPublisher } from '../src/scaffolder/actions/publishGithub';
import { composeScaffolder, createGitHubWriter } from '../src/scaffolder/compose';
import type { TaskStore } from '../src/scaffolder/tasks';
import { TemplateSandbox } from '../src/scaffolder/templating/sandbox';
import { SpareSandboxes, warmUp } from '../src/scaffolder/templating/spare';
import { MemoryGitHubCacheStore } from '../src/sources/github/cache';
import { startFakeGitHub } from '../test/support/fakeGithub';
import { Prng } from './lib/prng';
import { ms, ratio, summarise } from './lib/stats';

/**
 * The scaffolder: a dry run of a 200-file skeleton (render into a temporary folder and list the
 * files) against a plain copy of the same files measured in the same run, as serve runs it: with
 * a warmed spare sandbox ready (the copy is timed once it is, so the warm-up does not slow the
 * baseline), and once right after another dry run, while the spare is still warming up. Then the
 * start-up and warm-up of a sandbox, which every task pays (ahead of it when a spare is ready), and
 * the GitHub calls one publish makes for 10, 50 and 200 files against the loopback fake GitHub.
 *
 *   node <out>/bench/scaffolder.bench.js [--files 200] [--runs 7] [--seed 42]
 */

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const at = args.indexOf(`--${name}`);
  return at === -1 ? fallback : Number(args[at + 1]);
};
const FILES = option('files', 200);
const RUNS = option('runs', 7);
const SEED = option('seed', 42);

/** A skeleton of `files` seeded text files in nested folders: most templated, some with Helm-style braces. */
async function writeSkeleton(root: string, name: string, files: number, seed: number): Promise<string> {
  const prng = new Prng(seed);
  const dir = path.join(root, name);
  await fs.mkdir(path.join(dir, 'skeleton'), { recursive: true });
  await fs.writeFile(
    path.join(dir, 'template.yaml'),
    `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata: { name: ${name} }
spec:
  type: service
  parameters:
    - required: [name, repoUrl]
      properties:
        name: { type: string }
        owner: { type: string }
        repoUrl: { type: string, ui:field: RepoUrlPicker }
  steps:
    - id: fetch
      action: fetch:template
      input:
        url: ./skeleton
        copyWithoutTemplating: [.github/workflows/*]
        values: { name: '\${{ parameters.name }}', owner: '\${{ parameters.owner }}' }
`,
  );
  for (let i = 0; i < files; i++) {
    const folder = i % 10 === 0 ? '.github/workflows' : `src/area-${prng.int(1, 12)}/part-${prng.int(1, 4)}`;
    const lines: string[] = [];
    const count = prng.int(10, 80);
    for (let line = 0; line < count; line++) {
      const kind = prng.int(0, 9);
      lines.push(kind < 5 ? `export const value${line} = '\${{ values.name }}-${line}';` : kind < 7 ? `# owner: \${{ values.owner | upper }}` : kind < 8 ? `image: {{ .Values.image }}:${line}` : `// line ${line} of a plain file ${prng.int(0, 1e6)}`);
    }
    await fs.mkdir(path.join(dir, 'skeleton', folder), { recursive: true });
    await fs.writeFile(path.join(dir, 'skeleton', folder, i % 17 === 0 ? `\${{ values.name }}-${i}.ts` : `file-${i}.ts`), `${lines.join('\n')}\n`);
  }
  return dir;
}

// The dry run and the call counting need no database: nothing is stored.
const noStore = new Proxy({}, { get: () => () => Promise.reject(new Error('the benchmark stores nothing')) }) as TaskStore;
const emptyCatalog = { findByName: async () => [], getByRef: async () => undefined, getManyByRef: async () => [], findByNamePrefix: async () => [] };

async function main(): Promise<void> {
  const scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'backline-scaffolder-bench-'));
  try {
    console.log(`== ${os.cpus().length} CPUs, load average ${os.loadavg().map((n) => n.toFixed(2)).join(' ')}, node ${process.version}`);
    const templates = path.join(scratch, 'templates');
    const big = await writeSkeleton(templates, 'bench-200', FILES, SEED);
    const spares = new SpareSandboxes();
    const scaffolder = composeScaffolder({
      settings: { templatesDir: templates, localReposDir: path.join(scratch, 'repos'), allowedGroups: [] },
      store: noStore,
      catalog: emptyCatalog,
      ingest: async () => Promise.reject(new Error('not in a dry run')),
      logger: silentLogger,
      workspaceRoot: path.join(scratch, 'work'),
      spareSandboxes: spares,
    });
    const template = await scaffolder.template('bench-200');
    const values = { name: 'ledger', owner: 'group:default/payments', repoUrl: 'github.com?owner=acme&repo=ledger' };

    // Warm up both paths once (module loading, the first sandbox process).
    await scaffolder.dryRun(template, values);
    await fs.cp(path.join(big, 'skeleton'), path.join(scratch, 'copy-warm'), { recursive: true });

    const dry: number[] = [];
    const copy: number[] = [];
    let files = 0;
    for (let run = 0; run < RUNS; run++) {
      await spares.ready();
      let started = performance.now();
      const result = await scaffolder.dryRun(template, values);
      dry.push(performance.now() - started);
      files = result.files.length;
      if (result.result.status !== 'completed') throw new Error(`dry run failed: ${result.result.error}`);
      await spares.ready();
      const target = path.join(scratch, `copy-${run}`);
      started = performance.now();
      await fs.cp(path.join(big, 'skeleton'), target, { recursive: true });
      await fs.readdir(target, { recursive: true });
      copy.push(performance.now() - started);
      await fs.rm(target, { recursive: true, force: true });
    }
    const dryMedian = summarise(dry).p50;
    const copyMedian = summarise(copy).p50;
    console.log(`dry-run of a ${files}-file skeleton: median ${ms(dryMedian)} ms (p95 ${ms(summarise(dry).p95)} ms) over ${RUNS} runs`);
    console.log(`baseline, a plain copy of the same files and a listing: median ${ms(copyMedian)} ms; dry-run / copy = ${ratio(dryMedian, copyMedian)}`);

    const backToBack: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      await spares.ready();
      await scaffolder.dryRun(template, values);
      const started = performance.now();
      await scaffolder.dryRun(template, values);
      backToBack.push(performance.now() - started);
    }
    console.log(`a dry run right after another (its spare still warming up): median ${ms(summarise(backToBack).p50)} ms (p95 ${ms(summarise(backToBack).p95)} ms); / copy = ${ratio(summarise(backToBack).p50, copyMedian)}`);
    await spares.ready();
    spares.close();

    const startups: number[] = [];
    const warmUps: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const sandbox = await TemplateSandbox.start();
      startups.push(sandbox.startupMs);
      const started = performance.now();
      await warmUp(sandbox);
      warmUps.push(performance.now() - started);
      sandbox.close();
    }
    console.log(`template sandbox per task (a process with Nunjucks loaded), ahead of the task when a spare is ready: start-up median ${ms(summarise(startups).p50)} ms (p95 ${ms(summarise(startups).p95)} ms), warm-up median ${ms(summarise(warmUps).p50)} ms (p95 ${ms(summarise(warmUps).p95)} ms)`);

    // GitHub calls per publish, against the loopback fake.
    const github = await startFakeGitHub();
    github.addOrg('acme');
    try {
      const api = createGitHubWriter({ apiUrl: github.url, auth: { kind: 'token', token: 'ghp_backline_test' }, cache: new MemoryGitHubCacheStore() });
      const publisher = createGitHubPublisher({ api, webUrl: github.web });
      console.log('files  GitHub calls  ms');
      for (const size of [10, 50, FILES]) {
        const dir = await writeSkeleton(path.join(scratch, `calls-${size}`), `calls-${size}`, size, SEED);
        const workspace = path.join(dir, 'skeleton');
        github.resetRecords();
        const started = performance.now();
        await publisher.run({
          input: { repoUrl: `${new URL(github.web).host}?owner=acme&repo=calls-${size}`, description: 'bench' },
          workspace,
          templateDir: dir,
          templateName: `calls-${size}`,
          log: () => undefined,
          previouslyLeftBehind: [],
          leave: () => undefined,
          dryRun: false,
          publishedRepositories: [],
        });
        const elapsed = performance.now() - started;
        const published = Object.keys(github.repository('acme', `calls-${size}`)?.files ?? {}).length;
        console.log(`${String(published).padStart(5)}  ${String(github.requests.length).padStart(12)}  ${ms(elapsed)}`);
      }
    } finally {
      await github.close();
    }
    console.log(`== load average after ${os.loadavg().map((n) => n.toFixed(2)).join(' ')}`);
  } finally {
    await fs.rm(scratch, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

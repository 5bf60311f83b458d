import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { startFakeGitHub } from '../../test/support/fakeGithub';
import { startFakeSlack } from '../../test/support/fakeSlack';
import { cleanOrganisation, hostileOrganisation, type SeedRepo } from './hostileCatalog';

/**
 * The loopback fake GitHub (test/support/fakeGithub.ts) and fake Slack Web API
 * (test/support/fakeSlack.ts) in a worker thread, so that answering, hashing and serialising
 * megabytes of catalog files neither queues behind the benchmark's own timers nor shows in the
 * CPU of the `serve` being measured. Both organisations are seeded inside the worker: the files
 * never cross threads.
 */
export const GITHUB_TOKEN = 'ghp_backline_bench';

export interface FakesOptions {
  repos: number;
  seed: number;
  latencyMs: number;
  maxFileBytes: number;
  orgs: { clean: string; hostile: string; elsewhere: string };
}

/** What was seeded into one organisation. */
export interface SeededOrg {
  repos: number;
  files: number;
  bytes: number;
  largestFileBytes: number;
  attacks: Record<string, number>;
}

export interface RunningFakes {
  githubUrl: string;
  slackUrl: string;
  /** A response_url the fake Slack accepts; append an id per slash command. */
  responseUrlBase: string;
  seeded: { clean: SeededOrg; hostile: SeededOrg };
  requestCount(): Promise<number>;
  close(): Promise<void>;
}

interface Ready {
  githubUrl: string;
  slackUrl: string;
  responseUrlBase: string;
  seeded: RunningFakes['seeded'];
}

export async function startFakes(options: FakesOptions): Promise<RunningFakes> {
  const worker = new Worker(__filename, { workerData: { role: 'bench-fakes', options } });
  const pending = new Map<number, (value: unknown) => void>();
  let sequence = 0;
  const ready = await new Promise<Ready>((resolve, reject) => {
    worker.once('error', reject);
    worker.on('message', (message: { id?: number; result?: unknown; ready?: Ready }) => {
      if (message.ready) resolve(message.ready);
      else pending.get(message.id!)?.(message.result);
    });
  });
  const call = <T>(method: string) =>
    new Promise<T>((resolve) => {
      const id = ++sequence;
      pending.set(id, resolve as (value: unknown) => void);
      worker.postMessage({ id, method });
    });
  return {
    ...ready,
    requestCount: () => call<number>('requestCount'),
    close: async () => {
      await call('close');
      await worker.terminate();
    },
  };
}

function describe(repos: SeedRepo[]): SeededOrg {
  const sizes = repos.flatMap((repo) => Object.values(repo.files).map((text) => Buffer.byteLength(text)));
  const attacks: Record<string, number> = {};
  for (const repo of repos) attacks[repo.attack] = (attacks[repo.attack] ?? 0) + 1;
  return { repos: repos.length, files: sizes.length, bytes: sizes.reduce((sum, size) => sum + size, 0), largestFileBytes: Math.max(...sizes), attacks };
}

async function serveFakes(options: FakesOptions): Promise<void> {
  const github = await startFakeGitHub({ latencyMs: options.latencyMs, tokens: [GITHUB_TOKEN], rateLimit: 10_000_000 });
  const slack = await startFakeSlack();
  const clean = cleanOrganisation(options.repos, options.seed);
  const hostile = hostileOrganisation(options.repos, options.seed, { maxFileBytes: options.maxFileBytes, web: github.web, elsewhere: options.orgs.elsewhere });
  for (const repo of clean) github.addRepo(options.orgs.clean, repo.name, { files: repo.files });
  for (const repo of hostile) github.addRepo(options.orgs.hostile, repo.name, { files: repo.files });
  github.addRepo(options.orgs.elsewhere, 'secrets', {
    files: { 'token.txt': 'ghp_not_for_catalogs', 'catalog-info.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: planted\nspec:\n  type: team\n  children: []\n' },
  });
  const methods: Record<string, () => unknown> = {
    requestCount: () => github.requests.length,
    close: async () => {
      await github.close();
      await slack.close();
    },
  };
  parentPort!.on('message', async (message: { id: number; method: string }) => {
    parentPort!.postMessage({ id: message.id, result: await methods[message.method]!() });
  });
  const ready: Ready = { githubUrl: github.url, slackUrl: slack.url, responseUrlBase: slack.responseUrl('command-'), seeded: { clean: describe(clean), hostile: describe(hostile) } };
  parentPort!.postMessage({ ready });
}

if (!isMainThread && (workerData as { role?: string } | null)?.role === 'bench-fakes') {
  void serveFakes((workerData as { options: FakesOptions }).options);
}

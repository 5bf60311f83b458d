import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ingest } from '../../src/catalog/ingest';
import { PgCatalogStore } from '../../src/catalog/PgCatalogStore';
import { silentLogger } from '../../src/logger';
import { composeScaffolder } from '../../src/scaffolder/compose';
import { PgTaskStore } from '../../src/scaffolder/PgTaskStore';
import type { Scaffolder } from '../../src/scaffolder/service';
import { useTestDatabase } from '../support/testDatabase';
import { minimalTemplate } from './templateFixtures';

const db = useTestDatabase();
let scratch: string;
let scaffolder: Scaffolder;

const TEMPLATE = minimalTemplate('local-repo', { action: 'publish:local' });

function compose(options: { workspaceRoot?: string } = {}): Scaffolder {
  const catalog = PgCatalogStore.create({ pool: db().pool });
  return composeScaffolder({
    settings: { templatesDir: path.join(scratch, 'templates'), localReposDir: path.join(scratch, 'repositories'), allowedGroups: [] },
    store: PgTaskStore.create({ pool: db().pool }),
    catalog,
    ingest: (root) => ingest([root], { store: catalog, maxBytes: 64 * 1024 }),
    logger: silentLogger,
    workspaceRoot: options.workspaceRoot,
  });
}

beforeAll(async () => {
  scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'backline-tasks-'));
  const dir = path.join(scratch, 'templates', 'local-repo');
  await fs.mkdir(path.join(dir, 'skeleton'), { recursive: true });
  await fs.writeFile(path.join(dir, 'template.yaml'), TEMPLATE);
  await fs.writeFile(path.join(dir, 'skeleton', 'README.md'), '# ${{ values.name }}\n');
  scaffolder = compose();
});

afterAll(() => fs.rm(scratch, { recursive: true, force: true }));

async function newTask(name: string, on: Scaffolder = scaffolder) {
  return on.create(await on.template('local-repo'), { name, repoUrl: `github.com?owner=acme&repo=${name}` }, { slackUserId: null, userRef: null });
}

describe('publish:local', () => {
  it("commits as Backline whatever git identity Backline's own environment carries, since git sees only PATH and HOME", async () => {
    const saved = { ...process.env };
    Object.assign(process.env, { GIT_AUTHOR_NAME: 'From The Environment', GIT_AUTHOR_EMAIL: 'env@example.com', GIT_COMMITTER_NAME: 'From The Environment', GIT_COMMITTER_EMAIL: 'env@example.com' });
    try {
      const task = await newTask('env-free');
      expect((await scaffolder.run(task.id)).status).toBe('completed');
    } finally {
      for (const name of ['GIT_AUTHOR_NAME', 'GIT_AUTHOR_EMAIL', 'GIT_COMMITTER_NAME', 'GIT_COMMITTER_EMAIL']) {
        if (saved[name] === undefined) delete process.env[name];
        else process.env[name] = saved[name];
      }
    }
    const repository = path.join(scratch, 'repositories', 'acme', 'env-free');
    expect(execFileSync('git', ['-C', repository, 'log', '--format=%an <%ae> / %cn <%ce>'], { encoding: 'utf8' }).trim()).toBe('Backline <backline@localhost> / Backline <backline@localhost>');
  });
});

describe('task attempts', () => {
  it('starts an attempt only of an open or failed task, in one statement', async () => {
    const task = await newTask('attempted-once');
    const store = PgTaskStore.create({ pool: db().pool });
    const steps = task.steps.map((step) => ({ id: step.id, name: step.name, action: step.action }));
    expect(await store.startAttempt(task.id, steps)).toBe(1);
    expect(await store.startAttempt(task.id, steps)).toBeNull();
    await store.finish(task.id, { status: 'failed', output: null, error: 'it broke', failedStep: 'publish' });
    expect(await store.startAttempt(task.id, steps)).toBe(2);
  });

  it('runs a task once when two runs of it start together, and refuses the other as running already', async () => {
    const task = await newTask('pressed-twice');
    const runs = await Promise.allSettled([scaffolder.run(task.id), scaffolder.run(task.id)]);
    const fulfilled = runs.filter((run) => run.status === 'fulfilled');
    const rejected = runs.filter((run): run is PromiseRejectedResult => run.status === 'rejected');
    expect(fulfilled.map((run) => run.value.status)).toEqual(['completed']);
    expect(rejected.map((run) => (run.reason as Error).message)).toEqual(['This task is running already.']);
    expect((await scaffolder.task(task.id)).attempts).toBe(1);
  });

  it('marks the task failed when its workspace cannot be made, rather than leaving it processing', async () => {
    const blocker = path.join(scratch, 'not-a-folder');
    await fs.writeFile(blocker, 'a file where the workspace root should be');
    const broken = compose({ workspaceRoot: path.join(blocker, 'workspaces') });
    const task = await newTask('no-workspace', broken);
    const finished = await broken.run(task.id);
    expect(finished.status).toBe('failed');
    expect(finished.error).toMatch(/^Backline failed while running the task: ENOTDIR/);
    const { rows } = await db().pool.query('SELECT status FROM scaffolder_tasks WHERE id = $1::text', [task.id]);
    expect(rows).toEqual([{ status: 'failed' }]);
  });
});

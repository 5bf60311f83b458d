import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ingest } from '../../src/catalog/ingest';
import { PgCatalogStore } from '../../src/catalog/PgCatalogStore';
import { silentLogger } from '../../src/logger';
import type { Action } from '../../src/scaffolder/actions/types';
import { composeScaffolder } from '../../src/scaffolder/compose';
import { PgTaskStore } from '../../src/scaffolder/PgTaskStore';
import { runTemplate } from '../../src/scaffolder/runner';
import { templateFromEntity } from '../../src/scaffolder/template';
import { useTestDatabase } from '../support/testDatabase';

const TOKEN = 'ghp-secret-token-7c1d9e';
const db = useTestDatabase();
let scratch: string;
beforeAll(async () => {
  scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'backline-secrets-'));
});
afterAll(() => fs.rm(scratch, { recursive: true, force: true }));

describe('${{ secrets.x }} in step inputs', () => {
  it('gives a step the secret, as Backstage renders inputs with the secrets in scope', async () => {
    const inputs: Array<Record<string, unknown>> = [];
    const recorder: Action = { id: 'test:record', supportsDryRun: true, run: async ({ input }) => (inputs.push(input), {}) };
    const template = templateFromEntity(
      {
        apiVersion: 'scaffolder.backstage.io/v1beta3',
        kind: 'Template',
        metadata: { name: 'secrets' },
        spec: { type: 'service', steps: [{ id: 'use', action: 'test:record', input: { token: '${{ secrets.token }}', header: 'Bearer ${{ secrets.token }}', missing: '${{ secrets.other }}' } }] },
      },
      { baseDir: null, source: 'secrets.yaml' },
    );
    const result = await runTemplate({
      template,
      parameters: {},
      secrets: { token: TOKEN },
      actions: new Map([[recorder.id, recorder]]),
      user: null,
      workspace: scratch,
      dryRun: false,
      previouslyLeftBehind: [],
      hooks: { step: async () => undefined, log: async () => undefined, leftBehind: async () => undefined },
    });
    expect(result.status).toBe('completed');
    expect(inputs).toEqual([{ token: TOKEN, header: `Bearer ${TOKEN}` }]);
  });

  it("reaches the step from a task's Secret field but never the stored task, its steps or its log", async () => {
    const dir = path.join(scratch, 'templates', 'with-secret');
    await fs.mkdir(dir, { recursive: true });
    await fs.writeFile(
      path.join(dir, 'template.yaml'),
      `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata: { name: with-secret }
spec:
  type: service
  parameters:
    - required: [name, token]
      properties:
        name: { type: string }
        token: { type: string, ui:field: Secret }
  steps:
    - id: announce
      action: debug:log
      input: { message: 'token of \${{ secrets.token | length }} characters for \${{ parameters.name }}: \${{ secrets.token }}' }
`,
    );
    const catalog = PgCatalogStore.create({ pool: db().pool });
    const scaffolder = composeScaffolder({
      settings: { templatesDir: path.join(scratch, 'templates'), localReposDir: path.join(scratch, 'repositories'), allowedGroups: [] },
      store: PgTaskStore.create({ pool: db().pool }),
      catalog,
      ingest: (root) => ingest([root], { store: catalog, maxBytes: 64 * 1024 }),
      logger: silentLogger,
    });
    try {
      const task = await scaffolder.create(await scaffolder.template('with-secret'), { name: 'ledger', token: TOKEN }, { slackUserId: null, userRef: null });
      expect((await scaffolder.run(task.id)).status).toBe('completed');

      const rows = (await db().pool.query(`SELECT * FROM scaffolder_tasks WHERE id = $1`, [task.id])).rows;
      const steps = (await db().pool.query(`SELECT * FROM scaffolder_task_steps WHERE task_id = $1`, [task.id])).rows;
      const log = (await db().pool.query(`SELECT line FROM scaffolder_task_log WHERE task_id = $1`, [task.id])).rows.map((row: { line: string }) => row.line);
      expect(rows[0].parameters).toEqual({ name: 'ledger' });
      expect(log).toEqual([`token of ${TOKEN.length} characters for ledger: ***`]);
      expect(JSON.stringify([rows, steps, log])).not.toContain(TOKEN);
    } finally {
      scaffolder.close();
    }
  });
});

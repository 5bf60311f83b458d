import type pg from 'pg';
import { withTransaction } from '../db/pool';
import type { LeftBehind, Requester, StepStatus, Task, TaskOutput, TaskStatus, TaskStep, TaskStore } from './tasks';

interface TaskRow {
  id: string;
  template_name: string;
  template_source: string;
  parameters: Record<string, unknown>;
  requested_by: Requester;
  status: TaskStatus;
  attempts: number;
  progress_message: { channel: string; ts: string } | null;
  output: TaskOutput | null;
  error: string | null;
  failed_step: string | null;
  left_behind: LeftBehind[];
  created_at: Date;
}

interface StepRow {
  step_id: string;
  name: string;
  action: string;
  status: StepStatus;
  error: string | null;
}

type StepPlan = Array<Omit<TaskStep, 'status' | 'error'>>;

export class PgTaskStore implements TaskStore {
  private constructor(private readonly pool: pg.Pool) {}

  static create(options: { pool: pg.Pool }): PgTaskStore {
    return new PgTaskStore(options.pool);
  }

  async create(task: { id: string; templateName: string; templateSource: string; parameters: Record<string, unknown>; requestedBy: Requester; steps: StepPlan }): Promise<Task> {
    await withTransaction(this.pool, async (client) => {
      await client.query(
        `INSERT INTO scaffolder_tasks (id, template_name, template_source, parameters, requested_by, status, left_behind)
         VALUES ($1::text, $2::text, $3::text, $4::jsonb, $5::jsonb, 'open', '[]'::jsonb)`,
        [task.id, task.templateName, task.templateSource, JSON.stringify(task.parameters), JSON.stringify(task.requestedBy)],
      );
      await insertSteps(client, task.id, task.steps);
    });
    return (await this.get(task.id))!;
  }

  async startAttempt(taskId: string, steps: StepPlan): Promise<number | null> {
    return withTransaction(this.pool, async (client) => {
      // The status check and the change are one statement: of two Retry presses, one gets the row.
      const { rows } = await client.query<{ attempts: number }>(
        `UPDATE scaffolder_tasks SET status = 'processing', attempts = attempts + 1, started_at = now(), finished_at = NULL, error = NULL, failed_step = NULL, output = NULL
         WHERE id = $1::text AND status IN ('open', 'failed') RETURNING attempts`,
        [taskId],
      );
      if (!rows[0]) return null;
      await client.query('DELETE FROM scaffolder_task_steps WHERE task_id = $1::text', [taskId]);
      await insertSteps(client, taskId, steps);
      return rows[0].attempts;
    });
  }

  async updateStep(taskId: string, position: number, change: { status: StepStatus; output?: Record<string, unknown> | null; error?: string | null }): Promise<void> {
    await this.pool.query(
      `UPDATE scaffolder_task_steps
       SET status = $3::text,
           output = COALESCE($4::jsonb, output),
           error = $5::text,
           started_at = CASE WHEN $3::text = 'running' THEN now() ELSE started_at END,
           finished_at = CASE WHEN $3::text IN ('completed', 'failed', 'skipped') THEN now() ELSE finished_at END
       WHERE task_id = $1::text AND position = $2::int`,
      [taskId, position, change.status, change.output === undefined || change.output === null ? null : JSON.stringify(change.output), change.error ?? null],
    );
  }

  async log(taskId: string, attempt: number, stepId: string | null, line: string): Promise<void> {
    await this.pool.query('INSERT INTO scaffolder_task_log (task_id, attempt, step_id, line) VALUES ($1::text, $2::int, $3::text, $4::text)', [taskId, attempt, stepId, line]);
  }

  async setLeftBehind(taskId: string, leftBehind: LeftBehind[]): Promise<void> {
    await this.pool.query('UPDATE scaffolder_tasks SET left_behind = $2::jsonb WHERE id = $1::text', [taskId, JSON.stringify(leftBehind)]);
  }

  async finish(taskId: string, result: { status: 'completed' | 'failed'; output: TaskOutput | null; error: string | null; failedStep: string | null }): Promise<void> {
    await this.pool.query(
      `UPDATE scaffolder_tasks SET status = $2::text, output = $3::jsonb, error = $4::text, failed_step = $5::text, finished_at = now() WHERE id = $1::text`,
      [taskId, result.status, result.output ? JSON.stringify(result.output) : null, result.error, result.failedStep],
    );
  }

  async setProgressMessage(taskId: string, message: { channel: string; ts: string }): Promise<void> {
    await this.pool.query('UPDATE scaffolder_tasks SET progress_message = $2::jsonb WHERE id = $1::text', [taskId, JSON.stringify(message)]);
  }

  async get(taskId: string): Promise<Task | undefined> {
    const { rows } = await this.pool.query<TaskRow>(
      `SELECT id, template_name, template_source, parameters, requested_by, status, attempts, progress_message, output, error, failed_step, left_behind, created_at
       FROM scaffolder_tasks WHERE id = $1::text`,
      [taskId],
    );
    const row = rows[0];
    if (!row) return undefined;
    const steps = await this.pool.query<StepRow>('SELECT step_id, name, action, status, error FROM scaffolder_task_steps WHERE task_id = $1::text ORDER BY position', [taskId]);
    return toTask(row, steps.rows);
  }

  async logOf(taskId: string): Promise<Array<{ attempt: number; stepId: string | null; line: string }>> {
    const { rows } = await this.pool.query<{ attempt: number; step_id: string | null; line: string }>('SELECT attempt, step_id, line FROM scaffolder_task_log WHERE task_id = $1::text ORDER BY seq', [taskId]);
    return rows.map((row) => ({ attempt: row.attempt, stepId: row.step_id, line: row.line }));
  }
}

async function insertSteps(client: pg.PoolClient, taskId: string, steps: StepPlan): Promise<void> {
  await client.query(
    `INSERT INTO scaffolder_task_steps (task_id, position, step_id, name, action, status)
     SELECT $1::text, position - 1, step_id, name, action, 'pending'
     FROM unnest($2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS step(step_id, name, action, position)`,
    [taskId, steps.map((step) => step.id), steps.map((step) => step.name), steps.map((step) => step.action)],
  );
}

function toTask(row: TaskRow, steps: StepRow[]): Task {
  return {
    id: row.id,
    templateName: row.template_name,
    templateSource: row.template_source,
    parameters: row.parameters,
    requestedBy: row.requested_by,
    status: row.status,
    attempts: row.attempts,
    steps: steps.map((step) => ({ id: step.step_id, name: step.name, action: step.action, status: step.status, error: step.error })),
    output: row.output,
    error: row.error,
    failedStep: row.failed_step,
    leftBehind: row.left_behind,
    progressMessage: row.progress_message,
    createdAt: row.created_at,
  };
}

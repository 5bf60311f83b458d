/** A scaffolder task: one run of a template with the values someone submitted, and its retries. */

export type TaskStatus = 'open' | 'processing' | 'completed' | 'failed';
/** `simulated` is a dry run's: the step's action would change the world, so it was not called. */
export type StepStatus = 'pending' | 'running' | 'completed' | 'failed' | 'skipped' | 'simulated';

export interface TaskStep {
  id: string;
  name: string;
  action: string;
  status: StepStatus;
  error: string | null;
}

export interface OutputLink {
  title: string;
  url: string;
}

export interface TaskOutput {
  links: OutputLink[];
  text: Array<{ title: string; content: string }>;
  /** The entity the task registered, when it registered one. */
  entityRef: string | null;
}

/**
 * Something an attempt created that outlives it: a repository on GitHub or on disk. A failure
 * names it, and a retry picks it up (an empty repository it created is filled rather than refused).
 */
export interface LeftBehind {
  /** A branch is what a pull request step pushed before the pull request itself was opened. */
  kind: 'repository' | 'branch';
  /** What it is, for people: "the GitHub repository acme/payments (https://…)". */
  description: string;
  /** Identifies it across attempts, e.g. github:acme/payments. */
  key: string;
  /** Whether the attempt finished with it (files pushed) or left it half done. */
  complete: boolean;
}

export interface Requester {
  slackUserId: string | null;
  /** The requester's catalog User, when known. */
  userRef: string | null;
}

export interface Task {
  id: string;
  templateName: string;
  templateSource: string;
  parameters: Record<string, unknown>;
  requestedBy: Requester;
  status: TaskStatus;
  attempts: number;
  steps: TaskStep[];
  output: TaskOutput | null;
  error: string | null;
  failedStep: string | null;
  leftBehind: LeftBehind[];
  progressMessage: { channel: string; ts: string } | null;
  createdAt: Date;
}

/** Where tasks, their steps and logs are kept. */
export interface TaskStore {
  create(task: { id: string; templateName: string; templateSource: string; parameters: Record<string, unknown>; requestedBy: Requester; steps: Array<Omit<TaskStep, 'status' | 'error'>> }): Promise<Task>;
  /**
   * Begins an attempt of an open or failed task, atomically: status processing, attempts + 1, every
   * step pending again. Returns the attempt number, or null when the task is not open or failed
   * (running, finished, or gone).
   */
  startAttempt(taskId: string, steps: Array<Omit<TaskStep, 'status' | 'error'>>): Promise<number | null>;
  updateStep(taskId: string, position: number, change: { status: StepStatus; output?: Record<string, unknown> | null; error?: string | null }): Promise<void>;
  log(taskId: string, attempt: number, stepId: string | null, line: string): Promise<void>;
  setLeftBehind(taskId: string, leftBehind: LeftBehind[]): Promise<void>;
  finish(taskId: string, result: { status: 'completed' | 'failed'; output: TaskOutput | null; error: string | null; failedStep: string | null }): Promise<void>;
  setProgressMessage(taskId: string, message: { channel: string; ts: string }): Promise<void>;
  get(taskId: string): Promise<Task | undefined>;
  /** The log lines of every attempt, oldest first. */
  logOf(taskId: string): Promise<Array<{ attempt: number; stepId: string | null; line: string }>>;
}

import os from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import type { Logger } from '../logger';
import { openHealth } from '../compose/health';
import { openBackline, openDocs, openGitHub } from '../compose/backline';
import type { EvaluationThreadData, EvaluationThreadMessage } from './evaluationThread';

/**
 * The thread a whole-catalog health evaluation runs on (see evaluationThread.ts): it opens its own
 * pool, GitHub client and docs library over the same database and configuration, evaluates
 * everything once, reports, and ends.
 */
async function evaluate(data: EvaluationThreadData, send: (message: EvaluationThreadMessage) => void): Promise<void> {
  const logger = threadLogger(send);
  const backline = await openBackline(data.config, { poolSize: 4 });
  try {
    const github = openGitHub(backline, { logger: logger.child({ component: 'github' }) });
    const docs = openDocs(backline, { baseUrl: data.docsBaseUrl, logger, github });
    const health = openHealth(backline, { docs, github, logger });
    send({ type: 'done', report: await health.service.collectAndScore() });
  } finally {
    await backline.close();
  }
}

/** Log lines go to the thread that started this one, which writes them with its own logger. */
function threadLogger(send: (message: EvaluationThreadMessage) => void, bound: Record<string, unknown> = {}): Logger {
  const line = (level: 'debug' | 'info' | 'warn' | 'error') => (message: string, fields?: Record<string, unknown>) => {
    const all = { ...bound, ...fields };
    try {
      send({ type: 'log', level, message, fields: all });
    } catch {
      // A field that cannot cross threads (a function, a socket): send what can.
      send({ type: 'log', level, message, fields: JSON.parse(JSON.stringify(all, (_key, value: unknown) => (value instanceof Error ? { message: value.message, stack: value.stack } : value))) as Record<string, unknown> });
    }
  };
  return { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error'), child: (fields) => threadLogger(send, { ...bound, ...fields }) };
}

if (parentPort) {
  // Requests first: on Linux a thread's scheduling priority is its own, so this lowers the
  // evaluation's, never the request thread's. Where that is not allowed, it keeps the default.
  try {
    os.setPriority(os.constants.priority.PRIORITY_BELOW_NORMAL);
  } catch {
    // Not permitted here: the evaluation shares the CPUs evenly.
  }
  const port = parentPort;
  const send = (message: EvaluationThreadMessage) => port.postMessage(message);
  evaluate(workerData as EvaluationThreadData, send).catch((error: unknown) => send({ type: 'failed', error: error instanceof Error ? error.message : String(error) }));
}

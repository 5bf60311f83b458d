import type { Logger } from '../logger';
import type { ScheduledJob } from '../scheduler/ports';
import { EvaluationStopped } from './service';
import type { HealthService } from './service';

/**
 * The scheduled evaluation: every slot (hourly by default, `health.schedule` in backline.yaml),
 * collect every entity's facts and score them. One replica runs each slot (the scheduler's
 * coordinator); a failed run is logged and the next slot tries again.
 */
export function createHealthJob(service: Pick<HealthService, 'collectAndScore'>, options: { cron: string; timezone?: string; logger?: Logger }): ScheduledJob {
  return {
    name: 'health.collect-and-score',
    cron: options.cron,
    ...(options.timezone && { timezone: options.timezone }),
    async run(slot) {
      const started = Date.now();
      try {
        const report = await service.collectAndScore();
        options.logger?.info(
          `health: evaluated ${report.entities} entities and ${report.teams} teams for ${slot.toISOString()} in ${((Date.now() - started) / 1000).toFixed(1)} s (${report.factChanges} with changed facts, ${report.transitions} status changes)`,
        );
      } catch (error) {
        if (error instanceof EvaluationStopped) {
          options.logger?.info(error.message, { slot: slot.toISOString() });
          return;
        }
        options.logger?.error('health evaluation failed', { error, slot: slot.toISOString() });
        throw error;
      }
    },
  };
}

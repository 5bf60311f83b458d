import { setTimeout as sleep } from 'node:timers/promises';
import { createBacklineMetrics, watchEventLoop } from '../src/metrics';

/** A gauge's value in Prometheus text, or NaN when it is absent. */
const gauge = (text: string, name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);
const MAX = 'backline_event_loop_delay_max_seconds';
const P99 = 'backline_event_loop_delay_p99_seconds';

describe('event loop delay in /metrics', () => {
  it('reports a synchronous step that held the loop for 250 ms, and only in the scrape after it', async () => {
    const metrics = createBacklineMetrics();
    const eventLoop = watchEventLoop(metrics);
    try {
      metrics.registry.render();
      await sleep(30);
      const until = performance.now() + 250;
      while (performance.now() < until) {
        // Holds the event loop, as a large synchronous parse would.
      }
      // The sampler's overdue turn runs first and records the whole wait.
      await sleep(30);
      const after = metrics.registry.render();
      expect(after).toContain(`# TYPE ${MAX} gauge`);
      expect(gauge(after, MAX)).toBeGreaterThanOrEqual(0.24);
      expect(gauge(after, P99)).toBeGreaterThan(0);
      expect(gauge(after, P99)).toBeLessThanOrEqual(gauge(after, MAX));

      // Each scrape starts a new window: nothing sampled since the last one reads as no delay.
      const next = metrics.registry.render();
      expect([gauge(next, MAX), gauge(next, P99)]).toEqual([0, 0]);
    } finally {
      eventLoop.stop();
    }
  });
});

import { monitorEventLoopDelay } from 'node:perf_hooks';

/**
 * A small Prometheus registry: counters and histograms with labels, rendered in the text
 * exposition format for GET /metrics.
 */
type Labels = Record<string, string>;

const DEFAULT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface Counter {
  inc(labels?: Labels, by?: number): void;
}
export interface Histogram {
  observe(labels: Labels, seconds: number): void;
}
export interface Gauge {
  set(labels: Labels, value: number): void;
}

export class Metrics {
  private readonly families: Array<{ name: string; help: string; type: string; render: () => string[] }> = [];
  private readonly collectors: Array<() => void> = [];

  /** Runs `collect` at the start of every render: for figures read when they are scraped. */
  onRender(collect: () => void): void {
    this.collectors.push(collect);
  }

  counter(name: string, help: string): Counter {
    const values = new Map<string, number>();
    this.families.push({ name, help, type: 'counter', render: () => [...values].map(([key, value]) => `${name}${key} ${value}`) });
    return { inc: (labels = {}, by = 1) => values.set(labelKey(labels), (values.get(labelKey(labels)) ?? 0) + by) };
  }

  gauge(name: string, help: string): Gauge {
    const values = new Map<string, number>();
    this.families.push({ name, help, type: 'gauge', render: () => [...values].map(([key, value]) => `${name}${key} ${value}`) });
    return { set: (labels, value) => values.set(labelKey(labels), value) };
  }

  histogram(name: string, help: string, buckets = DEFAULT_BUCKETS): Histogram {
    const series = new Map<string, { labels: Labels; counts: number[]; sum: number; count: number }>();
    this.families.push({
      name,
      help,
      type: 'histogram',
      render: () =>
        [...series.values()].flatMap(({ labels, counts, sum, count }) => [
          ...buckets.map((bound, i) => `${name}_bucket${labelKey({ ...labels, le: String(bound) })} ${counts[i]}`),
          `${name}_bucket${labelKey({ ...labels, le: '+Inf' })} ${count}`,
          `${name}_sum${labelKey(labels)} ${sum}`,
          `${name}_count${labelKey(labels)} ${count}`,
        ]),
    });
    return {
      observe: (labels, seconds) => {
        const key = labelKey(labels);
        const entry = series.get(key) ?? { labels, counts: buckets.map(() => 0), sum: 0, count: 0 };
        buckets.forEach((bound, i) => {
          if (seconds <= bound) entry.counts[i]!++;
        });
        entry.sum += seconds;
        entry.count++;
        series.set(key, entry);
      },
    };
  }

  render(): string {
    for (const collect of this.collectors) collect();
    return `${this.families.flatMap((family) => [`# HELP ${family.name} ${family.help}`, `# TYPE ${family.name} ${family.type}`, ...family.render()]).join('\n')}\n`;
  }
}

function labelKey(labels: Labels): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return '';
  return `{${entries.map(([key, value]) => `${key}="${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`).join(',')}}`;
}

/** The figures Backline reports. */
export function createBacklineMetrics(metrics = new Metrics()) {
  return {
    registry: metrics,
    requests: metrics.counter('backline_requests_total', 'Slash commands and interactions handled, by command and outcome.'),
    latency: metrics.histogram('backline_request_duration_seconds', 'Time from receiving a command to its answer, by command.'),
    slackCalls: metrics.counter('backline_slack_api_calls_total', 'Slack Web API calls, by method and outcome.'),
    catalogEntities: metrics.gauge('backline_catalog_entities', 'Entities in the catalog.'),
    ingestionErrors: metrics.gauge('backline_catalog_processing_errors', 'Stored catalog processing errors.'),
    outboxMessages: metrics.counter('backline_outbox_messages_total', 'Scheduled messages settled, by purpose and outcome (sent, found_after_restart, failed).'),
    outboxRetries: metrics.counter('backline_outbox_retries_total', 'Scheduled messages put back to try again, by purpose and reason (transient, rate_limited, blocked).'),
    slackRateLimited: metrics.counter('backline_slack_rate_limited_total', 'Slack Web API calls answered 429 or ratelimited, by method.'),
    eventLoopDelayMax: metrics.gauge('backline_event_loop_delay_max_seconds', 'The longest the event loop went past its turn since the previous scrape (10 ms resolution).'),
    eventLoopDelayP99: metrics.gauge('backline_event_loop_delay_p99_seconds', 'The 99th percentile of event loop delay since the previous scrape (10 ms resolution).'),
  };
}

/** How often the event loop is sampled; a delay is known to within this. */
const EVENT_LOOP_RESOLUTION_MS = 10;

/**
 * Reports event loop delay through `metrics` from node's monitorEventLoopDelay. Serve answers
 * Slack (which gives up after 3 s) and /healthz on the thread that also parses catalog files and
 * builds cards, so a long synchronous step shows here before it shows as missed acks.
 *
 * The sampler's timer is due every 10 ms and records the time between its turns; the delay is what
 * exceeds those 10 ms. The figures cover the time since the previous scrape (the samples restart at
 * each, as prom-client's nodejs_eventloop_lag_* do), so a stall is reported once rather than held
 * forever by a since-start maximum; with two scrapers, each sees only its share.
 */
export function watchEventLoop(metrics: BacklineMetrics): { stop(): void } {
  const delays = monitorEventLoopDelay({ resolution: EVENT_LOOP_RESOLUTION_MS });
  delays.enable();
  const seconds = (nanoseconds: number) => Math.max(0, nanoseconds / 1e9 - EVENT_LOOP_RESOLUTION_MS / 1000);
  metrics.registry.onRender(() => {
    // An empty histogram's percentiles are not zero, so no samples reads as no delay.
    const sampled = delays.count > 0;
    metrics.eventLoopDelayMax.set({}, sampled ? seconds(delays.max) : 0);
    metrics.eventLoopDelayP99.set({}, sampled ? seconds(delays.percentile(99)) : 0);
    delays.reset();
  });
  return { stop: () => delays.disable() };
}

export type BacklineMetrics = ReturnType<typeof createBacklineMetrics>;

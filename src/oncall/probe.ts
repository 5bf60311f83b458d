import { getProviderJson } from './http';
import type { OpsgenieOptions } from './opsgenie';
import type { PagerDutyOptions } from './pagerduty';
import { OnCallProviderError, type ProviderFailure } from './provider';

export type ProviderCheck = { ok: true } | { ok: false; failure: ProviderFailure; message: string };

/** Whether a provider's credential reads what Backline reads, asked once for `backline doctor`. */
export interface ProviderProbe {
  /** "PagerDuty". */
  readonly displayName: string;
  check(): Promise<ProviderCheck>;
}

/** PagerDuty: one page of one on-call entry, the endpoint every on-call answer reads. */
export function createPagerDutyProbe(options: PagerDutyOptions & { timeoutMs: number }): ProviderProbe {
  const base = options.apiUrl.replace(/\/+$/, '');
  return probe('PagerDuty', options.timeoutMs, (signal) =>
    getProviderJson({
      provider: 'PagerDuty',
      credential: 'PAGERDUTY_TOKEN',
      url: `${base}/oncalls?limit=1`,
      headers: { Authorization: `Token token=${options.token}`, Accept: 'application/vnd.pagerduty+json;version=2' },
      signal,
      notFound: `PagerDuty has no /oncalls at ${base} (404)`,
    }),
  );
}

/** Opsgenie: the list of schedules, which every team lookup reads first. */
export function createOpsgenieProbe(options: OpsgenieOptions & { timeoutMs: number }): ProviderProbe {
  const base = options.apiUrl.replace(/\/+$/, '');
  return probe('Opsgenie', options.timeoutMs, (signal) =>
    getProviderJson({
      provider: 'Opsgenie',
      credential: 'OPSGENIE_API_KEY',
      url: `${base}/v2/schedules`,
      headers: { Authorization: `GenieKey ${options.apiKey}` },
      signal,
      notFound: `Opsgenie has no /v2/schedules at ${base} (404)`,
    }),
  );
}

function probe(displayName: string, timeoutMs: number, read: (signal: AbortSignal) => Promise<unknown>): ProviderProbe {
  return {
    displayName,
    async check() {
      try {
        await read(AbortSignal.timeout(timeoutMs));
        return { ok: true };
      } catch (error) {
        if (error instanceof OnCallProviderError) return { ok: false, failure: error.failure, message: error.message };
        return { ok: false, failure: 'unavailable', message: `${displayName}: ${(error as Error).message}` };
      }
    },
  };
}

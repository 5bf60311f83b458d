/**
 * The OnCallProvider port: a paging service that knows who is on call for something a catalog
 * annotation names (a PagerDuty service, an Opsgenie team). Providers only fetch and normalise;
 * caching, timeouts and wording live in the resolver.
 */

export type OnCallSource = 'pagerduty' | 'opsgenie' | 'rotation';

/** What an annotation points at: `pagerduty.com/service-id: PQ7K2ZL`. */
export interface OnCallTarget {
  annotation: string;
  value: string;
}

/** One person's stretch on call at one escalation level, as the provider reports it. */
export interface ProviderShift {
  /** 1 is called first. */
  level: number;
  name: string;
  email: string | null;
  /** ISO 8601; null when the provider says "always" (someone named directly in a policy). */
  start: string | null;
  end: string | null;
}

/** A provider's answer: the shifts overlapping the window asked about, and where to page. */
export interface ProviderAnswer {
  /** What was asked, in the provider's words: "service Payments API". */
  label: string;
  shifts: ProviderShift[];
  /** A page where people can page the on-call or see the schedule, when the provider has one. */
  pageUrl: string | null;
}

export interface OnCallProvider {
  readonly source: Exclude<OnCallSource, 'rotation'>;
  /** "PagerDuty": how messages name it. */
  readonly displayName: string;
  /** Shifts overlapping [from, to) for what the annotation names. Rejects with OnCallProviderError. */
  shifts(target: OnCallTarget, window: { from: Date; to: Date }, signal: AbortSignal): Promise<ProviderAnswer>;
}

export type ProviderFailure = 'timeout' | 'unauthorized' | 'not_found' | 'rate_limited' | 'unavailable' | 'invalid_response';

/** A provider call that failed, with a message fit for the card ("PagerDuty rejected PAGERDUTY_TOKEN …"). */
export class OnCallProviderError extends Error {
  constructor(
    readonly failure: ProviderFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'OnCallProviderError';
  }
}

/** Which annotations name which provider, in the order they are preferred. */
export const ONCALL_ANNOTATIONS: ReadonlyArray<{ annotation: string; source: Exclude<OnCallSource, 'rotation'> }> = [
  { annotation: 'pagerduty.com/service-id', source: 'pagerduty' },
  { annotation: 'pagerduty.com/escalation-policy-id', source: 'pagerduty' },
  { annotation: 'pagerduty.com/schedule-id', source: 'pagerduty' },
  { annotation: 'opsgenie.com/team', source: 'opsgenie' },
  { annotation: 'opsgenie.com/schedule', source: 'opsgenie' },
];

/** What to set for a provider that is named in the catalog but not configured. */
export const PROVIDER_SETUP: Record<Exclude<OnCallSource, 'rotation'>, { displayName: string; setting: string }> = {
  pagerduty: { displayName: 'PagerDuty', setting: 'PAGERDUTY_TOKEN (a read-only REST API key)' },
  opsgenie: { displayName: 'Opsgenie', setting: 'OPSGENIE_API_KEY (an API integration key with read access)' },
};

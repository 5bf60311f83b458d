import { expectShape, getProviderJson, isObject, stringOr } from './http';
import { OnCallProviderError, type OnCallProvider, type OnCallTarget, type ProviderAnswer, type ProviderShift } from './provider';

export interface PagerDutyOptions {
  token: string;
  /** https://api.pagerduty.com, or https://api.eu.pagerduty.com for EU accounts. */
  apiUrl: string;
}

// Four pages of 100 on-calls cover two weeks of even busy multi-level policies.
const PAGE_SIZE = 100;
const MAX_PAGES = 4;
const PROVIDER = 'PagerDuty';

/**
 * PagerDuty REST API v2: a service → its escalation policy → `GET /oncalls` for the window, which
 * lists every shift by escalation level. Escalation policies and schedules can be named directly.
 */
export function createPagerDutyProvider(options: PagerDutyOptions): OnCallProvider {
  const base = options.apiUrl.replace(/\/+$/, '');
  const headers = {
    // PagerDuty's REST API takes its key this way, not as a Bearer token.
    Authorization: `Token token=${options.token}`,
    Accept: 'application/vnd.pagerduty+json;version=2',
  };
  const get = (path: string, signal: AbortSignal, notFound: string) => getProviderJson({ provider: PROVIDER, credential: 'PAGERDUTY_TOKEN', url: `${base}${path}`, headers, signal, notFound });

  async function oncalls(filter: string, window: { from: Date; to: Date }, signal: AbortSignal, notFound: string) {
    const entries: Array<Record<string, unknown>> = [];
    for (let page = 0; page < MAX_PAGES; page++) {
      const query = `${filter}&since=${encodeURIComponent(window.from.toISOString())}&until=${encodeURIComponent(window.to.toISOString())}&include%5B%5D=users&time_zone=UTC&limit=${PAGE_SIZE}&offset=${page * PAGE_SIZE}`;
      const body = expectShape(PROVIDER, await get(`/oncalls?${query}`, signal, notFound), (value): value is { oncalls: unknown[]; more?: unknown } => isObject(value) && Array.isArray(value.oncalls), 'a list of on-calls');
      entries.push(...body.oncalls.filter(isObject));
      if (body.more !== true) break;
    }
    return entries;
  }

  return {
    source: 'pagerduty',
    displayName: PROVIDER,
    async shifts(target: OnCallTarget, window, signal): Promise<ProviderAnswer> {
      const id = encodeURIComponent(target.value.trim());
      const notFound = (what: string) => `PagerDuty has no ${what} ${target.value}: check the ${target.annotation} annotation`;
      if (target.annotation === 'pagerduty.com/service-id') {
        const body = await get(`/services/${id}`, signal, notFound('service'));
        const service = expectShape(PROVIDER, isObject(body) ? body.service : undefined, (value): value is Record<string, unknown> => isObject(value) && isObject(value.escalation_policy), 'the service and its escalation policy');
        const policy = service.escalation_policy as Record<string, unknown>;
        const policyId = stringOr(policy.id);
        if (!policyId) throw new OnCallProviderError('invalid_response', 'PagerDuty answered without the service\'s escalation policy');
        const entries = await oncalls(`escalation_policy_ids%5B%5D=${encodeURIComponent(policyId)}`, window, signal, notFound('escalation policy for service'));
        return { label: `service ${stringOr(service.name) ?? stringOr(service.summary) ?? target.value}`, shifts: entries.map(toShift), pageUrl: stringOr(service.html_url) };
      }
      if (target.annotation === 'pagerduty.com/escalation-policy-id') {
        const entries = await oncalls(`escalation_policy_ids%5B%5D=${id}`, window, signal, notFound('escalation policy'));
        const policy = entries.map((entry) => entry.escalation_policy).find(isObject);
        return { label: `escalation policy ${stringOr(policy?.summary) ?? target.value}`, shifts: entries.map(toShift), pageUrl: stringOr(policy?.html_url) };
      }
      const entries = await oncalls(`schedule_ids%5B%5D=${id}`, window, signal, notFound('schedule'));
      const schedule = entries.map((entry) => entry.schedule).find(isObject);
      return { label: `schedule ${stringOr(schedule?.summary) ?? target.value}`, shifts: entries.map(toShift), pageUrl: stringOr(schedule?.html_url) };
    },
  };
}

function toShift(entry: Record<string, unknown>): ProviderShift {
  const user = isObject(entry.user) ? entry.user : {};
  const level = typeof entry.escalation_level === 'number' && entry.escalation_level >= 1 ? entry.escalation_level : 1;
  return {
    level,
    name: stringOr(user.name) ?? stringOr(user.summary) ?? stringOr(user.email) ?? 'someone',
    email: stringOr(user.email),
    start: stringOr(entry.start),
    end: stringOr(entry.end),
  };
}

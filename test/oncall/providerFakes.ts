import nock from 'nock';

export const PAGERDUTY = 'https://api.pagerduty.test';
export const OPSGENIE = 'https://api.opsgenie.test';
export const PD_TOKEN = 'pd-test-token-123';
export const OPSGENIE_KEY = 'og-test-key-456';

export interface FakeOnCall {
  level: number;
  name: string;
  email: string;
  start: string | null;
  end: string | null;
}

/** A `GET /oncalls` entry as PagerDuty shapes it, with `include[]=users`. */
export function pagerDutyOnCall(entry: FakeOnCall, policy = 'PEP0001') {
  return {
    escalation_level: entry.level,
    start: entry.start,
    end: entry.end,
    user: { id: `PU${entry.name.length}`, type: 'user', summary: entry.name, name: entry.name, email: entry.email, html_url: 'https://northwind.pagerduty.com/users/PU1' },
    schedule: entry.start ? { id: 'PSCHED1', type: 'schedule_reference', summary: 'Payments primary', html_url: 'https://northwind.pagerduty.com/schedules/PSCHED1' } : null,
    escalation_policy: { id: policy, type: 'escalation_policy_reference', summary: 'Payments escalation', html_url: `https://northwind.pagerduty.com/escalation_policies/${policy}` },
  };
}

/** PagerDuty answering for the Payments service (PQ7K2ZL) of the demo catalog. */
export function pagerDutyService(entries: FakeOnCall[], options: { serviceId?: string } = {}) {
  const serviceId = options.serviceId ?? 'PQ7K2ZL';
  return nock(PAGERDUTY, { reqheaders: { authorization: `Token token=${PD_TOKEN}` } })
    .get(`/services/${serviceId}`)
    .reply(200, { service: { id: serviceId, name: 'Payments API', html_url: `https://northwind.pagerduty.com/service-directory/${serviceId}`, escalation_policy: { id: 'PEP0001', type: 'escalation_policy_reference' } } })
    .get('/oncalls')
    .query((query) => query['escalation_policy_ids[]'] === 'PEP0001' && query['include[]'] === 'users' && typeof query.since === 'string')
    .reply(200, { oncalls: entries.map((entry) => pagerDutyOnCall(entry)), limit: 100, offset: 0, more: false });
}

/** Opsgenie answering for a team that owns one schedule. */
export function opsgenieTeam(team: string, periods: Array<{ user: string; start: string; end: string }>) {
  return nock(OPSGENIE, { reqheaders: { authorization: `GenieKey ${OPSGENIE_KEY}` } })
    .get('/v2/schedules')
    .reply(200, { data: [{ id: '0b1e2f3a-0000-4000-8000-000000000001', name: `${team}_schedule`, enabled: true, ownerTeam: { id: 't1', name: team } }, { id: 'other', name: 'other', enabled: true, ownerTeam: { id: 't2', name: 'someone-else' } }] })
    .get('/v2/schedules/0b1e2f3a-0000-4000-8000-000000000001/timeline')
    .query((query) => query.identifierType === 'id' && typeof query.date === 'string')
    .reply(200, {
      data: {
        _parent: { id: '0b1e2f3a-0000-4000-8000-000000000001', name: `${team}_schedule`, enabled: true },
        finalTimeline: { rotations: [{ id: 'r1', name: 'Weekly', order: 1, periods: periods.map((p) => ({ startDate: p.start, endDate: p.end, type: 'default', recipient: { id: p.user, type: 'user', name: p.user } })) }] },
      },
    });
}

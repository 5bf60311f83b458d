import { expectShape, getProviderJson, isObject, stringOr } from './http';
import { OnCallProviderError, type OnCallProvider, type OnCallTarget, type ProviderAnswer, type ProviderShift } from './provider';

export interface OpsgenieOptions {
  apiKey: string;
  /** https://api.opsgenie.com, or https://api.eu.opsgenie.com for EU accounts. */
  apiUrl: string;
}

const PROVIDER = 'Opsgenie';
const SCHEDULE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Opsgenie API v2: a team's schedules (those it owns), or one schedule by name or id, each read
 * through its final timeline, which already applies overrides and forwarding.
 */
export function createOpsgenieProvider(options: OpsgenieOptions): OnCallProvider {
  const base = options.apiUrl.replace(/\/+$/, '');
  const headers = { Authorization: `GenieKey ${options.apiKey}` };
  const get = (path: string, signal: AbortSignal, notFound: string) => getProviderJson({ provider: PROVIDER, credential: 'OPSGENIE_API_KEY', url: `${base}${path}`, headers, signal, notFound });

  async function timeline(schedule: { identifier: string; type: 'id' | 'name' }, window: { from: Date; to: Date }, signal: AbortSignal, notFound: string): Promise<ProviderShift[]> {
    const days = Math.max(1, Math.ceil((window.to.getTime() - window.from.getTime()) / 86_400_000));
    const query = `identifierType=${schedule.type}&interval=${days}&intervalUnit=days&date=${encodeURIComponent(window.from.toISOString())}`;
    const body = await get(`/v2/schedules/${encodeURIComponent(schedule.identifier)}/timeline?${query}`, signal, notFound);
    const data = expectShape(PROVIDER, isObject(body) ? body.data : undefined, (value): value is Record<string, unknown> => isObject(value) && isObject(value.finalTimeline), 'a schedule timeline');
    const rotations = (data.finalTimeline as Record<string, unknown>).rotations;
    const shifts: ProviderShift[] = [];
    for (const rotation of Array.isArray(rotations) ? rotations.filter(isObject) : []) {
      for (const period of Array.isArray(rotation.periods) ? rotation.periods.filter(isObject) : []) {
        const recipient = isObject(period.recipient) ? period.recipient : {};
        // "none" periods are gaps in the schedule; teams and escalations cannot be mentioned as a person.
        if (recipient.type !== 'user') continue;
        const username = stringOr(recipient.name);
        if (!username) continue;
        shifts.push({ level: 1, name: username, email: username.includes('@') ? username : null, start: stringOr(period.startDate), end: stringOr(period.endDate) });
      }
    }
    return shifts;
  }

  return {
    source: 'opsgenie',
    displayName: PROVIDER,
    async shifts(target: OnCallTarget, window, signal): Promise<ProviderAnswer> {
      const value = target.value.trim();
      if (target.annotation === 'opsgenie.com/schedule') {
        const type = SCHEDULE_ID.test(value) ? 'id' : 'name';
        const shifts = await timeline({ identifier: value, type }, window, signal, `Opsgenie has no schedule ${value}: check the ${target.annotation} annotation`);
        return { label: `schedule ${value}`, shifts, pageUrl: null };
      }
      const body = await get('/v2/schedules', signal, 'Opsgenie could not list schedules (404): check OPSGENIE_API_URL');
      const schedules = expectShape(PROVIDER, isObject(body) ? body.data : undefined, Array.isArray, 'a list of schedules').filter(isObject);
      const owned = schedules.filter((schedule) => schedule.enabled !== false && isObject(schedule.ownerTeam) && String(schedule.ownerTeam.name ?? '').toLowerCase() === value.toLowerCase());
      if (owned.length === 0) throw new OnCallProviderError('not_found', `Opsgenie has no enabled schedule owned by the team ${value}: check the ${target.annotation} annotation`);
      const shifts = (
        await Promise.all(owned.map((schedule) => timeline({ identifier: String(schedule.id), type: 'id' }, window, signal, `Opsgenie lost the schedule ${String(schedule.name)} while Backline read it`)))
      ).flat();
      return { label: `team ${value}`, shifts, pageUrl: null };
    },
  };
}

import { isIsoDate, isIsoDateTime } from '../catalog/model/schemas/rotation';

/** What an instant to answer on-call for looks like, for the messages of those who ask for one. */
export const INSTANT_HINT = 'an ISO 8601 date-time such as 2026-03-29T09:00:00Z or 2026-03-29T09:00:00+02:00';

/**
 * "Who was on call at …" (the CLI's --at, the MCP tool's `at`): an ISO 8601 date-time or date; one
 * without an offset is UTC. Undefined when the text is neither.
 */
export function parseInstant(value: string): number | undefined {
  const text = value.trim();
  if (!isIsoDateTime(text) && !isIsoDate(text)) return undefined;
  return Date.parse(/(Z|[+-]\d{2}:\d{2})$/i.test(text) || isIsoDate(text) ? text : `${text}Z`);
}

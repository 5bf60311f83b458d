import { z } from 'zod';
import { parseEntityRef } from '../refs';
import { formatCheck, nonEmptyString } from './common';

/**
 * Backline's own `Rotation` kind (`backline.dev/v1alpha1`): an on-call schedule kept in the catalog.
 * Members take turns in the order listed, handing off daily or weekly at a local time in `timezone`;
 * overrides put someone else on call for a window.
 */

export const ROTATION_API_VERSIONS = ['backline.dev/v1alpha1'] as const;

export const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-](\d{2}):(\d{2}))?$/i;
const TIME_OF_DAY = /^([01]\d|2[0-3]):[0-5]\d$/;

function isRealDate(year: string, month: string, day: string): boolean {
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  return date.getUTCFullYear() === Number(year) && date.getUTCMonth() === Number(month) - 1 && date.getUTCDate() === Number(day);
}

/** An ISO 8601 date-time with a real calendar date and clock time; the offset is optional. */
export function isIsoDateTime(value: string): boolean {
  const match = DATE_TIME.exec(value);
  if (!match) return false;
  const [, year, month, day, hour, minute, second = '00', , offsetHours = '00', offsetMinutes = '00'] = match;
  return (
    isRealDate(year!, month!, day!) &&
    Number(hour) <= 23 &&
    Number(minute) <= 59 &&
    Number(second) <= 59 &&
    Number(offsetHours) <= 23 &&
    Number(offsetMinutes) <= 59
  );
}

export function isIsoDate(value: string): boolean {
  const match = DATE.exec(value);
  return match !== null && isRealDate(match[1]!, match[2]!, match[3]!);
}

/** Milliseconds since the epoch; a date-time without an offset is read as UTC so two such values compare consistently. */
function instantOf(value: string): number {
  return Date.parse(/(Z|[+-]\d{2}:\d{2})$/i.test(value) ? value : `${value}Z`);
}

/** Whatever the runtime's Intl knows as a time zone: IANA names such as `Europe/Berlin`, and `UTC`. */
export function isValidTimeZone(value: string): boolean {
  if (value.trim() === '') return false;
  try {
    new Intl.DateTimeFormat(undefined, { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

function refString(defaultKind: 'Group' | 'User', requiredKind?: string) {
  return nonEmptyString.superRefine((value, ctx) => {
    if (value === '') return; // already reported as empty
    let kind: string;
    try {
      kind = parseEntityRef(value, { defaultKind }).kind;
    } catch (error) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `${JSON.stringify(value)} is not a valid entity ref: ${(error as Error).message}` });
      return;
    }
    if (requiredKind && kind.toLowerCase() !== requiredKind.toLowerCase()) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `${JSON.stringify(value)} must refer to a ${requiredKind}, not a ${kind}` });
    }
  });
}

const userRef = refString('User', 'User');

function stringMatching(check: (value: string) => boolean, expectation: string) {
  return z.string().superRefine(formatCheck(check, expectation));
}

const dateTime = stringMatching(isIsoDateTime, 'an ISO 8601 date-time like "2024-05-01T09:00:00Z"');

const handoff = z
  .object({
    weekday: stringMatching((value) => (WEEKDAYS as readonly string[]).includes(value.toLowerCase()), `a day of the week (${WEEKDAYS.join(', ')})`).optional(),
    time: stringMatching((value) => TIME_OF_DAY.test(value), 'a 24-hour time "HH:MM" like "09:00"'),
  })
  .passthrough();

const override = z
  .object({ user: userRef, from: dateTime, to: dateTime })
  .passthrough()
  .superRefine((value, ctx) => {
    if (isIsoDateTime(value.from) && isIsoDateTime(value.to) && instantOf(value.from) >= instantOf(value.to)) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['to'], message: `${JSON.stringify(value.to)} must be later than from (${JSON.stringify(value.from)})` });
    }
  });

export const rotationSpecSchema = z
  .object({
    owner: refString('Group'),
    timezone: stringMatching(isValidTimeZone, 'an IANA time zone like "Europe/Berlin" or "UTC"'),
    handoff,
    start: stringMatching((value) => isIsoDate(value) || isIsoDateTime(value), 'a date "YYYY-MM-DD" or an ISO 8601 date-time'),
    members: z.array(userRef).min(1),
    overrides: z.array(override).optional(),
  })
  .passthrough();

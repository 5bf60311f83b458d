/**
 * Wall-clock arithmetic in IANA time zones with nothing but Intl: offsets, local calendar dates,
 * and the instant at which a zone's clocks read a given local time.
 */

const MINUTE = 60_000;
const DAY = 86_400_000;

/** A calendar date as whole days since 1970-01-01, so that date arithmetic is integer arithmetic. */
export type DayNumber = number;

export interface LocalDateTime {
  day: DayNumber;
  /** Milliseconds since local midnight. */
  timeOfDay: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

// "3/29/2026, 02:30:00": format() and a pattern cost a fraction of formatToParts().
const EN_US = /^(\d+)\/(\d+)\/(-?\d+),? (\d+):(\d+):(\d+)$/;

/** What the zone's clocks read at `instant`, as if that reading were UTC (whole seconds). */
function wallClockAt(instant: number, timeZone: string): number {
  const text = formatterFor(timeZone).format(instant);
  const match = EN_US.exec(text);
  if (!match) throw new Error(`Unexpected date format from Intl: ${text}`);
  const [, month, day, year, hour, minute, second] = match.map(Number);
  return Date.UTC(year!, month! - 1, day!, hour!, minute!, second!);
}

/** The zone's offset from UTC at `instant`, in milliseconds (+3 600 000 for CET). */
export function offsetAt(instant: number, timeZone: string): number {
  const wholeSecond = Math.floor(instant / 1000) * 1000;
  return wallClockAt(wholeSecond, timeZone) - wholeSecond;
}

export function localDateTimeAt(instant: number, timeZone: string): LocalDateTime {
  const wall = instant + offsetAt(instant, timeZone);
  const day = Math.floor(wall / DAY);
  return { day, timeOfDay: wall - day * DAY };
}

/** Monday is 0 … Sunday is 6 (1970-01-01 was a Thursday). */
export function weekdayOf(day: DayNumber): number {
  return (((day + 3) % 7) + 7) % 7;
}

export function dayNumberOf(year: number, month: number, day: number): DayNumber {
  return Math.floor(Date.UTC(year, month - 1, day) / DAY);
}

/**
 * The first instant at which the zone's clocks read `timeOfDay` on `day`, or later. On an ordinary
 * day that is the instant they read exactly that; when clocks go back and the time happens twice,
 * the first time; when clocks jump forward over it, the instant of the jump (a 02:30 handoff on the
 * night Berlin skips 02:00–03:00 happens at 03:00).
 */
export function instantOfLocal(day: DayNumber, timeOfDay: number, timeZone: string): number {
  const key = `${timeZone} ${day} ${timeOfDay}`;
  let instant = resolved.get(key);
  if (instant === undefined) {
    // Rotations ask for the same few handoffs over and over; the zone rules do not change under us.
    if (resolved.size > 50_000) resolved.clear();
    instant = resolveLocal(day, timeOfDay, timeZone);
    resolved.set(key, instant);
  }
  return instant;
}

const resolved = new Map<string, number>();

function resolveLocal(day: DayNumber, timeOfDay: number, timeZone: string): number {
  const wall = day * DAY + timeOfDay;
  // Any transition near this day lies between these two offsets.
  const before = offsetAt(wall - DAY, timeZone);
  const after = offsetAt(wall + DAY, timeZone);
  const matches = [...new Set([before, after])].map((offset) => wall - offset).filter((instant) => instant + offsetAt(instant, timeZone) === wall);
  if (matches.length) return Math.min(...matches);
  // A gap: the clocks jumped from before the wanted reading to after it. Find the jump, to the second.
  let low = Math.floor((wall - Math.max(before, after)) / 1000);
  let high = Math.ceil((wall - Math.min(before, after)) / 1000);
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    if (middle * 1000 + offsetAt(middle * 1000, timeZone) >= wall) high = middle;
    else low = middle + 1;
  }
  return low * 1000;
}

/** Parses "HH:MM" into milliseconds since midnight. */
export function timeOfDayOf(text: string): number {
  const [hours, minutes] = text.split(':').map(Number);
  return (hours! * 60 + minutes!) * MINUTE;
}

const ISO_LOCAL = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?$/i;

/**
 * An ISO 8601 date or date-time as an instant. With an offset (`Z`, `+02:00`) it means that
 * instant; without one it is a reading of the clocks in `timeZone` (a date alone is midnight).
 */
export function instantOfIso(text: string, timeZone: string): number {
  if (/(Z|[+-]\d{2}:\d{2})$/i.test(text)) return Date.parse(text);
  const match = ISO_LOCAL.exec(text);
  if (!match) return Number.NaN;
  const [, year, month, day, hours = '0', minutes = '0', seconds = '0', fraction = '0'] = match;
  const timeOfDay = ((Number(hours) * 60 + Number(minutes)) * 60 + Number(seconds)) * 1000 + Math.floor(Number(`0.${fraction}`) * 1000);
  return instantOfLocal(dayNumberOf(Number(year), Number(month), Number(day)), timeOfDay, timeZone);
}

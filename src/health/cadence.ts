import { dayNumberOf, instantOfLocal, localDateTimeAt, weekdayOf, type DayNumber } from '../oncall/timeZones';

/**
 * When a team's digest goes out: a cron expression read in the team's time zone. Pure: "now" is
 * always given, so schedules are tested with fixed instants rather than clocks.
 */

/** The group annotation that overrides the schedule: a five-field cron expression, or `off`. */
export const SCHEDULE_ANNOTATION = 'backline.dev/digest-schedule';
/** The group annotation naming the team's IANA time zone, e.g. `Europe/Berlin`. */
export const TIMEZONE_ANNOTATION = 'backline.dev/timezone';
/** Monday 09:30. */
export const DEFAULT_SCHEDULE = '30 9 * * 1';

const MINUTE = 60_000;
const DAY = 86_400_000;

export interface Cadence {
  /** The cron expression in force, or null when the team turned digests off. */
  cron: string | null;
  timeZone: string;
  /** Annotations that could not be used (the default took their place), worded for the team. */
  warnings: string[];
}

interface CronFields {
  minutes: number[];
  hours: number[];
  daysOfMonth: Set<number>;
  months: Set<number>;
  /** Monday 0 … Sunday 6, as timeZones.weekdayOf counts. */
  weekdays: Set<number>;
  /** Cron's rule: when both day fields are restricted, a day matching either one is in. */
  dayMatchesEither: boolean;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

/** Reads a team's schedule from its Group annotations, falling back to Monday 09:30 in `defaultTimeZone`. */
export function cadenceOf(annotations: Record<string, string> | undefined, defaultTimeZone: string): Cadence {
  const warnings: string[] = [];
  let timeZone = defaultTimeZone;
  const zone = annotations?.[TIMEZONE_ANNOTATION]?.trim();
  if (zone) {
    if (isTimeZone(zone)) timeZone = zone;
    else warnings.push(`${TIMEZONE_ANNOTATION} "${zone}" is not an IANA time zone (such as Europe/Berlin); using ${defaultTimeZone}.`);
  }
  const schedule = annotations?.[SCHEDULE_ANNOTATION]?.trim();
  if (!schedule) return { cron: DEFAULT_SCHEDULE, timeZone, warnings };
  if (schedule.toLowerCase() === 'off') return { cron: null, timeZone, warnings };
  try {
    parseCron(schedule);
    return { cron: schedule, timeZone, warnings };
  } catch (error) {
    warnings.push(`${SCHEDULE_ANNOTATION} "${schedule}" ${(error as Error).message}; using Monday 09:30.`);
    return { cron: DEFAULT_SCHEDULE, timeZone, warnings };
  }
}

// Making a DateTimeFormat to test a zone is slow, and every run of the digest job asks for each team.
const knownZones = new Map<string, boolean>();

export function isTimeZone(name: string): boolean {
  let valid = knownZones.get(name);
  if (valid === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: name });
      valid = true;
    } catch {
      valid = false;
    }
    // Only real zones are remembered: a caller sending made-up names must not fill the memory.
    if (valid && knownZones.size < 1_000) knownZones.set(name, valid);
  }
  return valid;
}

/**
 * The slot due at `now`: the latest scheduled instant at or before `now` and less than `catchUpMs`
 * before it, or null. A slot missed while Backline was down is still due for `catchUpMs`; after
 * that it is skipped rather than sent late. When clocks jump over a scheduled time it happens at
 * the jump; when they go back over it, the first time.
 */
export function dueSlot(cadence: Cadence, now: Date, catchUpMs: number): Date | null {
  if (!cadence.cron) return null;
  const fields = parseCron(cadence.cron);
  const until = now.getTime();
  const from = until - catchUpMs;
  const lastDay = localDateTimeAt(until, cadence.timeZone).day;
  // A local day starts at most 14 hours away from UTC's, so one extra day covers every zone.
  const firstDay = localDateTimeAt(from, cadence.timeZone).day - 1;
  let latest: number | null = null;
  for (let day = lastDay; day >= firstDay; day -= 1) {
    for (const instant of instantsOn(fields, day, cadence.timeZone)) {
      if (instant <= until && instant > from && (latest === null || instant > latest)) latest = instant;
    }
    // Days go backwards, so nothing on an earlier day can be later than what this one has.
    if (latest !== null) break;
  }
  return latest === null ? null : new Date(latest);
}

/** The first scheduled instant after `after`, within a year; null when the schedule is off or never fires. */
export function nextSlot(cadence: Cadence, after: Date): Date | null {
  if (!cadence.cron) return null;
  const fields = parseCron(cadence.cron);
  const start = localDateTimeAt(after.getTime(), cadence.timeZone).day;
  for (let day = start; day <= start + 366; day += 1) {
    const next = instantsOn(fields, day, cadence.timeZone).filter((instant) => instant > after.getTime());
    if (next.length) return new Date(Math.min(...next));
  }
  return null;
}

/** A slot as idempotency keys and the digest table write it: UTC, to the minute (`2026-11-23T08:30Z`). */
export function slotKey(slot: Date): string {
  return `${slot.toISOString().slice(0, 16)}Z`;
}

function instantsOn(fields: CronFields, day: DayNumber, timeZone: string): number[] {
  const date = new Date(day * DAY);
  const dayOfMonth = date.getUTCDate();
  const month = date.getUTCMonth() + 1;
  if (!fields.months.has(month)) return [];
  const byDate = fields.daysOfMonth.has(dayOfMonth);
  const byWeekday = fields.weekdays.has(weekdayOf(day));
  if (fields.dayMatchesEither ? !(byDate || byWeekday) : !(byDate && byWeekday)) return [];
  const instants: number[] = [];
  for (const hour of fields.hours) {
    for (const minute of fields.minutes) instants.push(instantOfLocal(dayNumberOf(date.getUTCFullYear(), month, dayOfMonth), (hour * 60 + minute) * MINUTE, timeZone));
  }
  return instants;
}

const parsed = new Map<string, CronFields>();

/** Parses minute, hour, day of month, month and day of week; throws with what is wrong. */
export function parseCron(expression: string): CronFields {
  const known = parsed.get(expression);
  if (known) return known;
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== 5) throw new Error(`is not a cron expression of five fields (minute hour day-of-month month day-of-week), such as "30 9 * * 1"`);
  const [minute, hour, dayOfMonth, month, weekday] = parts as [string, string, string, string, string];
  const weekdays = new Set(field(weekday, 0, 7, 'day of week', WEEKDAYS).map((sunday0) => (sunday0 + 6) % 7));
  const fields: CronFields = {
    minutes: field(minute, 0, 59, 'minute'),
    hours: field(hour, 0, 23, 'hour'),
    daysOfMonth: new Set(field(dayOfMonth, 1, 31, 'day of month')),
    months: new Set(field(month, 1, 12, 'month', MONTHS, 1)),
    weekdays,
    dayMatchesEither: !dayOfMonth.startsWith('*') && !weekday.startsWith('*'),
  };
  parsed.set(expression, fields);
  return fields;
}

function field(text: string, min: number, max: number, what: string, names: string[] = [], firstName = 0): number[] {
  const values = new Set<number>();
  const value = (token: string): number => {
    const byName = names.indexOf(token.toLowerCase());
    const number = byName >= 0 ? byName + firstName : /^\d+$/.test(token) ? Number(token) : Number.NaN;
    if (!(number >= min && number <= max)) throw new Error(`has "${token}" as its ${what}, which must be ${min}–${max}`);
    return number;
  };
  for (const item of text.split(',')) {
    const [range = '', stepText] = item.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw new Error(`has "${item}" as its ${what}: the step after / must be a whole number`);
    let [low, high] = [min, max];
    if (range !== '*') {
      const [first, last] = range.split('-');
      low = value(first ?? '');
      high = last === undefined ? (stepText === undefined ? low : max) : value(last);
      if (high < low) throw new Error(`has "${item}" as its ${what}, a range that runs backwards`);
    }
    for (let n = low; n <= high; n += step) values.add(n);
  }
  return [...values].sort((a, b) => a - b);
}

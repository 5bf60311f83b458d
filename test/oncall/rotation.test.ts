import { Prng } from '../../bench/lib/prng';
import { validateEntity, type Entity } from '../../src/catalog/model';
import { evaluateRotation, rotationOf } from '../../src/oncall/rotation';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

interface RotationSpec {
  timezone: string;
  handoff: { weekday?: string; time: string };
  start: string;
  members: string[];
  overrides?: Array<{ user: string; from: string; to: string }>;
}

function rotation(spec: RotationSpec): Entity {
  const entity = { apiVersion: 'backline.dev/v1alpha1', kind: 'Rotation', metadata: { name: 'primary' }, spec: { owner: 'group:team', ...spec } };
  const result = validateEntity(entity);
  if (!result.valid) throw new Error(`invalid test rotation: ${JSON.stringify(result)}`);
  return entity as Entity;
}

const at = (iso: string) => Date.parse(iso);
const whoAt = (entity: Entity, iso: string) => evaluateRotation(rotationOf(entity), at(iso)).current?.userRef ?? null;

describe('a weekly rotation', () => {
  const risk = rotation({ timezone: 'Europe/London', handoff: { weekday: 'monday', time: '09:00' }, start: '2026-01-05', members: ['ravi', 'elena', 'jonas'] });

  it('has nobody on call before its first handoff, and says who starts', () => {
    const answer = evaluateRotation(rotationOf(risk), at('2026-01-05T08:59:59Z'));
    expect(answer.current).toBeNull();
    expect(answer.next).toEqual({ userRef: 'user:default/ravi', override: false, from: at('2026-01-05T09:00:00Z'), until: at('2026-01-12T09:00:00Z') });
  });

  it('hands over exactly at the local handoff time, not a second before', () => {
    expect(whoAt(risk, '2026-01-12T08:59:59Z')).toBe('user:default/ravi');
    expect(whoAt(risk, '2026-01-12T09:00:00Z')).toBe('user:default/elena');
    expect(whoAt(risk, '2026-01-26T09:00:00Z')).toBe('user:default/ravi');
  });

  it('keeps the local handoff time when London moves to summer time', () => {
    // 29 March 2026: London moves from GMT to BST, so Monday 09:00 local is 08:00 UTC from then on.
    expect(whoAt(risk, '2026-03-30T07:59:59Z')).toBe('user:default/jonas');
    expect(whoAt(risk, '2026-03-30T08:00:00Z')).toBe('user:default/ravi');
    const answer = evaluateRotation(rotationOf(risk), at('2026-03-25T12:00:00Z'));
    expect(answer.current).toEqual({ userRef: 'user:default/jonas', override: false, from: null, until: at('2026-03-30T08:00:00Z') });
    expect(answer.next).toEqual({ userRef: 'user:default/ravi', override: false, from: at('2026-03-30T08:00:00Z'), until: at('2026-04-06T08:00:00Z') });
  });
});

describe('handoffs inside a daylight-saving change', () => {
  it('happen when the clocks jump past a handoff time that does not exist that night', () => {
    // Berlin skips 02:00–03:00 on 29 March 2026; a 02:30 handoff happens at the jump (01:00 UTC).
    const nightly = rotation({ timezone: 'Europe/Berlin', handoff: { time: '02:30' }, start: '2026-03-27', members: ['a', 'b'] });
    expect(whoAt(nightly, '2026-03-29T00:59:59Z')).toBe('user:default/b');
    expect(whoAt(nightly, '2026-03-29T01:00:00Z')).toBe('user:default/a');
  });

  it('happen the first time the clocks read a handoff time that occurs twice', () => {
    // Berlin reads 02:00–03:00 twice on 25 October 2026; 02:30 first happens at 00:30 UTC.
    const nightly = rotation({ timezone: 'Europe/Berlin', handoff: { time: '02:30' }, start: '2026-10-23', members: ['a', 'b'] });
    expect(whoAt(nightly, '2026-10-25T00:29:59Z')).toBe('user:default/b');
    expect(whoAt(nightly, '2026-10-25T00:30:00Z')).toBe('user:default/a');
    expect(whoAt(nightly, '2026-10-25T01:30:00Z')).toBe('user:default/a');
  });
});

describe('overrides', () => {
  const risk = rotation({
    timezone: 'Europe/London',
    handoff: { weekday: 'monday', time: '09:00' },
    start: '2026-01-05',
    members: ['ravi', 'elena'],
    overrides: [
      { user: 'jonas', from: '2026-01-07T00:00:00Z', to: '2026-01-08T00:00:00Z' },
      { user: 'amara', from: '2026-01-07T12:00', to: '2026-01-07T13:00' },
    ],
  });

  it('win over the schedule for their window, and the schedule resumes after', () => {
    expect(whoAt(risk, '2026-01-06T23:59:59Z')).toBe('user:default/ravi');
    expect(whoAt(risk, '2026-01-07T00:00:00Z')).toBe('user:default/jonas');
    expect(whoAt(risk, '2026-01-08T00:00:00Z')).toBe('user:default/ravi');
  });

  it('let the one listed last win where two overlap, with times without an offset read in the rotation time zone', () => {
    expect(whoAt(risk, '2026-01-07T12:30:00Z')).toBe('user:default/amara');
    const answer = evaluateRotation(rotationOf(risk), at('2026-01-07T12:30:00Z'));
    expect(answer.current).toEqual({ userRef: 'user:default/amara', override: true, from: null, until: at('2026-01-07T13:00:00Z') });
    expect(answer.next).toEqual({ userRef: 'user:default/jonas', override: true, from: at('2026-01-07T13:00:00Z'), until: at('2026-01-08T00:00:00Z') });
  });

  it('end the current shift early when an override starts before the next handoff', () => {
    const answer = evaluateRotation(rotationOf(risk), at('2026-01-06T10:00:00Z'));
    expect(answer.current?.until).toBe(at('2026-01-07T00:00:00Z'));
    expect(answer.next?.userRef).toBe('user:default/jonas');
  });
});

it('starts a rotation given a start instant at the first handoff on or after it', () => {
  const late = rotation({ timezone: 'America/New_York', handoff: { weekday: 'monday', time: '09:00' }, start: '2026-01-05T10:00:00-05:00', members: ['a', 'b'] });
  expect(evaluateRotation(rotationOf(late), at('2026-01-06T00:00:00Z')).next?.from).toBe(at('2026-01-12T14:00:00Z'));
});

/*
 * Property tests: the implementation computes handoffs with calendar arithmetic and offset
 * resolution. The independent computation below instead walks the clock forward minute by minute
 * (hour by hour where nothing can happen), reads the local time as text through its own Intl
 * formatter, and records each handoff as the first minute whose local reading is at or past the
 * handoff's reading.
 */
const readers = new Map<string, Intl.DateTimeFormat>();
function localReading(instant: number, timeZone: string): string {
  let reader = readers.get(timeZone);
  if (!reader) {
    // sv-SE formats as "2026-03-29 02:30:00", which sorts as text in time order.
    reader = new Intl.DateTimeFormat('sv-SE', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
    readers.set(timeZone, reader);
  }
  return reader.format(instant);
}

const readingAsNumber = (reading: string) => Date.parse(`${reading.replace(' ', 'T')}Z`);

function calendarDates(first: string, count: number): string[] {
  const start = Date.parse(`${first}T00:00:00Z`);
  return Array.from({ length: count }, (_, i) => new Date(start + i * DAY).toISOString().slice(0, 10));
}

const WEEKDAY_NUMBER: Record<string, number> = { sunday: 0, monday: 1, tuesday: 2, wednesday: 3, thursday: 4, friday: 5, saturday: 6 };

/** Walks the clock from `from` to `to` and returns the instants at which each local reading in `targets` (sorted) is first reached. */
function walkToReadings(targets: string[], timeZone: string, from: number, to: number): number[] {
  const found: number[] = [];
  let index = 0;
  for (let t = from; t < to && index < targets.length; t += HOUR) {
    const here = localReading(t, timeZone);
    const there = localReading(t + HOUR, timeZone);
    const smooth = readingAsNumber(there) - readingAsNumber(here) === HOUR;
    if (smooth && there < targets[index]!) continue;
    for (let m = t + MINUTE; m <= t + HOUR && index < targets.length; m += MINUTE) {
      while (index < targets.length && localReading(m, timeZone) >= targets[index]!) {
        found.push(m);
        index++;
      }
    }
  }
  return found;
}

function oracleHandoffs(spec: RotationSpec, from: number, to: number): number[] {
  const startDate = spec.start.slice(0, 10);
  const dates = calendarDates(new Date(Date.parse(`${startDate}T00:00:00Z`) - 8 * DAY).toISOString().slice(0, 10), Math.ceil((to - from) / DAY) + 20);
  const handoffDates = spec.handoff.weekday ? dates.filter((date) => new Date(`${date}T00:00:00Z`).getUTCDay() === WEEKDAY_NUMBER[spec.handoff.weekday!]) : dates;
  const instants = walkToReadings(handoffDates.map((date) => `${date} ${spec.handoff.time}:00`), spec.timezone, from - 10 * DAY, to);
  const startInstant = spec.start.length === 10 ? walkToReadings([`${spec.start} 00:00:00`], spec.timezone, from - 10 * DAY, to)[0]! : Date.parse(spec.start);
  return instants.filter((instant) => instant >= startInstant);
}

function oracle(spec: RotationSpec, handoffs: number[], t: number): { who: string | null; until: number | null } {
  const overrides = (spec.overrides ?? []).map((o) => ({ user: `user:default/${o.user}`, from: Date.parse(o.from), to: Date.parse(o.to) }));
  const who = (instant: number): string | null => {
    const override = [...overrides].reverse().find((o) => o.from <= instant && instant < o.to);
    if (override) return override.user;
    const shifts = handoffs.filter((handoff) => handoff <= instant).length;
    return shifts === 0 ? null : `user:default/${spec.members[(shifts - 1) % spec.members.length]}`;
  };
  const now = who(t);
  const boundaries = [...handoffs, ...overrides.flatMap((o) => [o.from, o.to])].filter((b) => b > t).sort((a, b) => a - b);
  return { who: now, until: boundaries.find((b) => who(b) !== now) ?? null };
}

const ZONES = ['Europe/Berlin', 'America/New_York', 'Europe/London', 'Australia/Lord_Howe', 'Asia/Kolkata', 'Pacific/Auckland'];
// Daylight-saving changes in 2026 that the windows are placed around.
const CHANGES = ['2026-03-08', '2026-03-29', '2026-04-05', '2026-09-27', '2026-10-04', '2026-10-25', '2026-11-01'];
const TIMES = ['02:30', '02:00', '01:30', '03:00', '00:00', '09:00', '23:59', '01:59', '02:15'];
const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
const PEOPLE = ['ana', 'ben', 'chen', 'dara', 'eli'];

function randomRotation(prng: Prng): RotationSpec {
  const change = Date.parse(`${prng.pick(CHANGES)}T00:00:00Z`);
  const start = new Date(change - prng.int(0, 40) * DAY);
  const time = prng.chance(0.6) ? prng.pick(TIMES) : `${String(prng.int(0, 23)).padStart(2, '0')}:${String(prng.int(0, 59)).padStart(2, '0')}`;
  const members = Array.from({ length: prng.int(1, 4) }, () => prng.pick(PEOPLE));
  const overrides = Array.from({ length: prng.int(0, 3) }, () => {
    const from = change + prng.int(-20 * 24, 20 * 24) * HOUR + prng.int(0, 59) * MINUTE;
    return { user: prng.pick(PEOPLE), from: new Date(from).toISOString(), to: new Date(from + prng.int(1, 96) * HOUR).toISOString() };
  });
  const startText = prng.chance(0.7) ? start.toISOString().slice(0, 10) : new Date(start.getTime() + prng.int(0, 47) * HOUR + 30 * MINUTE).toISOString();
  return { timezone: prng.pick(ZONES), handoff: { ...(prng.chance(0.5) && { weekday: prng.pick(WEEKDAYS) }), time }, start: startText, members, overrides };
}

describe('rotations agree with a clock walked minute by minute', () => {
  it('at many instants around handoffs, overrides and daylight-saving changes in six time zones', () => {
    const prng = new Prng(20260329);
    let compared = 0;
    for (let r = 0; r < 40; r++) {
      const spec = randomRotation(prng);
      const from = Date.parse(spec.start.length === 10 ? `${spec.start}T00:00:00Z` : spec.start) - 3 * DAY;
      const to = from + 110 * DAY;
      const handoffs = oracleHandoffs(spec, from, to);
      const schedule = rotationOf(rotation(spec));
      const edges = (spec.overrides ?? []).flatMap((o) => [Date.parse(o.from), Date.parse(o.to)]);
      // Every handoff and override edge near a daylight-saving change, a sample of the others, and
      // instants anywhere in between.
      const candidates = [...handoffs, ...edges].filter((instant) => instant < to - 50 * DAY);
      const nearChange = (instant: number) => CHANGES.some((change) => Math.abs(Date.parse(`${change}T00:00:00Z`) - instant) < 3 * DAY);
      const interesting = [...candidates.filter(nearChange), ...prng.sample(candidates.filter((instant) => !nearChange(instant)), 8)];
      const instants = [
        ...Array.from({ length: 20 }, () => from + Math.floor(prng.next() * (to - 50 * DAY - from))),
        ...interesting.flatMap((instant) => [instant - 1000, instant, instant + 1000, instant - 31 * MINUTE]),
      ];
      for (const instant of instants) {
        const expected = oracle(spec, handoffs, instant);
        const answer = evaluateRotation(schedule, instant);
        const context = `${JSON.stringify(spec)} at ${new Date(instant).toISOString()}`;
        // Before the first shift nobody is on call, and the change to come is when the next one starts.
        const until = answer.current ? answer.current.until : (answer.next?.from ?? null);
        expect({ context, who: answer.current?.userRef ?? null, until }).toEqual({ context, ...expected });
        if (answer.next) expect({ context, next: answer.next.userRef }).toEqual({ context, next: oracle(spec, handoffs, answer.next.from!).who });
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(2000);
  });
});

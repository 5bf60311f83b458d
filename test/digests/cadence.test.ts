import { cadenceOf, dueSlot, nextSlot, parseCron, slotKey } from '../../src/health/cadence';

const HOUR = 3_600_000;
const at = (iso: string) => new Date(iso);

describe("a team's digest cadence", () => {
  it('is Monday 09:30 in the default time zone when the group says nothing', () => {
    const cadence = cadenceOf(undefined, 'Europe/Berlin');
    expect(cadence).toEqual({ cron: '30 9 * * 1', timeZone: 'Europe/Berlin', warnings: [] });
    // 2026-11-23 is a Monday; Berlin is UTC+1 in November.
    expect(dueSlot(cadence, at('2026-11-23T08:30:00Z'), 6 * HOUR)).toEqual(at('2026-11-23T08:30:00Z'));
    expect(dueSlot(cadence, at('2026-11-23T08:29:00Z'), 6 * HOUR)).toBeNull();
  });

  it("follows the team's backline.dev/timezone annotation", () => {
    const cadence = cadenceOf({ 'backline.dev/timezone': 'America/New_York' }, 'Europe/Berlin');
    expect(cadence.timeZone).toBe('America/New_York');
    expect(nextSlot(cadence, at('2026-11-22T00:00:00Z'))).toEqual(at('2026-11-23T14:30:00Z'));
  });

  it('keeps 09:30 local across daylight-saving changes', () => {
    const cadence = cadenceOf({}, 'Europe/Berlin');
    // Berlin leaves summer time on 25 October 2026: the Monday before is UTC+2, the one after UTC+1.
    expect(nextSlot(cadence, at('2026-10-18T00:00:00Z'))).toEqual(at('2026-10-19T07:30:00Z'));
    expect(nextSlot(cadence, at('2026-10-25T00:00:00Z'))).toEqual(at('2026-10-26T08:30:00Z'));
  });

  it('fires at the jump when clocks skip the scheduled time, and once when they repeat it', () => {
    // Berlin skips 02:00–03:00 on 29 March 2026 and repeats 02:00–03:00 on 25 October 2026.
    const skipped = cadenceOf({ 'backline.dev/digest-schedule': '30 2 * * *' }, 'Europe/Berlin');
    expect(nextSlot(skipped, at('2026-03-29T00:00:00Z'))).toEqual(at('2026-03-29T01:00:00Z'));
    expect(nextSlot(skipped, at('2026-10-25T00:00:00Z'))).toEqual(at('2026-10-25T00:30:00Z'));
    expect(nextSlot(skipped, at('2026-10-25T00:30:00Z'))).toEqual(at('2026-10-26T01:30:00Z'));
  });

  it('takes a cron expression from backline.dev/digest-schedule, and `off` turns digests off', () => {
    const daily = cadenceOf({ 'backline.dev/digest-schedule': '0 17 * * mon-fri', 'backline.dev/timezone': 'Asia/Tokyo' }, 'UTC');
    expect(daily.cron).toBe('0 17 * * mon-fri');
    expect(nextSlot(daily, at('2026-11-20T09:00:00Z'))).toEqual(at('2026-11-23T08:00:00Z'));
    const off = cadenceOf({ 'backline.dev/digest-schedule': 'off' }, 'UTC');
    expect(off.cron).toBeNull();
    expect(dueSlot(off, at('2026-11-23T09:30:00Z'), 6 * HOUR)).toBeNull();
  });

  it('falls back to the default with a warning when an annotation cannot be used', () => {
    const cadence = cadenceOf({ 'backline.dev/digest-schedule': 'every monday', 'backline.dev/timezone': 'Mars/Olympus' }, 'UTC');
    expect(cadence.cron).toBe('30 9 * * 1');
    expect(cadence.timeZone).toBe('UTC');
    expect(cadence.warnings).toEqual([
      'backline.dev/timezone "Mars/Olympus" is not an IANA time zone (such as Europe/Berlin); using UTC.',
      'backline.dev/digest-schedule "every monday" is not a cron expression of five fields (minute hour day-of-month month day-of-week), such as "30 9 * * 1"; using Monday 09:30.',
    ]);
  });

  it('reads cron fields as cron does: lists, ranges, steps, names, and either day field', () => {
    const fields = parseCron('*/15 9-10 1,15 jan-mar 0');
    expect(fields.minutes).toEqual([0, 15, 30, 45]);
    expect(fields.hours).toEqual([9, 10]);
    expect([...fields.months]).toEqual([1, 2, 3]);
    expect(fields.dayMatchesEither).toBe(true);
    expect(() => parseCron('61 9 * * 1')).toThrow('has "61" as its minute, which must be 0–59');
  });
});

describe('the due slot', () => {
  const cadence = cadenceOf({}, 'UTC');

  it('is still due a few hours after its time, so a slot missed during downtime is caught up', () => {
    expect(dueSlot(cadence, at('2026-11-23T14:00:00Z'), 6 * HOUR)).toEqual(at('2026-11-23T09:30:00Z'));
  });

  it('is no longer due past the catch-up window: an old digest is skipped, not sent late', () => {
    expect(dueSlot(cadence, at('2026-11-23T15:31:00Z'), 6 * HOUR)).toBeNull();
    expect(dueSlot(cadence, at('2026-11-24T09:30:00Z'), 6 * HOUR)).toBeNull();
  });

  it('is written to the minute in UTC in idempotency keys', () => {
    expect(slotKey(at('2026-11-23T09:30:00Z'))).toBe('2026-11-23T09:30Z');
  });
});

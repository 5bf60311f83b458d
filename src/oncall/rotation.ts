import type { Entity } from '../catalog/model';
import { parseEntityRef, stringifyEntityRef } from '../catalog/model/refs';
import { WEEKDAYS } from '../catalog/model/schemas/rotation';
import { dayNumberOf, instantOfIso, instantOfLocal, localDateTimeAt, timeOfDayOf, weekdayOf, type DayNumber } from './timeZones';

/**
 * A catalog `Rotation` (backline.dev/v1alpha1), ready for arithmetic: members take turns in the
 * order listed, handing off every `periodDays` local days at `handoffTime` in `timeZone`; overrides
 * put someone else on call for a window and win over the schedule (the one listed last wins when
 * overrides overlap).
 */
export interface RotationSchedule {
  ref: string;
  title: string;
  timeZone: string;
  periodDays: 1 | 7;
  /** The local date of the first handoff: the first shift starts then. */
  firstDay: DayNumber;
  /** Milliseconds after local midnight. */
  handoffTime: number;
  /** User refs, in turn order. */
  members: string[];
  overrides: Array<{ userRef: string; from: number; to: number }>;
}

/** One stretch of on-call: who, and between which instants (null: open-ended). */
export interface RotationShift {
  userRef: string;
  from: number | null;
  until: number | null;
  /** Put there by an override rather than the schedule. */
  override: boolean;
}

export interface RotationAnswer {
  /** Who is on call at the instant asked about; null before the first handoff (and no override). */
  current: RotationShift | null;
  /** Who takes over when `current` ends. */
  next: RotationShift | null;
  /** When the rotation's first shift begins. */
  firstHandoff: number;
}

/** Reads a validated Rotation entity. Dates without an offset are readings of the rotation's clocks. */
export function rotationOf(entity: Entity): RotationSchedule {
  const spec = entity.spec as {
    timezone: string;
    handoff: { weekday?: string; time: string };
    start: string;
    members: string[];
    overrides?: Array<{ user: string; from: string; to: string }>;
  };
  const namespace = entity.metadata.namespace ?? 'default';
  const userRef = (ref: string) => stringifyEntityRef(parseEntityRef(ref, { defaultKind: 'User', defaultNamespace: namespace }));
  const timeZone = spec.timezone;
  const periodDays = spec.handoff.weekday ? 7 : 1;
  const handoffTime = timeOfDayOf(spec.handoff.time);
  const weekday = spec.handoff.weekday ? (WEEKDAYS as readonly string[]).indexOf(spec.handoff.weekday.toLowerCase()) : undefined;

  // The first shift begins at the first handoff on or after `start`.
  const dateOnly = /^(\d{4})-(\d{2})-(\d{2})$/.exec(spec.start);
  const startInstant = dateOnly ? undefined : instantOfIso(spec.start, timeZone);
  const startDay = dateOnly ? dayNumberOf(Number(dateOnly[1]), Number(dateOnly[2]), Number(dateOnly[3])) : localDateTimeAt(startInstant!, timeZone).day;
  let firstDay = weekday === undefined ? startDay : startDay + ((weekday - weekdayOf(startDay) + 7) % 7);
  if (startInstant !== undefined && instantOfLocal(firstDay, handoffTime, timeZone) < startInstant) firstDay += periodDays;

  return {
    ref: stringifyEntityRef(entity),
    title: typeof entity.metadata.title === 'string' && entity.metadata.title.trim() ? entity.metadata.title : entity.metadata.name,
    timeZone,
    periodDays,
    firstDay,
    handoffTime,
    members: spec.members.map(userRef),
    overrides: (spec.overrides ?? []).map((override) => ({ userRef: userRef(override.user), from: instantOfIso(override.from, timeZone), to: instantOfIso(override.to, timeZone) })),
  };
}

/** The instant of the k-th handoff (k = 0 starts the first shift). */
export function handoffInstant(rotation: RotationSchedule, k: number): number {
  return instantOfLocal(rotation.firstDay + k * rotation.periodDays, rotation.handoffTime, rotation.timeZone);
}

/** Which shift of the schedule is under way at `at`: -1 before the first handoff. */
export function shiftIndexAt(rotation: RotationSchedule, at: number): number {
  const local = localDateTimeAt(at, rotation.timeZone);
  // The local calendar gives the shift to within one; the true handoff instants settle the rest
  // (the same local day holds the handoff, and daylight-saving days are not 24 hours long).
  let k = Math.max(-1, Math.floor((local.day - rotation.firstDay) / rotation.periodDays));
  while (k >= 0 && handoffInstant(rotation, k) > at) k--;
  while (handoffInstant(rotation, k + 1) <= at) k++;
  return k;
}

interface OnCallAt {
  userRef: string;
  override: boolean;
}

function onCallAt(rotation: RotationSchedule, at: number): OnCallAt | null {
  for (let i = rotation.overrides.length - 1; i >= 0; i--) {
    const override = rotation.overrides[i]!;
    if (override.from <= at && at < override.to) return { userRef: override.userRef, override: true };
  }
  const k = shiftIndexAt(rotation, at);
  return k < 0 ? null : { userRef: rotation.members[k % rotation.members.length]!, override: false };
}

const same = (a: OnCallAt | null, b: OnCallAt | null) => (a === null ? b === null : b !== null && a.userRef.toLowerCase() === b.userRef.toLowerCase());

/**
 * The first instant after `at` when someone other than `who` is on call; null when that never
 * happens (a rotation of one). Only override edges, and handoffs outside overrides, can change who
 * is on call, so those are the instants visited.
 */
function nextChange(rotation: RotationSchedule, at: number, who: OnCallAt | null): number | null {
  const edges = [...new Set(rotation.overrides.flatMap((override) => [override.from, override.to]))].sort((a, b) => a - b);
  // Once started, a rotation of one person never changes hands at a handoff. Otherwise someone new
  // comes up within one round of handoffs, so each stretch between override edges takes at most that many.
  const onePerson = new Set(rotation.members.map((member) => member.toLowerCase())).size === 1;
  const limit = (rotation.members.length + 1) * (edges.length + 1) + 1;
  let instant = at;
  for (let step = 0; step < limit; step++) {
    const edge = edges.find((candidate) => candidate > instant) ?? Number.POSITIVE_INFINITY;
    const current = onCallAt(rotation, instant);
    const shift = shiftIndexAt(rotation, instant);
    const handoffsMatter = !current?.override && !(onePerson && shift >= 0);
    const boundary = handoffsMatter ? Math.min(edge, handoffInstant(rotation, shift + 1)) : edge;
    if (!Number.isFinite(boundary)) return null;
    if (!same(onCallAt(rotation, boundary), who)) return boundary;
    instant = boundary;
  }
  return null;
}

/** Who is on call at `at`, until when, and who follows. */
export function evaluateRotation(rotation: RotationSchedule, at: number): RotationAnswer {
  const firstHandoff = handoffInstant(rotation, 0);
  const now = onCallAt(rotation, at);
  const until = nextChange(rotation, at, now);
  const current = now ? { ...now, from: null, until } : null;
  let next: RotationShift | null = null;
  if (until !== null) {
    const then = onCallAt(rotation, until);
    if (then) next = { ...then, from: until, until: nextChange(rotation, until, then) };
  }
  return { current, next, firstHandoff };
}

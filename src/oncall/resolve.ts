import type { CatalogStore, StoredEntity } from '../catalog/store';
import type { Logger } from '../logger';
import type { SlackDirectory } from '../directory';
import { evaluateRotation, rotationOf } from './rotation';
import type { OnCallCacheStore, CachedOnCall } from './PgOnCallCacheStore';
import { ONCALL_ANNOTATIONS, OnCallProviderError, PROVIDER_SETUP, type OnCallProvider, type OnCallSource, type OnCallTarget, type ProviderShift } from './provider';

/** Someone on call, as every surface shows them. */
export interface OnCallPerson {
  name: string;
  email: string | null;
  /** Their User entity, when the catalog has one. */
  userRef: string | null;
  slackUserId: string | null;
  /** 1 is called first. */
  level: number;
  /** Epoch milliseconds; null when open-ended or unknown. */
  from: number | null;
  until: number | null;
}

/** Where the on-call setting was found, relative to what was asked about. */
export interface OnCallOrigin {
  ref: string;
  displayName: string;
  relation: 'itself' | 'owner' | 'parent';
}

export interface OnCallAnswer {
  /** The entity asked about. */
  target: string;
  source: OnCallSource | null;
  origin: OnCallOrigin | null;
  /** What the source was asked: "service Payments API", "Risk primary on-call". */
  label: string | null;
  /** On call at `at`, level 1 first. */
  oncall: OnCallPerson[];
  /** Who takes over level 1 next. */
  next: OnCallPerson[];
  /** Where to page them, when the provider has a page for it. */
  pageUrl: string | null;
  /** Where the answer came from: the provider just now, its cached answer, an older answer kept for failures, or the catalog. */
  servedFrom: 'provider' | 'cache' | 'stale' | 'catalog' | null;
  fetchedAt: number | null;
  warnings: string[];
  at: number;
}

export interface OnCallResolver {
  /** Who is on call for an entity at `at` (default now). Never rejects for provider failures. */
  resolve(entity: StoredEntity, options?: { at?: number; catalog?: OnCallCatalog }): Promise<OnCallAnswer>;
}

/** What finding an entity's on-call reads of the catalog. A caller holding a view of it (a card's neighbourhood) can pass that. */
export type OnCallCatalog = Pick<CatalogStore, 'getByRef' | 'getManyByRef' | 'relationsFrom' | 'groupAncestry'>;

export interface OnCallResolverOptions {
  catalog: OnCallCatalog & Pick<CatalogStore, 'findUsersByEmail'>;
  /** Configured providers only. */
  providers: OnCallProvider[];
  cache: OnCallCacheStore;
  directory?: SlackDirectory;
  now?: () => number;
  /** Bound on one provider lookup, every request it makes included. */
  timeoutMs?: number;
  /** How long a provider answer is used without asking again. */
  cacheTtlMs?: number;
  logger?: Logger;
}

type Setting =
  | { kind: 'provider'; origin: OnCallOrigin; source: Exclude<OnCallSource, 'rotation'>; target: OnCallTarget; provider: OnCallProvider | undefined }
  | { kind: 'rotation'; origin: OnCallOrigin; rotations: StoredEntity[] };

const DAY = 86_400_000;
// Shifts of the next two weeks: enough to say who is next, and to answer from the cache while a provider is down.
const WINDOW_MS = 14 * DAY;
const MAX_PARENTS = 8;

/**
 * Finds where an entity's on-call is set — its own annotations, else its owner group's, else a
 * Rotation owned by that group, else the parent group's — and asks that source, through a short
 * Postgres cache, with every provider lookup bounded by a timeout.
 */
export function createOnCallResolver(options: OnCallResolverOptions): OnCallResolver {
  const now = options.now ?? Date.now;
  const timeoutMs = options.timeoutMs ?? 2000;
  const cacheTtlMs = options.cacheTtlMs ?? 60_000;
  const { catalog } = options;
  // Concurrent requests for the same thing share one provider call.
  const inFlight = new Map<string, Promise<CachedOnCall>>();

  async function findSetting(entity: StoredEntity, reads: OnCallCatalog): Promise<Setting | null> {
    if (entity.kind === 'rotation') return { kind: 'rotation', origin: originOf(entity, 'itself'), rotations: [entity] };
    let group: StoredEntity | undefined;
    let relation: OnCallOrigin['relation'] = 'itself';
    if (entity.kind === 'group') group = entity;
    else {
      const own = providerSetting(entity, originOf(entity, 'itself'));
      if (own) return own;
      const ownerRef = (await reads.relationsFrom(entity.refKey, [entity.kind === 'user' ? 'memberOf' : 'ownedBy']))[0]?.targetRef;
      const owner = ownerRef ? await reads.getByRef(ownerRef.toLowerCase()) : undefined;
      if (owner?.kind !== 'group') return null;
      group = owner;
      relation = 'owner';
    }
    // The team, then its parents, each with the Rotations it owns: one read however far up it goes.
    const ancestry = await reads.groupAncestry(group.refKey, { ownedKinds: ['rotation'], maxDepth: MAX_PARENTS });
    for (const [depth, { group: level, owned }] of ancestry.entries()) {
      const origin = originOf(level, depth === 0 ? relation : 'parent');
      const annotated = providerSetting(level, origin);
      if (annotated) return annotated;
      if (owned.length) {
        const rotations = (await reads.getManyByRef(owned.map((ref) => ref.toLowerCase()))).sort((a, b) => a.refKey.localeCompare(b.refKey));
        if (rotations.length) return { kind: 'rotation', origin, rotations };
      }
    }
    return null;
  }

  function providerSetting(entity: StoredEntity, origin: OnCallOrigin): Setting | null {
    const annotations = entity.entity.metadata.annotations ?? {};
    const declared = ONCALL_ANNOTATIONS.filter(({ annotation }) => typeof annotations[annotation] === 'string' && annotations[annotation]!.trim() !== '');
    if (declared.length === 0) return null;
    // An entity may name both providers; the first one Backline can talk to wins.
    const usable = declared.find(({ source }) => options.providers.some((provider) => provider.source === source)) ?? declared[0]!;
    const provider = options.providers.find((candidate) => candidate.source === usable.source);
    return { kind: 'provider', origin, source: usable.source, target: { annotation: usable.annotation, value: annotations[usable.annotation]!.trim() }, provider };
  }

  async function fetchBounded(provider: OnCallProvider, target: OnCallTarget, at: number): Promise<CachedOnCall> {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new OnCallProviderError('timeout', `${provider.displayName} did not answer in ${seconds(timeoutMs)}`));
      }, timeoutMs);
    });
    try {
      // The race keeps the bound even if a request ignores the abort signal.
      const answer = await Promise.race([provider.shifts(target, { from: new Date(at), to: new Date(at + WINDOW_MS) }, controller.signal), timedOut]);
      return { key: cacheKey(provider.source, target), answer, coversFrom: at, coversTo: at + WINDOW_MS, fetchedAt: now() };
    } catch (error) {
      if (controller.signal.aborted && !(error instanceof OnCallProviderError && error.failure === 'timeout')) {
        throw new OnCallProviderError('timeout', `${provider.displayName} did not answer in ${seconds(timeoutMs)}`, { cause: error });
      }
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  async function askProvider(setting: Extract<Setting, { kind: 'provider' }>, at: number, answer: OnCallAnswer): Promise<void> {
    const provider = setting.provider!;
    const key = cacheKey(provider.source, setting.target);
    const covers = (entry: CachedOnCall | undefined): entry is CachedOnCall => entry !== undefined && entry.coversFrom <= at && at < entry.coversTo;
    let entry = await options.cache.get(key);
    if (covers(entry) && now() - entry.fetchedAt < cacheTtlMs) {
      answer.servedFrom = 'cache';
    } else {
      const flightKey = `${key} ${Math.floor(at / 60_000)}`;
      let flight = inFlight.get(flightKey);
      if (!flight) {
        flight = fetchBounded(provider, setting.target, at).then(async (fresh) => {
          await options.cache.put(fresh).catch((error: unknown) => options.logger?.warn('could not cache an on-call answer', { error, key }));
          return fresh;
        });
        inFlight.set(flightKey, flight);
        void flight.catch(() => undefined).finally(() => inFlight.delete(flightKey));
      }
      try {
        entry = await flight;
        answer.servedFrom = 'provider';
      } catch (error) {
        const message = error instanceof OnCallProviderError ? error.message : `${provider.displayName} failed (${(error as Error).message})`;
        if (!(error instanceof OnCallProviderError)) options.logger?.error('on-call provider failed', { error, key });
        if (covers(entry)) {
          answer.warnings.push(`${message}; showing what it said ${ago(now() - entry.fetchedAt)}.`);
          answer.servedFrom = 'stale';
        } else {
          answer.warnings.push(`${message}.`);
          return;
        }
      }
    }
    answer.label = entry.answer.label;
    answer.pageUrl = entry.answer.pageUrl;
    answer.fetchedAt = entry.fetchedAt;
    const { current, next } = shiftsAt(entry.answer.shifts, at);
    answer.oncall = await people(current);
    answer.next = await people(next);
    if (answer.oncall.length === 0) answer.warnings.push(`Nobody is on call in ${provider.displayName} ${entry.answer.label} right now.`);
  }

  async function people(shifts: ProviderShift[]): Promise<OnCallPerson[]> {
    const emails = [...new Set(shifts.map((shift) => shift.email?.toLowerCase()).filter((email): email is string => Boolean(email)))];
    const users = new Map<string, StoredEntity>();
    await Promise.all(emails.map(async (email) => {
      const user = (await catalog.findUsersByEmail(email))[0];
      if (user) users.set(email, user);
    }));
    const persons = shifts.map((shift): OnCallPerson => {
      const user = shift.email ? users.get(shift.email.toLowerCase()) : undefined;
      return {
        name: user ? displayNameOf(user) : shift.name,
        email: shift.email,
        userRef: user?.ref ?? null,
        slackUserId: user ? slackIdOf(user) : null,
        level: shift.level,
        from: shift.start ? Date.parse(shift.start) : null,
        until: shift.end ? Date.parse(shift.end) : null,
      };
    });
    return addSlackIds(persons);
  }

  async function addSlackIds(persons: OnCallPerson[]): Promise<OnCallPerson[]> {
    const missing = persons.filter((person) => !person.slackUserId && person.email);
    if (options.directory && missing.length) {
      const accounts = await options.directory.accountsByEmail(missing.map((person) => person.email!));
      for (const person of missing) person.slackUserId = accounts.get(person.email!.toLowerCase())?.slackUserId ?? null;
    }
    return persons;
  }

  async function askRotations(setting: Extract<Setting, { kind: 'rotation' }>, at: number, answer: OnCallAnswer): Promise<void> {
    const evaluated = setting.rotations.map((entity) => ({ schedule: rotationOf(entity.entity), entity }));
    const memberRefs = [...new Set(evaluated.flatMap(({ schedule }) => [...schedule.members, ...schedule.overrides.map((o) => o.userRef)]).map((ref) => ref.toLowerCase()))];
    const users = new Map((await catalog.getManyByRef(memberRefs)).map((user) => [user.refKey, user]));
    const person = (userRef: string, from: number | null, until: number | null): OnCallPerson => {
      const user = users.get(userRef.toLowerCase());
      const email = user ? emailOf(user) : null;
      return { name: user ? displayNameOf(user) : userRef.slice(userRef.lastIndexOf('/') + 1), email, userRef, slackUserId: user ? slackIdOf(user) : null, level: 1, from, until };
    };
    for (const { schedule } of evaluated) {
      const result = evaluateRotation(schedule, at);
      if (result.current) answer.oncall.push(person(result.current.userRef, result.current.from, result.current.until));
      else if (at < result.firstHandoff) answer.warnings.push(`${schedule.title} starts at ${new Date(result.firstHandoff).toISOString()}; nobody is on call from it before then.`);
      if (result.next) answer.next.push(person(result.next.userRef, result.next.from, result.next.until));
      const missing = [result.current, result.next].filter((shift) => shift && !users.has(shift.userRef.toLowerCase()));
      for (const shift of missing) answer.warnings.push(`${shift!.userRef} is on ${schedule.title} but not in the catalog: add a User entity so Backline can mention them.`);
    }
    answer.label = evaluated.map(({ schedule }) => schedule.title).join(', ');
    answer.servedFrom = 'catalog';
    answer.fetchedAt = null;
    await addSlackIds([...answer.oncall, ...answer.next]);
  }

  return {
    async resolve(entity, resolveOptions = {}) {
      const at = resolveOptions.at ?? now();
      const answer: OnCallAnswer = { target: entity.ref, source: null, origin: null, label: null, oncall: [], next: [], pageUrl: null, servedFrom: null, fetchedAt: null, warnings: [], at };
      const setting = await findSetting(entity, resolveOptions.catalog ?? catalog);
      if (!setting) {
        answer.warnings.push(`No on-call is set up for ${entity.ref} or its team: add a pagerduty.com/service-id or opsgenie.com/team annotation to the team's Group, or a Rotation owned by the team.`);
        return answer;
      }
      answer.origin = setting.origin;
      if (setting.kind === 'rotation') {
        answer.source = 'rotation';
        await askRotations(setting, at, answer);
        return answer;
      }
      answer.source = setting.source;
      if (!setting.provider) {
        const setup = PROVIDER_SETUP[setting.source];
        answer.label = `${setting.target.annotation}: ${setting.target.value}`;
        answer.warnings.push(`On-call for ${setting.origin.displayName} is in ${setup.displayName} (${setting.target.annotation}: ${setting.target.value}), but Backline cannot ask it: set ${setup.setting}.`);
        return answer;
      }
      await askProvider(setting, at, answer);
      return answer;
    },
  };
}

/** Who is on call at `at` by level, and who takes over level 1 next. */
export function shiftsAt(shifts: ProviderShift[], at: number): { current: ProviderShift[]; next: ProviderShift[] } {
  const startOf = (shift: ProviderShift) => (shift.start ? Date.parse(shift.start) : Number.NEGATIVE_INFINITY);
  const endOf = (shift: ProviderShift) => (shift.end ? Date.parse(shift.end) : Number.POSITIVE_INFINITY);
  const person = (shift: ProviderShift) => (shift.email ?? shift.name).toLowerCase();
  const byStart = [...shifts].sort((a, b) => startOf(a) - startOf(b));
  const current: ProviderShift[] = [];
  for (const shift of byStart.filter((s) => startOf(s) <= at && at < endOf(s)).sort((a, b) => a.level - b.level)) {
    if (current.some((c) => c.level === shift.level && person(c) === person(shift))) continue;
    // Back-to-back shifts of the same person (schedule layers split them) are one stretch on call.
    let end = endOf(shift);
    for (const later of byStart) if (later.level === shift.level && person(later) === person(shift) && startOf(later) <= end && endOf(later) > end) end = endOf(later);
    current.push({ ...shift, end: Number.isFinite(end) ? new Date(end).toISOString() : null });
  }
  const firstLevel = current.filter((shift) => shift.level === current[0]?.level);
  const handover = firstLevel.length ? Math.min(...firstLevel.map(endOf)) : at;
  const level = current[0]?.level ?? Math.min(...shifts.map((s) => s.level));
  const onNow = new Set(firstLevel.map(person));
  const next = byStart.find((shift) => shift.level === level && startOf(shift) >= handover && !onNow.has(person(shift)));
  return { current, next: next ? [next] : [] };
}

function cacheKey(source: string, target: OnCallTarget): string {
  return `${source} ${target.annotation} ${target.value}`;
}

function originOf(entity: StoredEntity, relation: OnCallOrigin['relation']): OnCallOrigin {
  return { ref: entity.ref, displayName: displayNameOf(entity), relation };
}

function displayNameOf(entity: StoredEntity): string {
  const profile = (entity.entity.spec as { profile?: { displayName?: unknown } } | undefined)?.profile;
  if (typeof profile?.displayName === 'string' && profile.displayName.trim()) return profile.displayName;
  const title = entity.entity.metadata.title;
  return typeof title === 'string' && title.trim() ? title : entity.name;
}

function emailOf(user: StoredEntity): string | null {
  const email = (user.entity.spec as { profile?: { email?: unknown } } | undefined)?.profile?.email;
  return typeof email === 'string' ? email : null;
}

function slackIdOf(user: StoredEntity): string | null {
  return user.entity.metadata.annotations?.['slack.com/user-id'] ?? null;
}

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}

function ago(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 1) return 'moments ago';
  if (minutes < 90) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `${hours} h ago` : `${Math.round(hours / 24)} days ago`;
}

import type { StoredEntity } from '../../catalog/store';
import type { OnCallAnswer, OnCallCatalog, OnCallResolver } from '../../oncall/resolve';
import { ONCALL_ANNOTATIONS } from '../../oncall/provider';
import type { Facts } from '../model';
import type { CatalogSnapshot } from './snapshot';

// The on-call facts there can be, one object each, shared by every entity that has them.
const UNKNOWN: Facts = { 'oncall.configured': null, 'oncall.hasPersonNow': null };
const NONE: Facts = { 'oncall.configured': false, 'oncall.hasPersonNow': false };
const NOBODY_NOW: Facts = { 'oncall.configured': true, 'oncall.hasPersonNow': false };
const SOMEONE_NOW: Facts = { 'oncall.configured': true, 'oncall.hasPersonNow': true };
const UNANSWERED: Facts = { 'oncall.configured': true, 'oncall.hasPersonNow': null };

/**
 * oncall.configured and oncall.hasPersonNow through OnCallResolver; with `catalog` (a whole-catalog
 * snapshot) its catalog reads are answered from memory. On-call is nearly always set on the team, so an entity without its own on-call
 * annotation takes its owner team's answer: one resolution per team, not per entity. Providers are
 * asked a few at a time, and through the resolver's cache. Answers already in `answers` (see
 * resolveOnCall) are taken from there.
 */
export async function onCallFacts(
  entities: StoredEntity[],
  resolver: OnCallResolver | undefined,
  snapshot: CatalogSnapshot,
  options: { at: number; concurrency?: number; catalog?: OnCallCatalog; answers?: Map<string, Facts> },
): Promise<Map<string, Facts>> {
  const facts = new Map<string, Facts>();
  if (!resolver) {
    for (const entity of entities) facts.set(entity.refKey, UNKNOWN);
    return facts;
  }
  // Who answers for each entity: itself (its own annotation, a Group, a Rotation), else its owner.
  const askFor = new Map<string, StoredEntity>();
  const answererOf = new Map<string, string | null>();
  for (const entity of entities) {
    const own = answersForItself(entity);
    const ownerKey = own ? entity.refKey : snapshot.targets(entity.refKey, 'ownedBy')[0];
    const answerer = ownerKey ? snapshot.get(ownerKey) : undefined;
    // Owned by a User or by nobody known: the resolver would find nothing either.
    const usable = answerer && (own || answerer.kind === 'group') ? answerer : undefined;
    answererOf.set(entity.refKey, usable?.refKey ?? null);
    if (usable) askFor.set(usable.refKey, usable);
  }
  const answers = options.answers ?? new Map<string, Facts>();
  await resolveOnCall([...askFor.values()], resolver, answers, options);
  for (const entity of entities) {
    const key = answererOf.get(entity.refKey);
    facts.set(entity.refKey, key ? answers.get(key)! : NONE);
  }
  return facts;
}

/** Whether an entity's on-call is its own (a Group, a Rotation, its own on-call annotation) rather than its owner team's. */
export function answersForItself(entity: StoredEntity): boolean {
  return entity.kind === 'group' || entity.kind === 'rotation' || hasOwnOnCall(entity);
}

/**
 * Resolves on-call for each of `answerers` not yet in `answers`, a few at a time, and keeps their
 * facts there by ref key. An evaluation of the whole catalog resolves every entity that answers for
 * itself this way before it writes anything, so that no provider is asked while its write is open.
 */
export async function resolveOnCall(answerers: StoredEntity[], resolver: OnCallResolver, answers: Map<string, Facts>, options: { at: number; concurrency?: number; catalog?: OnCallCatalog }): Promise<void> {
  const queue = answerers.filter((entity) => !answers.has(entity.refKey));
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      let answer: OnCallAnswer | null;
      try {
        answer = await resolver.resolve(next, { at: options.at, ...(options.catalog && { catalog: options.catalog }) });
      } catch {
        // The resolver does not reject for provider failures; anything else leaves the facts unknown.
        answer = null;
      }
      answers.set(next.refKey, factsOf(answer));
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 8, queue.length) }, worker));
}

function factsOf(answer: OnCallAnswer | null): Facts {
  if (!answer) return UNKNOWN;
  if (!answer.source) return NONE;
  // Configured but not answered (provider not set up, or failing with nothing cached): unknown.
  if (answer.servedFrom === null) return UNANSWERED;
  return answer.oncall.length > 0 ? SOMEONE_NOW : NOBODY_NOW;
}

function hasOwnOnCall(entity: StoredEntity): boolean {
  const annotations = entity.entity.metadata.annotations ?? {};
  return ONCALL_ANNOTATIONS.some(({ annotation }) => Boolean(annotations[annotation]?.trim()));
}

import type { StoredEntity } from '../../catalog/store';
import type { OnCallAnswer, OnCallCatalog, OnCallResolver } from '../../oncall/resolve';
import { ONCALL_ANNOTATIONS } from '../../oncall/provider';
import type { Facts } from '../model';
import type { CatalogSnapshot } from './snapshot';

/**
 * oncall.configured and oncall.hasPersonNow through OnCallResolver; with `catalog` (a whole-catalog
 * snapshot) its catalog reads are answered from memory. On-call is nearly always set on the team, so an entity without its own on-call
 * annotation takes its owner team's answer: one resolution per team, not per entity. Providers are
 * asked a few at a time, and through the resolver's cache.
 */
export async function onCallFacts(entities: StoredEntity[], resolver: OnCallResolver | undefined, snapshot: CatalogSnapshot, options: { at: number; concurrency?: number; catalog?: OnCallCatalog }): Promise<Map<string, Facts>> {
  const facts = new Map<string, Facts>();
  if (!resolver) {
    for (const entity of entities) facts.set(entity.refKey, { 'oncall.configured': null, 'oncall.hasPersonNow': null });
    return facts;
  }
  // Who answers for each entity: itself (its own annotation, a Group, a Rotation), else its owner.
  const askFor = new Map<string, StoredEntity>();
  const answererOf = new Map<string, string | null>();
  for (const entity of entities) {
    const own = entity.kind === 'group' || entity.kind === 'rotation' || hasOwnOnCall(entity);
    const ownerKey = own ? entity.refKey : snapshot.targets(entity.refKey, 'ownedBy')[0];
    const answerer = ownerKey ? snapshot.get(ownerKey) : undefined;
    // Owned by a User or by nobody known: the resolver would find nothing either.
    const usable = answerer && (own || answerer.kind === 'group') ? answerer : undefined;
    answererOf.set(entity.refKey, usable?.refKey ?? null);
    if (usable) askFor.set(usable.refKey, usable);
  }
  const answers = new Map<string, OnCallAnswer | null>();
  const queue = [...askFor.values()];
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      try {
        answers.set(next.refKey, await resolver.resolve(next, { at: options.at, ...(options.catalog && { catalog: options.catalog }) }));
      } catch {
        // The resolver does not reject for provider failures; anything else leaves the facts unknown.
        answers.set(next.refKey, null);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 8, queue.length) }, worker));
  for (const entity of entities) {
    const key = answererOf.get(entity.refKey);
    facts.set(entity.refKey, key ? factsOf(answers.get(key)) : { 'oncall.configured': false, 'oncall.hasPersonNow': false });
  }
  return facts;
}

function factsOf(answer: OnCallAnswer | null | undefined): Facts {
  if (!answer) return { 'oncall.configured': null, 'oncall.hasPersonNow': null };
  if (!answer.source) return { 'oncall.configured': false, 'oncall.hasPersonNow': false };
  // Configured but not answered (provider not set up, or failing with nothing cached): unknown.
  const answered = answer.servedFrom !== null;
  return { 'oncall.configured': true, 'oncall.hasPersonNow': answered ? answer.oncall.length > 0 : null };
}

function hasOwnOnCall(entity: StoredEntity): boolean {
  const annotations = entity.entity.metadata.annotations ?? {};
  return ONCALL_ANNOTATIONS.some(({ annotation }) => Boolean(annotations[annotation]?.trim()));
}

import type { CatalogStore } from '../catalog/store';
import type { HealthReader, Scorecard } from './model';
import { UserFacingError } from '../errors';
import { channelOf, displayNameOf } from './facts/catalog';
import { entityHealthOf, teamHealthOf } from './scoring';
import type { HealthStore } from './store';

export interface HealthReaderOptions {
  catalog: Pick<CatalogStore, 'getByRef' | 'getManyByRef' | 'relationsFrom' | 'owningGroups'>;
  store: HealthStore;
  scorecard: Scorecard;
  now?: () => Date;
}

/**
 * HealthReader over the health tables and the catalog: what the last evaluation recorded, scored
 * against the scorecard in force. Reading never evaluates; `collectAndScore` and `backline health` do.
 */
export function createHealthReader(options: HealthReaderOptions): HealthReader {
  const { catalog, store, scorecard } = options;
  const now = options.now ?? (() => new Date());
  return {
    scorecard: () => scorecard,

    async teamHealth(teamRef, readOptions = {}) {
      const team = await catalog.getByRef(teamRef.toLowerCase());
      if (team?.kind !== 'group') return undefined;
      const ownedRefs = (await catalog.relationsFrom(team.refKey, ['ownerOf'])).map((relation) => relation.targetRef.toLowerCase());
      const owned = await catalog.getManyByRef(ownedRefs);
      const refs = owned.map((entity) => entity.ref);
      // With `at`: each check as it stood then, rebuilt from the transitions.
      const results = readOptions.at ? await store.resultsAt(refs, readOptions.at) : await store.currentResults(refs);
      const byEntity = new Map<string, typeof results>();
      for (const result of results) {
        const key = result.entityRef.toLowerCase();
        byEntity.set(key, [...(byEntity.get(key) ?? []), result]);
      }
      const entities = owned.map((entity) => entityHealthOf(entity, byEntity.get(entity.refKey) ?? [], scorecard));
      const evaluatedAt = readOptions.at ?? results.reduce<Date | null>((latest, result) => (!latest || result.evaluatedAt > latest ? result.evaluatedAt : latest), null) ?? now();
      return teamHealthOf(team, channelOf(team), entities, evaluatedAt);
    },

    async owningTeams() {
      // The digest job asks every minute: the groups come from the database, not from every ownedBy relation.
      const groups = await catalog.owningGroups();
      return groups.map((group) => ({ team: group.ref, displayName: displayNameOf(group), channel: channelOf(group) }));
    },

    scoreHistory: (teamRef, since) => store.scoreHistory(teamRef, since),
    transitions: (transitionOptions) => store.transitions(transitionOptions),
    activeWaivers: (waiverOptions = {}) => store.activeWaivers({ at: waiverOptions.at ?? now(), entityRefs: waiverOptions.entityRefs }),

    async addWaivers(waiver) {
      if (!scorecard.checks.some((check) => check.id === waiver.checkId)) throw new UserFacingError(`There is no check "${waiver.checkId}" in the scorecard in force; checks: ${scorecard.checks.map((check) => check.id).join(', ')}.`);
      if (waiver.kind === 'not_applicable' && !waiver.reason?.trim()) throw new UserFacingError(`Marking ${waiver.checkId} not applicable needs a reason, so the next owner knows why.`);
      return store.addWaivers(waiver, now());
    },
  };
}

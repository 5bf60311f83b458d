import type { OutgoingMessage, Outbox, ScheduledJob } from '../scheduler/ports';
import type { Logger } from '../logger';
import { isProduction, pairKey } from './digest';
import { nudgeId, type DigestStore } from './digestStore';
import type { CheckDefinition, CheckTransition, HealthReader, Level, TeamHealth, Waiver } from './model';

/**
 * Nudges: when a check goes from pass to fail on a production entity, the owning team hears about
 * it in its channel, in one message per team per hour, once per transition, and never about a
 * check that is snoozed or waived.
 */

export interface NudgeItem {
  entityRef: string;
  displayName: string;
  checkId: string;
  title: string;
  level: Level | null;
  fix: CheckDefinition['fix'];
  /** When it started failing: with the entity and check, what makes this nudge this nudge. */
  transitionAt: Date;
}

export interface NudgeBatch {
  team: string;
  displayName: string;
  channel: string;
  items: NudgeItem[];
}

export interface NudgeInput {
  teams: TeamHealth[];
  checks: CheckDefinition[];
  /** Transitions in the window, oldest first. */
  transitions: CheckTransition[];
  waivers: Waiver[];
  /** `nudgeId`s already sent. */
  alreadyNudged: Set<string>;
  now: Date;
}

/**
 * The nudges due: for each team with a channel, the pass→fail transitions of its production
 * entities that still fail now, are neither snoozed nor waived, and were not nudged about before.
 * A check that failed, recovered and failed again is a new transition, so it is nudged again.
 */
export function selectNudges(input: NudgeInput): NudgeBatch[] {
  const checks = new Map(input.checks.map((check) => [check.id, check]));
  const waived = new Set(input.waivers.filter((waiver) => !waiver.expiresAt || waiver.expiresAt > input.now).map((waiver) => pairKey(waiver.entityRef, waiver.checkId)));
  // The latest pass→fail per entity and check: the one the failure now dates from.
  const started = new Map<string, CheckTransition>();
  for (const transition of input.transitions) {
    if (transition.from === 'pass' && transition.to === 'fail') started.set(pairKey(transition.entityRef, transition.checkId), transition);
  }
  const batches: NudgeBatch[] = [];
  for (const team of input.teams) {
    if (!team.channel) continue;
    const items: NudgeItem[] = [];
    for (const entity of team.entities) {
      if (!isProduction(entity.lifecycle)) continue;
      for (const result of entity.results) {
        const key = pairKey(entity.ref, result.checkId);
        const transition = started.get(key);
        if (!transition || result.status !== 'fail' || waived.has(key)) continue;
        if (input.alreadyNudged.has(nudgeId({ entityRef: entity.ref, checkId: result.checkId, transitionAt: transition.at }))) continue;
        const check = checks.get(result.checkId);
        items.push({ entityRef: entity.ref, displayName: entity.displayName, checkId: result.checkId, title: check?.title ?? result.checkId, level: check?.level ?? null, fix: check?.fix ?? { text: '' }, transitionAt: transition.at });
      }
    }
    if (items.length) batches.push({ team: team.team, displayName: team.displayName, channel: team.channel, items: items.sort((a, b) => a.transitionAt.getTime() - b.transitionAt.getTime() || a.displayName.localeCompare(b.displayName)) });
  }
  return batches;
}

export interface NudgeJobPorts {
  health: HealthReader;
  store: Pick<DigestStore, 'nudged' | 'recordNudges'>;
  outbox: Outbox;
  render: (batch: NudgeBatch) => { text: string; blocks: OutgoingMessage['blocks'] };
  logger: Logger;
}

const HOUR = 3_600_000;
/** How far back a run looks: transitions of runs missed while Backline was down are still nudged. */
export const NUDGE_LOOKBACK_MS = 3 * HOUR;

/**
 * Runs at the top of every hour: one outbox message per team (`nudge:<team>:<hour>`), so a team
 * hears at most once an hour however many checks broke.
 */
export function nudgeJob(ports: NudgeJobPorts, options: { lookbackMs?: number } = {}): ScheduledJob {
  return {
    name: 'health-nudges',
    cron: '0 * * * *',
    run: async (slot) => {
      await sendNudges(slot, ports, options);
    },
  };
}

export async function sendNudges(slot: Date, ports: NudgeJobPorts, options: { lookbackMs?: number } = {}): Promise<{ batches: number; nudges: number }> {
  const hour = new Date(Math.floor(slot.getTime() / HOUR) * HOUR);
  const since = new Date(slot.getTime() - (options.lookbackMs ?? NUDGE_LOOKBACK_MS));
  const transitions = await ports.health.transitions({ since, until: slot });
  const candidates = transitions.filter((transition) => transition.from === 'pass' && transition.to === 'fail');
  // Most hours nothing broke: one read, and nothing else.
  if (candidates.length === 0) return { batches: 0, nudges: 0 };
  const teams = (await Promise.all((await ports.health.owningTeams()).map((team) => ports.health.teamHealth(team.team)))).filter((team): team is TeamHealth => team !== undefined);
  const entityRefs = [...new Set(candidates.map((transition) => transition.entityRef))];
  const [waivers, alreadyNudged] = await Promise.all([
    ports.health.activeWaivers({ at: slot, entityRefs }),
    ports.store.nudged(candidates.map((transition) => ({ entityRef: transition.entityRef, checkId: transition.checkId, transitionAt: transition.at }))),
  ]);
  const batches = selectNudges({ teams, checks: ports.health.scorecard().checks, transitions, waivers, alreadyNudged, now: slot });
  let nudges = 0;
  for (const batch of batches) {
    try {
      const { text, blocks } = ports.render(batch);
      // Queued first, then remembered: a crash in between queues the same key again, which the outbox ignores.
      await ports.outbox.enqueue([{ idempotencyKey: `nudge:${batch.team}:${hour.toISOString().slice(0, 13)}`, channel: batch.channel, text, blocks, purpose: 'nudge' }]);
      await ports.store.recordNudges(batch.items.map((item) => ({ team: batch.team, entityRef: item.entityRef, checkId: item.checkId, transitionAt: item.transitionAt, hour })));
      nudges += batch.items.length;
    } catch (error) {
      ports.logger.error('could not queue a nudge', { error, team: batch.team });
    }
  }
  return { batches: batches.length, nudges };
}

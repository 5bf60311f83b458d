import type { CatalogStore } from '../catalog/store';
import type { Logger } from '../logger';
import type { OutgoingMessage, Outbox, ScheduledJob } from '../scheduler/ports';
import { cadenceOf, dueSlot, SCHEDULE_ANNOTATION, slotKey, type Cadence } from './cadence';
import type { TeamDigest } from './digest';
import { gatherDigest, type DigestReadPorts } from './digestSources';
import { slotId, type DigestStore } from './digestStore';

export interface DigestJobPorts extends DigestReadPorts {
  store: DigestStore;
  catalog: DigestReadPorts['catalog'] & Pick<CatalogStore, 'getManyByRef'>;
  outbox: Outbox;
  render: (digest: TeamDigest) => { text: string; blocks: OutgoingMessage['blocks'] };
  logger: Logger;
}

export interface DigestScheduleOptions {
  /** The zone of teams without a backline.dev/timezone annotation. */
  defaultTimeZone: string;
  /** How long after its time a slot missed during downtime is still sent. */
  catchUpMs?: number;
}

export const DEFAULT_CATCH_UP_MS = 6 * 3_600_000;

/**
 * One job, every minute, for every team: each team whose slot is due (on its own cadence, in its own
 * zone) gets its digest queued once, keyed `digest:<team>:<slot>`. A slot missed while Backline was
 * down is caught up within `catchUpMs`; a slot already decided is never decided again.
 */
export function digestJob(ports: DigestJobPorts, options: DigestScheduleOptions): ScheduledJob {
  return {
    name: 'health-digests',
    cron: '* * * * *',
    run: async (slot) => {
      await runDueDigests(slot, ports, options);
    },
  };
}

export interface DueTeam {
  team: string;
  slot: Date;
  cadence: Cadence;
}

/** The teams whose digest slot is due at `now` and not yet decided. */
export async function dueTeams(now: Date, ports: Pick<DigestJobPorts, 'health' | 'catalog' | 'store'>, options: DigestScheduleOptions): Promise<DueTeam[]> {
  const teams = await ports.health.owningTeams();
  if (teams.length === 0) return [];
  const groups = new Map((await ports.catalog.getManyByRef(teams.map((team) => team.team.toLowerCase()))).map((group) => [group.refKey, group]));
  const due: DueTeam[] = [];
  // Most teams share a few cadences (the default, above all); each distinct one is worked out once
  // per run. Doing it per team cost the event loop about 50 ms a minute for 1,000 teams.
  const slots = new Map<string, Date | null>();
  for (const { team } of teams) {
    const cadence = cadenceOf(groups.get(team.toLowerCase())?.entity.metadata.annotations, options.defaultTimeZone);
    const key = `${cadence.cron ?? 'off'}\u0000${cadence.timeZone}`;
    let slot = slots.get(key);
    if (slot === undefined) {
      slot = dueSlot(cadence, now, options.catchUpMs ?? DEFAULT_CATCH_UP_MS);
      slots.set(key, slot);
    }
    if (slot) due.push({ team, slot, cadence });
  }
  if (due.length === 0) return [];
  const decided = await ports.store.decided(due);
  return due.filter((entry) => !decided.has(slotId(entry.team, entry.slot)));
}

export async function runDueDigests(now: Date, ports: DigestJobPorts, options: DigestScheduleOptions): Promise<Array<{ team: string; slot: Date; sent: boolean; reason: string }>> {
  const outcomes: Array<{ team: string; slot: Date; sent: boolean; reason: string }> = [];
  for (const { team, slot, cadence } of await dueTeams(now, ports, options)) {
    // Once per decided slot, not every minute: the team's annotations need fixing, the default is used.
    for (const warning of cadence.warnings) ports.logger.warn(`${team}: ${warning}`);
    try {
      const digest = await gatherDigest(team, now, ports);
      if (!digest) continue;
      if (digest.send && digest.channel) {
        const { text, blocks } = ports.render(digest);
        // Queued first, then recorded: after a crash in between, the same key is queued again and
        // the outbox ignores it, so the digest goes out once either way.
        await ports.outbox.enqueue([{ idempotencyKey: `digest:${digest.team}:${slotKey(slot)}`, channel: digest.channel, text, blocks, purpose: 'digest' }]);
      }
      await ports.store.record({ team: digest.team, slot, decidedAt: now, sent: digest.send, reason: digest.reason, score: digest.score, level: digest.level, failing: digest.failing });
      outcomes.push({ team: digest.team, slot, sent: digest.send, reason: digest.reason });
    } catch (error) {
      // One team's failure must not hold up the others; its slot stays undecided and is tried next minute.
      ports.logger.error('could not compose or queue a digest', { error, team, slot: slot.toISOString() });
    }
  }
  return outcomes;
}

/** What `backline digest --dry-run` prints: each team's digest as it would be composed now, recording nothing. */
export async function dryRunDigests(now: Date, ports: DigestReadPorts, options: { team?: string; defaultTimeZone: string }): Promise<TeamDigest[]> {
  const teams = options.team ? [{ team: options.team }] : await ports.health.owningTeams();
  const groups = new Map((await ports.catalog.getManyByRef(teams.map((team) => team.team.toLowerCase()))).map((group) => [group.refKey, group]));
  const digests: TeamDigest[] = [];
  for (const { team } of teams) {
    const digest = await gatherDigest(team, now, ports);
    if (!digest) continue;
    const cadence = cadenceOf(groups.get(team.toLowerCase())?.entity.metadata.annotations, options.defaultTimeZone);
    digests.push(cadence.cron ? digest : { ...digest, send: false, reason: `digests are off for this team (${SCHEDULE_ANNOTATION}: off)` });
  }
  return digests;
}

import type { CatalogStore } from '../catalog/store';
import type { SlackDirectory } from '../directory';
import { composeDigest, type StaleOwner, type TeamDigest } from './digest';
import type { DigestStore } from './digestStore';
import type { HealthReader } from './model';

/** What composing a team's digest reads: health, the last digest, the catalog, and Slack's directory. */
export interface DigestReadPorts {
  health: HealthReader;
  store: Pick<DigestStore, 'lastSent' | 'catalogProblems'>;
  catalog: Pick<CatalogStore, 'getManyByRef' | 'relationsFrom'>;
  /** Without it, only members missing from the catalog count as gone. */
  directory?: Pick<SlackDirectory, 'accountsByEmail'>;
}

const DAY = 86_400_000;
/** Before a team's first digest, "what changed" looks back this far. */
const FIRST_DIGEST_LOOKBACK = 7 * DAY;
const HISTORY = 28 * DAY;
const PROBLEM_LIMIT = 50;

/** Reads everything a team's digest needs and composes it; undefined when the team is not in the catalog. */
export async function gatherDigest(team: string, now: Date, ports: DigestReadPorts): Promise<TeamDigest | undefined> {
  const health = await ports.health.teamHealth(team);
  if (!health) return undefined;
  const entityRefs = health.entities.map((entity) => entity.ref);
  const last = await ports.store.lastSent(health.team);
  const since = last?.sentAt ?? new Date(now.getTime() - FIRST_DIGEST_LOOKBACK);
  const [transitions, waivers, history, problems, staleOwners] = await Promise.all([
    entityRefs.length ? ports.health.transitions({ since, until: now, entityRefs }) : Promise.resolve([]),
    entityRefs.length ? ports.health.activeWaivers({ at: now, entityRefs }) : Promise.resolve([]),
    ports.health.scoreHistory(health.team, new Date(now.getTime() - HISTORY)),
    ports.store.catalogProblems(health.team, PROBLEM_LIMIT),
    staleOwnersOf(health.team, ports),
  ]);
  return composeDigest({ health, scorecard: ports.health.scorecard(), last, transitions, waivers, history, catalogProblems: problems, staleOwners, now });
}

/**
 * Members a team still lists who are gone: no User entity any more (they left the organisation), or
 * a Slack account Slack marks deactivated (they left Slack). People Slack could not be asked about
 * are not counted: a rate limit must not make a whole team look stale.
 */
export async function staleOwnersOf(team: string, ports: Pick<DigestReadPorts, 'catalog' | 'directory'>): Promise<StaleOwner[]> {
  const members = (await ports.catalog.relationsFrom(team.toLowerCase(), ['hasMember'])).map((relation) => relation.targetRef);
  if (members.length === 0) return [];
  const users = await ports.catalog.getManyByRef(members.map((ref) => ref.toLowerCase()));
  const found = new Map(users.map((user) => [user.refKey, user]));
  const stale: StaleOwner[] = [];
  const emails = new Map<string, { ref: string; displayName: string }>();
  for (const ref of members) {
    const user = found.get(ref.toLowerCase());
    if (!user) {
      stale.push({ ref, displayName: ref.replace(/^user:(default\/)?/, ''), reason: 'left-org' });
      continue;
    }
    const profile = (user.entity.spec as { profile?: { email?: unknown; displayName?: unknown } } | undefined)?.profile;
    const displayName = typeof profile?.displayName === 'string' && profile.displayName ? profile.displayName : (user.entity.metadata.title ?? user.name);
    if (typeof profile?.email === 'string' && profile.email) emails.set(profile.email.trim().toLowerCase(), { ref: user.ref, displayName });
  }
  if (ports.directory && emails.size) {
    const accounts = await ports.directory.accountsByEmail([...emails.keys()]);
    for (const [email, person] of emails) if (accounts.get(email)?.deactivated) stale.push({ ...person, reason: 'left-slack' });
  }
  return stale.sort((a, b) => a.displayName.localeCompare(b.displayName));
}

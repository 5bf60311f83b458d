import type { KnownBlock } from '@slack/types';
import { z } from 'zod';
import { UserFacingError } from '../src/errors';
import type { TeamDigest } from '../src/health/digest';
import type { EntityHealth, HealthReader, TeamHealth } from '../src/health/model';
import { BLOCK_KIT_LIMITS } from './blockKit/limits';
import { decodePrivateMetadata, encodePrivateMetadata } from './blockKit/privateMetadata';
import { messageText, mrkdwn } from './blockKit/mrkdwn';
import type { SubmissionAnswer, ViewSubmission } from './createService';
import { DIGEST_ACTIONS, DIGEST_VIEWS, EXPIRY_CHOICES, NOT_APPLICABLE_BLOCKS, renderHomeHealth, renderNotApplicableModal, renderShowAllView, renderWaiverSaved, showAllBlocks, snoozeConfirmation } from './digest.blocks';
import type { CommandReply, ModalRequest } from './types';

/** What the digest buttons, their modals and the App Home section need. */
export interface DigestCommandPorts {
  /** Reads health and records waivers. */
  health: Pick<HealthReader, 'teamHealth' | 'scorecard' | 'addWaivers'>;
  /** A team's digest as it would be composed now (for "Show all" and App Home). */
  digestOf(team: string, now: Date): Promise<TeamDigest | undefined>;
  now?: () => Date;
}

const DAY = 86_400_000;
export const SNOOZE_DAYS = 14;
const REASON_MAX = 500;
const HOME_TEAMS = 5;

/** What a button carries: the team, the check, and (on nudges) the one entity. */
interface Target {
  team: string;
  checkId: string;
  entityRef?: string;
}

const TargetState = z.object({ t: z.string().min(1), c: z.string().min(1), e: z.string().optional() });

/**
 * The digest's buttons: "Snooze 2 weeks" stores a snooze at once; "Not applicable…" opens a modal
 * that asks why and for how long, and stores a not_applicable waiver with who, when and why;
 * "Show all" lists every failing check with how to fix it.
 */
export function digestFlow(ports: DigestCommandPorts) {
  const now = ports.now ?? (() => new Date());

  const failing = async (target: Target): Promise<{ team: TeamHealth; title: string; why: string; entities: EntityHealth[] }> => {
    const team = await ports.health.teamHealth(target.team);
    if (!team) throw new UserFacingError(`${target.team} is no longer in the catalog, so there is nothing to change.`);
    const check = ports.health.scorecard().checks.find((candidate) => candidate.id === target.checkId);
    const entities = team.entities.filter(
      (entity) => (!target.entityRef || entity.ref.toLowerCase() === target.entityRef.toLowerCase()) && entity.results.some((result) => result.checkId === target.checkId && result.status === 'fail'),
    );
    const title = check?.title ?? target.checkId;
    if (entities.length === 0) throw new UserFacingError(`*${title}* no longer fails on ${target.entityRef ?? `${team.displayName}'s entities`}: nothing to do.`);
    return { team, title, why: check?.why ?? '', entities };
  };

  return {
    async snooze(value: string, userId: string | null): Promise<CommandReply> {
      const target = parseTarget(value);
      const { title, entities } = await failing(target);
      const until = new Date(now().getTime() + SNOOZE_DAYS * DAY);
      const by = userId ?? 'backline shell';
      await ports.health.addWaivers({ entityRefs: entities.map((entity) => entity.ref), checkId: target.checkId, kind: 'snooze', reason: null, createdBy: by, expiresAt: until });
      return { ...snoozeConfirmation({ title, entities: entities.map((entity) => entity.displayName), userId: by, until }), visibility: 'ephemeral', replaceOriginal: false };
    },

    /** "Show all" where no modal can open (the shell): the same list as a message. */
    async showAllMessage(value: string): Promise<CommandReply> {
      const digest = await digestOrFail(value);
      return { text: messageText(mrkdwn`Every failing check of ${digest.displayName}`), blocks: showAllBlocks(digest, BLOCK_KIT_LIMITS.messageBlocks), visibility: 'ephemeral', replaceOriginal: false };
    },

    /** The modal a button opens, or undefined when the button answers with a message. */
    modal(actionId: string, value: string, userId: string | null): ModalRequest | undefined {
      if (actionId === DIGEST_ACTIONS.showAll) {
        return { callbackId: DIGEST_VIEWS.showAll, title: 'All failing checks', load: async () => renderShowAllView(await digestOrFail(value)) };
      }
      if (actionId === DIGEST_ACTIONS.notApplicable && userId) {
        const target = parseTarget(value);
        return {
          callbackId: DIGEST_VIEWS.notApplicable,
          title: 'Not applicable',
          load: async () => {
            const { team, title, why, entities } = await failing(target);
            const metadata = encodePrivateMetadata({ t: target.team, c: target.checkId, ...(target.entityRef && { e: target.entityRef }) });
            return renderNotApplicableModal({ teamName: team.displayName, title, why, entities: entities.map((entity) => entity.displayName), metadata });
          },
        };
      }
      return undefined;
    },

    async submit(submission: ViewSubmission): Promise<SubmissionAnswer | undefined> {
      if (submission.callbackId !== DIGEST_VIEWS.notApplicable) return undefined;
      const state = decodePrivateMetadata(submission.privateMetadata, TargetState);
      const reason = (submission.values[NOT_APPLICABLE_BLOCKS.reason]?.value?.value ?? '').trim();
      // Slack checks required inputs in the client, but not that they hold more than spaces.
      if (!reason) return { action: 'errors', errors: { [NOT_APPLICABLE_BLOCKS.reason]: 'Say why this check does not apply: your team reads it in its digests.' } };
      if (reason.length > REASON_MAX) return { action: 'errors', errors: { [NOT_APPLICABLE_BLOCKS.reason]: `Keep it under ${REASON_MAX} characters.` } };
      const choice = submission.values[NOT_APPLICABLE_BLOCKS.expiry]?.value?.selected_option?.value ?? EXPIRY_CHOICES[1].value;
      if (!EXPIRY_CHOICES.some((candidate) => candidate.value === choice)) return { action: 'errors', errors: { [NOT_APPLICABLE_BLOCKS.expiry]: 'Pick one of the durations.' } };
      const at = now();
      const expiresAt = choice === 'never' ? null : new Date(at.getTime() + Number(choice) * DAY);
      const { title, entities } = await failing({ team: state.t, checkId: state.c, entityRef: state.e });
      await ports.health.addWaivers({ entityRefs: entities.map((entity) => entity.ref), checkId: state.c, kind: 'not_applicable', reason, createdBy: submission.userId, expiresAt });
      return { action: 'update', view: renderWaiverSaved({ title, entities: entities.map((entity) => entity.displayName), reason, userId: submission.userId, at, expiresAt }) };
    },

    /** The App Home section for the viewer's teams: level, score and open actions of each. */
    async home(teamRefs: string[], maxBlocks: number): Promise<KnownBlock[]> {
      const digests: TeamDigest[] = [];
      for (const team of teamRefs.slice(0, HOME_TEAMS)) {
        const digest = await ports.digestOf(team, now());
        if (digest) digests.push(digest);
      }
      return renderHomeHealth(digests, maxBlocks);
    },
  };

  async function digestOrFail(value: string): Promise<TeamDigest> {
    const team = value.split('|')[0] ?? '';
    const digest = team ? await ports.digestOf(team, now()) : undefined;
    if (!digest) throw new UserFacingError(`${team || 'That team'} is no longer in the catalog.`);
    return digest;
  }
}

export type DigestFlow = ReturnType<typeof digestFlow>;

function parseTarget(value: string): Target {
  const [team, checkId, entityRef] = value.split('|');
  if (!team || !checkId) throw new UserFacingError('That button no longer works: use the buttons of the latest digest.');
  return { team, checkId, ...(entityRef && { entityRef }) };
}

import type { OwnershipCorrections } from '../src/catalog/corrections';
import { catalogInfoYaml, declaredEntityOf, inferenceOf } from '../src/catalog/provenance';
import type { StoredEntity } from '../src/catalog/store';
import { UserFacingError } from '../src/errors';
import type { CatalogFilePullRequests } from '../src/scaffolder/catalogFilePullRequests';
import { findCatalogPerson, type CatalogPerson, type PersonCatalog } from '../src/scaffolder/permissions';
import type { Outbox } from '../src/scheduler/ports';
import { pullRequestBody, renderAlreadyRejected, renderConfirmed, renderNotAMember, renderRejected, renderTeamNotice, type InferenceSubject, type Verdict } from './inferredOwnership.blocks';
import type { CommandContext, CommandReply } from './types';
import { whoOwns, type WhoOwnsPorts } from './whoowns';

/** What Confirm and Not us need beyond the catalog; each is optional, and its absence is explained. */
export interface InferredOwnershipPorts {
  /** Where "Not us" is recorded; the inference reads it on its next pass. */
  corrections?: Pick<OwnershipCorrections, 'reject'>;
  /** Opens the pull request that adds catalog-info.yaml (needs GitHub credentials). */
  pullRequests?: CatalogFilePullRequests;
  /** Asks for a repository to be read again now; undefined when its organisation is not discovered. */
  refreshRepository?: (owner: string, repo: string) => Promise<unknown> | undefined;
  /** Where messages to a team's channel are queued. */
  outbox?: Pick<Outbox, 'enqueue'>;
}

type FlowPorts = Pick<WhoOwnsPorts, 'directory'> & { catalog: WhoOwnsPorts['catalog'] & PersonCatalog; inferred?: InferredOwnershipPorts };

interface Target {
  entityRef: string;
  ownerRef: string;
}

/**
 * Confirm and Not us on the card of an inferred entity. Only members of the inferred owning team
 * may press them: Confirm opens (or updates) one pull request adding catalog-info.yaml to the
 * repository; Not us records a correction, asks for the repository to be read again, and tells the
 * team in its channel. Both answer in the card's thread when the card is a channel message.
 */
export function inferredOwnershipFlow(ports: FlowPorts, settings: { plainNames?: boolean } = {}) {
  const inferred = ports.inferred ?? {};

  /** The inference the card showed, as it stands now; refuses when it changed since. */
  const subjectOf = async (target: Target): Promise<InferenceSubject & { stored: StoredEntity }> => {
    const result = await whoOwns(target.entityRef, { catalog: ports.catalog, directory: ports.directory });
    const entity = result.match;
    if (!entity || entity.refKey !== target.entityRef.toLowerCase()) throw new UserFacingError(`${target.entityRef} is no longer in the catalog, so there is nothing to confirm or correct.`);
    const inference = inferenceOf(entity);
    if (!inference) throw new UserFacingError(`${entity.ref} is declared in the catalog now (${result.provenance?.evidence ?? 'a catalog file'}): a declared owner is not a guess, so there is nothing to confirm or correct.`);
    if (!result.owner || result.owner.ref.toLowerCase() !== target.ownerRef.toLowerCase()) {
      throw new UserFacingError(`Backline's guess about ${entity.ref} changed since this card was shown: ${result.owner ? `it now says ${result.owner.ref}` : 'it now names no owner'}. Run /whoowns ${entity.name} again.`);
    }
    if (!inference.repository) throw new UserFacingError(`${entity.ref} names no repository (github.com/project-slug), so Backline cannot say where a catalog-info.yaml would go.`);
    const title = entity.entity.metadata.title;
    return { entityRef: entity.ref, entityName: typeof title === 'string' && title.trim() ? title : entity.name, team: result.owner, repository: inference.repository, evidence: inference.evidence, stored: entity };
  };

  /** The presser, when they belong to the team (or are the person) the inference names; else the refusal to send them. */
  const memberOf = async (subject: InferenceSubject, verdict: Verdict, context: CommandContext): Promise<CatalogPerson | CommandReply> => {
    if (!context.userId) throw new UserFacingError('Confirm and Not us need to know who pressed them, which Slack tells Backline: press them on the card in Slack.');
    const person = await findCatalogPerson(context.userId, { catalog: ports.catalog, directory: ports.directory });
    const owner = subject.team.ref.toLowerCase();
    if (person && (person.ref.toLowerCase() === owner || person.groups.includes(owner))) return person;
    return { ...renderNotAMember(subject, { verdict, inCatalog: person !== null, plainNames: settings.plainNames }), visibility: 'ephemeral', replaceOriginal: false };
  };

  return {
    async confirm(value: string, context: CommandContext): Promise<CommandReply> {
      const subject = await subjectOf(parseTarget(value));
      const person = await memberOf(subject, 'confirm', context);
      if (!('groups' in person)) return person;
      if (!inferred.pullRequests) {
        throw new UserFacingError(`Confirming opens a pull request on GitHub, and this Backline has no GitHub credentials to open one with (GITHUB_TOKEN or a GitHub App). Add a catalog-info.yaml to ${subject.repository} naming ${subject.team.ref} as spec.owner instead.`);
      }
      let yaml: string;
      try {
        yaml = catalogInfoYaml(declaredEntityOf(subject.stored.entity, ownerValue(subject.team.ref, subject.stored.namespace)));
      } catch (error) {
        throw new UserFacingError(`Backline cannot write a valid catalog-info.yaml for ${subject.entityRef}: ${(error as Error).message}. Add one to ${subject.repository} by hand.`);
      }
      const pullRequest = await inferred.pullRequests.open({ repository: subject.repository, yaml, title: 'Add catalog-info.yaml', body: pullRequestBody(subject, { confirmedBy: person.ref }) });
      return { ...renderConfirmed(subject, { userId: context.userId!, pullRequest }), visibility: 'in_channel', inThread: true, replaceOriginal: false };
    },

    async notUs(value: string, context: CommandContext): Promise<CommandReply> {
      const subject = await subjectOf(parseTarget(value));
      const person = await memberOf(subject, 'not-us', context);
      if (!('groups' in person)) return person;
      if (!inferred.corrections) throw new UserFacingError('Corrections to inferred owners are not set up in this Backline, so Not us does nothing here.');
      const { recorded } = await inferred.corrections.reject({
        repository: subject.repository.toLowerCase(),
        rejectedOwner: subject.team.ref.toLowerCase(),
        entityRef: subject.entityRef,
        rejectedBy: person.ref,
        evidence: subject.evidence,
      });
      const [owner, repo] = subject.repository.split('/') as [string, string];
      // Read again after the reply is out: a pass over the organisation can take a while.
      const followUp = async () => {
        await inferred.refreshRepository?.(owner, repo);
      };
      if (subject.team.slackChannel && inferred.outbox) {
        const notice = renderTeamNotice(subject, { userId: context.userId! });
        // Keyed by what was rejected: however often it is said, the team hears it once; asked again
        // on every press, so that a notice lost after the correction was recorded still goes out.
        const idempotencyKey = `not-us:${subject.repository.toLowerCase()}:${subject.team.ref.toLowerCase()}`;
        await inferred.outbox.enqueue([{ idempotencyKey, channel: subject.team.slackChannel, text: notice.text, blocks: notice.blocks, purpose: 'ownership-correction' }]);
      }
      if (!recorded) return { ...renderAlreadyRejected(subject), visibility: 'ephemeral', replaceOriginal: false, followUp };
      const reply = renderRejected(subject, { userId: context.userId!, rereading: Boolean(inferred.refreshRepository) });
      return { ...reply, visibility: 'in_channel', inThread: true, replaceOriginal: false, followUp };
    },
  };
}

/** The owner as a catalog file writes it: the bare name of a Group in the entity's namespace, else the whole ref. */
function ownerValue(ownerRef: string, namespace: string): string {
  const match = /^([^:]+):([^/]+)\/(.+)$/.exec(ownerRef);
  if (!match) return ownerRef;
  const [, kind, ownerNamespace, name] = match;
  if (ownerNamespace!.toLowerCase() !== namespace.toLowerCase()) return ownerRef;
  return kind!.toLowerCase() === 'group' ? name! : `${kind}:${name}`;
}

function parseTarget(value: string): Target {
  const [entityRef, ownerRef] = value.split('|');
  if (!entityRef || !ownerRef) throw new UserFacingError('That button no longer works: run /whoowns again.');
  return { entityRef, ownerRef };
}

import type { KnownBlock, View } from '@slack/types';
import { UserFacingError } from '../src/errors';
import { messageText, mrkdwn, section, slackId } from './blockKit/mrkdwn';
import type { CommandContext, CommandInfo, CommandReply, ModalRequest } from './types';
import { createServiceFlow, type CreateServicePorts, type SubmissionAnswer, type ViewAction, type ViewSubmission } from './createService';
import { CREATE_SERVICE } from './createService.blocks';
import { digestFlow, type DigestCommandPorts } from './digest';
import { DIGEST_ACTIONS } from './digest.blocks';
import { findDocs, type DocsPorts } from './docs';
import { DOCS_ACTIONS, docsSummaryText, renderDocs } from './docs.blocks';
import { ENTITY_PICKER_ACTION, kindsOfPicker, suggestEntities, type PickerOption } from './entityPicker';
import { inferredOwnershipFlow, type InferredOwnershipPorts } from './inferredOwnership';
import type { ViewerTimeZone } from '../src/oncall/viewerTimeZone';
import { onCall } from './oncall';
import { ONCALL_ACTIONS, onCallSummaryText, renderOnCall } from './oncall.blocks';
import { parseWhoOwnsInput, whoOwns, whoOwnsByTeam, type WhoOwnsPorts } from './whoowns';
import { renderHome, renderTeamsOwnership, renderWhoOwns, summaryText, WHOOWNS_ACTIONS } from './whoowns.blocks';
import type { CatalogFinder } from '../src/search/store';
import { searchHomeBlocks } from './find.blocks';
import { findFlow } from './findFlow';
import { converse } from './talk';
import { findEntity } from './whoowns';
import { unfurlLinks, type UnfurlSettings } from './unfurl';

/**
 * The commands Backline answers, shared by every surface: Slack listeners and the local shell call
 * `run` and `act` and only deliver the replies.
 */
export interface CommandSet {
  commands: CommandInfo[];
  run(command: string, text: string, context: CommandContext): Promise<CommandReply>;
  /** Handles a button: undefined when the action id is not one of ours. */
  act(actionId: string, value: string, context: CommandContext): Promise<CommandReply | undefined>;
  /** The App Home tab of a Slack user: their teams and what they own. */
  home(slackUserId: string): Promise<KnownBlock[]>;
  /** Options for an external select (block_suggestion): undefined when the action is not ours. */
  suggest(actionId: string, typed: string): Promise<PickerOption[] | undefined>;
  /** The modal a command opens in Slack, or undefined when the command answers with a message. */
  modal?(command: string, text: string, context: CommandContext): ModalRequest | undefined;
  /** The modal a button opens in Slack (with the press's trigger_id), or undefined when `act` answers it. */
  actionModal?(actionId: string, value: string, context: CommandContext): ModalRequest | undefined;
  /** A modal's view_submission: undefined when the callback id is not ours. */
  submit?(submission: ViewSubmission): Promise<SubmissionAnswer | undefined>;
  /** A block action inside an open modal: the view to update it with, or undefined when the view is not ours. */
  change?(action: ViewAction): Promise<View | undefined>;
  /** A message to Backline (`@backline …`, a direct message), answered by the command its words ask for. */
  converse?(text: string, context: CommandContext, options?: { botUserId?: string }): Promise<CommandReply>;
  /** The ownership cards of pasted links, by URL; links that name nothing in the catalog are left out. */
  unfurl?(urls: string[]): Promise<Map<string, KnownBlock[]>>;
}

export type CommandPorts = WhoOwnsPorts & {
  catalog: WhoOwnsPorts['catalog'] & Parameters<typeof suggestEntities>[1];
  /** TechDocs sites and their cache: /docs, and the docs line of /whoowns. */
  docs?: DocsPorts['docs'];
  /** Templates and tasks: /create-service. */
  createService?: CreateServicePorts;
  /** Health: the digest and nudge buttons, their modals, and the App Home health section. */
  digests?: DigestCommandPorts;
  /** Confirm and Not us on the cards of inferred entities: pull requests, corrections, re-reads. */
  inferred?: InferredOwnershipPorts;
  /** Full-text search over the catalog and its docs: /find, and plain-words questions. */
  finder?: CatalogFinder;
  /** Which pasted links name catalog entities: repositories, TechDocs and catalog pages. */
  unfurls?: UnfurlSettings;
};

export const COMMANDS: CommandInfo[] = [
  { name: '/whoowns', usage: '/whoowns <service | repo | #channel | @person>', description: 'Who owns something, their channel and people.' },
  { name: '/oncall', usage: '/oncall <team | service>', description: 'Who is on call now and next.' },
  { name: '/docs', usage: '/docs <service> [words]', description: 'Where the docs are, how fresh, and the best page.' },
  { name: '/find', usage: '/find <words> [kind:… owner:… tag:…]', description: 'Search everything: names, descriptions, tags, APIs and docs.' },
  { name: '/create-service', usage: '/create-service', description: 'Create a new service from a template.' },
];

// A Home tab holds at most 100 blocks.
const HOME_BLOCKS = 100;

const AVAILABLE = new Set(['/whoowns', '/oncall', '/docs', '/find', '/create-service']);

export interface CommandSetOptions {
  /** Show people by name instead of as Slack mentions: for surfaces outside Slack. */
  plainNames?: boolean;
  /** The time zone for /oncall times when the asker's is unknown (the shell: the machine's). */
  timeZone?: string;
}

export function createCommandSet(ports: CommandPorts & { timeZoneOf?: ViewerTimeZone }, settings: CommandSetOptions = {}): CommandSet {
  const plainNames = settings.plainNames ?? false;
  const whoowns = async (text: string, context: CommandContext): Promise<CommandReply> => {
    const input = parseWhoOwnsInput(text, { channelId: context.channelId ?? undefined, channelName: context.channelName ?? undefined });
    const result = input.kind === 'text' ? await whoOwns(input.text, ports) : await whoOwnsByTeam(input, ports);
    const blocks = result.kind === 'entity' ? renderWhoOwns(result, { plainNames }) : renderTeamsOwnership(result, { plainNames });
    return { text: summaryText(result), blocks, visibility: 'ephemeral' };
  };

  const docs = async (text: string): Promise<CommandReply> => {
    if (!ports.docs) throw new UserFacingError('/docs is not set up in this Backline: whoever runs it needs to configure TECHDOCS_BASE_URL.');
    const result = await findDocs(text, { catalog: ports.catalog, docs: ports.docs });
    return { text: docsSummaryText(result), blocks: renderDocs(result), visibility: 'ephemeral' };
  };

  const inferred = inferredOwnershipFlow(ports, { plainNames });
  const createService = ports.createService && createServiceFlow(ports.createService);
  const digests = ports.digests && digestFlow(ports.digests);
  const requireDigests = () => {
    if (!digests) throw new UserFacingError('Health digests are not set up in this Backline, so this button does nothing here.');
    return digests;
  };
  // Outside Slack there is no modal: point at the CLI, which runs the same templates.
  const createServiceElsewhere = async (): Promise<CommandReply> => {
    const names = ports.createService ? (await ports.createService.scaffolder.listTemplates()).templates.map((template) => template.name) : [];
    const text = mrkdwn`/create-service opens a form in Slack. Here, use the CLI: \`backline template list\`, then \`${'backline template run <name> --values values.json'}\`.${names.length ? ` Templates: ${names.join(', ')}.` : ''}`;
    return { text: messageText(text), blocks: [section(text)], visibility: 'ephemeral' };
  };

  const oncall = async (text: string, context: CommandContext): Promise<CommandReply> => {
    if (!ports.oncall) throw new UserFacingError('/oncall is not set up in this Backline: it needs the on-call resolver (see docs/oncall.md).');
    const query = { text, channelId: context.channelId, channelName: context.channelName, userId: context.userId, defaultTimeZone: settings.timeZone };
    const result = await onCall(query, { catalog: ports.catalog, oncall: ports.oncall, directory: ports.directory, timeZoneOf: ports.timeZoneOf });
    return { text: onCallSummaryText(result), blocks: renderOnCall(result, { plainNames }), visibility: 'ephemeral' };
  };

  const search = findFlow(ports.finder, { whoowns, docs }, { plainNames });

  const commandSet: CommandSet = {
    commands: COMMANDS,

    async run(command, text, context) {
      const name = command.trim().toLowerCase();
      if (name === '/whoowns') return whoowns(text, context);
      if (name === '/find') return search.run(text);
      if (name === '/oncall') return oncall(text, context);
      if (name === '/docs') return docs(text);
      if (name === '/create-service') return createServiceElsewhere();
      const known = COMMANDS.find((info) => info.name === name);
      if (known && !AVAILABLE.has(name)) {
        throw new UserFacingError(`${known.name} is not available in this Backline yet. Try /whoowns, which is.`);
      }
      throw new UserFacingError(`Backline has no ${name} command. It knows ${COMMANDS.map((info) => info.name).join(', ')}.`);
    },

    async act(actionId, value, context) {
      if (actionId === CREATE_SERVICE.retryAction) {
        if (!createService || !context.userId) throw new UserFacingError('Retrying a task needs Slack: run it again with `backline template run`.');
        return { ...(await createService.retry(value, context.userId)), visibility: 'ephemeral', replaceOriginal: true };
      }
      if (actionId.startsWith('create-service:link:')) return undefined;
      if (actionId.startsWith('find:')) return search.act(actionId, value, context);
      if (actionId === DIGEST_ACTIONS.snooze) return requireDigests().snooze(value, context.userId);
      if (actionId === DIGEST_ACTIONS.showAll) return requireDigests().showAllMessage(value);
      if (actionId === DIGEST_ACTIONS.notApplicable) throw new UserFacingError('Marking a check not applicable asks for a reason in a Slack form: press the button in Slack.');
      if (actionId === ONCALL_ACTIONS.page) return undefined;
      if (actionId.startsWith(`${ONCALL_ACTIONS.lookup}:`)) return { ...(await oncall(decodeTarget(value), context)), replaceOriginal: true };
      if (actionId === DOCS_ACTIONS.open) return undefined;
      if (actionId.startsWith(`${DOCS_ACTIONS.lookup}:`)) return { ...(await docs(decodeTarget(value))), replaceOriginal: true };
      if (actionId.startsWith(`${WHOOWNS_ACTIONS.lookup}:`)) {
        return { ...(await whoowns(decodeTarget(value), context)), replaceOriginal: true };
      }
      if (actionId === WHOOWNS_ACTIONS.confirm) return inferred.confirm(value, context);
      if (actionId === WHOOWNS_ACTIONS.notUs) return inferred.notUs(value, context);
      // From a digest: the entity's card, to the presser alone, with its Confirm and Not us buttons.
      if (actionId.startsWith(`${DIGEST_ACTIONS.reviewInferred}:`)) return { ...(await whoowns(decodeTarget(value), context)), replaceOriginal: false };
      if (actionId === WHOOWNS_ACTIONS.share) {
        const shared = { by: context.userId ?? 'someone' };
        const target = decodeTarget(value);
        const input = parseWhoOwnsInput(target, { channelId: context.channelId ?? undefined });
        const result = input.kind === 'text' ? await whoOwns(input.text, ports) : await whoOwnsByTeam(input, ports);
        const blocks = result.kind === 'entity' ? renderWhoOwns(result, { shared, plainNames }) : renderTeamsOwnership(result, { shared, plainNames });
        return { text: summaryText(result), blocks, visibility: 'in_channel', replaceOriginal: false };
      }
      return undefined;
    },

    async home(slackUserId) {
      const teams = await whoOwnsByTeam({ kind: 'person', slackUserId }, ports);
      // The search box on top, above everything: anyone can use it, on a team or not.
      const search = searchHomeBlocks();
      const blocks = renderHome(teams);
      if (!digests || teams.teams.length === 0) return [...search, ...blocks];
      // Then health: it is what changes from week to week.
      const health = await digests.home(teams.teams.map(({ team }) => team.ref), HOME_BLOCKS - search.length - blocks.length - 1);
      return health.length ? [...search, ...health, { type: 'divider' }, ...blocks] : [...search, ...blocks];
    },

    modal(command, text, context) {
      if (command.trim().toLowerCase() !== '/create-service' || !createService || !context.userId) return undefined;
      const userId = context.userId;
      return { callbackId: CREATE_SERVICE.pickCallback, title: 'Create a service', load: () => createService.open(text, userId) };
    },

    actionModal(actionId, value, context) {
      return search.modal(actionId) ?? digests?.modal(actionId, value, context.userId);
    },

    async submit(submission) {
      return (await search.submit(submission)) ?? (await digests?.submit(submission)) ?? createService?.submit(submission);
    },

    async change(action) {
      return createService?.change(action);
    },

    async suggest(actionId, typed) {
      if (actionId !== ENTITY_PICKER_ACTION && !actionId.startsWith(`${ENTITY_PICKER_ACTION}:`)) return undefined;
      return suggestEntities(typed, ports.catalog, { kinds: kindsOfPicker(actionId) });
    },

    converse(text, context, options) {
      return converse(text, context, { run: (command, words, asked) => commandSet.run(command, words, asked), names: async (words) => Boolean(await findEntity(words, ports)) }, options);
    },

    async unfurl(urls) {
      return ports.unfurls ? unfurlLinks(urls, ports, ports.unfurls) : new Map();
    },
  };
  return commandSet;
}

/**
 * Buttons carry what to look up as `ref:<entity ref>`, `person:<Slack user id>` or
 * `channel:<id>|<name>`; this turns them back into the text a user would have typed.
 */
function decodeTarget(value: string): string {
  const separator = value.indexOf(':');
  const kind = value.slice(0, separator);
  const rest = value.slice(separator + 1);
  if (kind === 'ref' && rest) return rest;
  if (kind === 'person' && slackId.isUser(rest)) return `<@${rest}>`;
  if (kind === 'channel') {
    const [id, name] = rest.split('|');
    if (slackId.isChannel(id)) return `<#${id}${name ? `|${name}` : ''}>`;
    if (name) return `#${name}`;
  }
  throw new UserFacingError('That button no longer works: run /whoowns again.');
}

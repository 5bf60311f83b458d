import type { View } from '@slack/types';
import { UserFacingError } from '../src/errors';
import type { CatalogFinder } from '../src/search/store';
import { BLOCK_KIT_LIMITS } from './blockKit/limits';
import { context, mrkdwn } from './blockKit/mrkdwn';
import type { SubmissionAnswer, ViewSubmission } from './createService';
import { find, findMoreLike } from './find';
import { FIND_ACTIONS, FIND_MODAL, findSummaryText, renderFind } from './find.blocks';
import type { CommandContext, CommandReply, ModalRequest } from './types';

/** Results in a Slack message or modal: a list people read, not a table. */
const SLACK_RESULTS = 5;
const INPUT_BLOCK = 'find:query';
const INPUT_ACTION = 'text';

/** The commands Backline's other answers reach from a result's buttons. */
export interface FindNeighbours {
  whoowns(text: string, context: CommandContext): Promise<CommandReply>;
  docs(text: string): Promise<CommandReply>;
}

/**
 * /find in every surface: the command, the buttons of its results, and App Home's search modal
 * (a text input; its answer is the results, in the modal, under the input to search again).
 */
export function findFlow(finder: CatalogFinder | undefined, neighbours: FindNeighbours, options: { plainNames?: boolean } = {}) {
  const ports = () => {
    if (!finder) throw new UserFacingError('/find is not set up in this Backline: it needs the search store (see docs/search.md).');
    return { finder };
  };

  const run = async (text: string): Promise<CommandReply> => {
    const result = await find(text, ports(), { limit: SLACK_RESULTS });
    return { text: findSummaryText(result), blocks: renderFind(result, { plainNames: options.plainNames }), visibility: 'ephemeral' };
  };

  const resultsView = async (text: string): Promise<View> => {
    const blocks = text.trim() ? renderFind(await find(text, ports(), { limit: SLACK_RESULTS }), { noButtons: true, plainNames: options.plainNames }) : [];
    return searchView(text, blocks.slice(0, BLOCK_KIT_LIMITS.viewBlocks - 1));
  };

  return {
    run,

    /** A button of a /find answer: undefined when the action is not one of /find's. */
    async act(actionId: string, value: string, asked: CommandContext): Promise<CommandReply | undefined> {
      if (!actionId.startsWith('find:')) return undefined;
      const ref = value.startsWith('ref:') ? value.slice('ref:'.length) : undefined;
      if (actionId.startsWith(`${FIND_ACTIONS.card}:`) && ref) return { ...(await neighbours.whoowns(ref, asked)), replaceOriginal: false };
      if (actionId.startsWith(`${FIND_ACTIONS.docs}:`) && ref) return { ...(await neighbours.docs(ref)), replaceOriginal: false };
      if (actionId.startsWith(`${FIND_ACTIONS.more}:`) && ref) {
        const result = await findMoreLike(ref, ports(), { limit: SLACK_RESULTS });
        return { text: findSummaryText(result), blocks: renderFind(result, { plainNames: options.plainNames }), visibility: 'ephemeral', replaceOriginal: false };
      }
      if (actionId.startsWith(`${FIND_ACTIONS.query}:`) && value.startsWith('q:')) return { ...(await run(value.slice(2))), replaceOriginal: true };
      if (actionId === FIND_ACTIONS.open) return undefined;
      throw new UserFacingError('That button no longer works: run /find again.');
    },

    /** App Home's Search button opens the modal. */
    modal(actionId: string): ModalRequest | undefined {
      if (actionId !== FIND_ACTIONS.open) return undefined;
      return { callbackId: FIND_MODAL, title: 'Search the catalog', load: async () => searchView('', []) };
    },

    /** The modal's Search: the results under the input; undefined when the view is not the search modal. */
    async submit(submission: ViewSubmission): Promise<SubmissionAnswer | undefined> {
      if (submission.callbackId !== FIND_MODAL) return undefined;
      const text = submission.values[INPUT_BLOCK]?.[INPUT_ACTION]?.value?.trim() ?? '';
      if (!text) return { action: 'errors', errors: { [INPUT_BLOCK]: 'Type what you are looking for, e.g. geocoding api or kind:api owner:payments.' } };
      return { action: 'update', view: await resultsView(text) };
    },
  };
}

function searchView(text: string, results: View['blocks']): View {
  return {
    type: 'modal',
    callback_id: FIND_MODAL,
    title: { type: 'plain_text', text: 'Search the catalog' },
    submit: { type: 'plain_text', text: 'Search' },
    close: { type: 'plain_text', text: 'Close' },
    blocks: [
      {
        type: 'input',
        block_id: INPUT_BLOCK,
        label: { type: 'plain_text', text: 'Words and filters' },
        hint: { type: 'plain_text', text: 'e.g. geocoding api, "double entry", or kind:api owner:payments tag:pci' },
        element: { type: 'plain_text_input', action_id: INPUT_ACTION, max_length: 500, ...(text && { initial_value: text.slice(0, 500) }), placeholder: { type: 'plain_text', text: 'What are you looking for?' } },
      },
      ...(results.length ? results : [context(mrkdwn`Search names, descriptions, tags, API definitions and docs pages.`)]),
    ],
  };
}

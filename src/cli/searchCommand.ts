import type { Command } from 'commander';
import type { KnownBlock } from '@slack/types';
import { find, findJson } from '../../commands/find';
import { renderFind } from '../../commands/find.blocks';
import type { CatalogFinder } from '../search/store';
import { CLI_CARD } from './cards';

export interface SearchCommandDependencies {
  stdout: (text: string) => void;
  setExitCode: (code: number) => void;
  /** Runs `work` with the search store of the configured database, closing it afterwards. */
  withFinder: <T>(work: (finder: CatalogFinder) => Promise<T>) => Promise<T>;
  card: (blocks: KnownBlock[]) => string;
}

const DEFAULT_LIMIT = 10;
const MAX_LIMIT = 100;

/**
 * `backline search [--json] [--limit N] <words…>`: what /find answers in Slack, as text or as one
 * JSON document (docs/cli.md). Exit 0 with results, 1 without, 2 for a usage error.
 */
export function registerSearchCommand(program: Command, deps: SearchCommandDependencies): void {
  program
    .command('search')
    .description('Search the whole catalog (names, descriptions, tags, API definitions, docs pages) as /find does: words, "phrases", prefix*, and kind: type: owner: tag: lifecycle: system: filters.')
    .argument('<words...>', 'what to look for, e.g. is there a geocoding api, or kind:api owner:payments')
    .option('--json', 'print one JSON document')
    .option('--limit <n>', `at most this many results, 1 to ${MAX_LIMIT}`, String(DEFAULT_LIMIT))
    .action(async (words: string[], options: { json?: boolean; limit: string }, command: Command) => {
      const limit = Number(options.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) command.error(`--limit must be a whole number from 1 to ${MAX_LIMIT}; got "${options.limit}"`, { exitCode: 2 });
      const result = await deps.withFinder((finder) => find(words.join(' '), { finder }, { limit }));
      deps.stdout(options.json ? `${JSON.stringify(findJson(result))}\n` : deps.card(renderFind(result, CLI_CARD)));
      deps.setExitCode(result.results.length ? 0 : 1);
    });
}

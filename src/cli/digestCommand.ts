import type { Command } from 'commander';
import type { KnownBlock } from '@slack/types';
import { renderDigest } from '../../commands/digest.blocks';
import { canonicalEntityRef } from '../catalog/model';
import type { TeamDigest } from '../health/digest';
import { renderBlocksAsText } from '../../commands/blockKit/text';

export interface DigestCommandDependencies {
  stdout: (text: string) => void;
  setExitCode: (code: number) => void;
  /** Composes every owning team's digest (or one team's) as it would be sent now, recording nothing. */
  dryRun: (options: { team?: string }) => Promise<TeamDigest[]>;
}

/** What `--json` prints: exactly this shape, one document. */
export interface DigestDryRunJson {
  digests: Array<{ team: string; channel: string | null; send: boolean; reason: string; blocks: KnownBlock[] }>;
}

/**
 * `backline digest --dry-run [--team <group>] [--json]`: what each team's digest would say and whether
 * it would be sent. Only dry runs: `serve` sends digests on each team's schedule.
 */
export function registerDigestCommand(program: Command, deps: DigestCommandDependencies): void {
  program
    .command('digest')
    .description("Show each owning team's health digest as it would be sent now, and whether it would be (nothing is sent or recorded).")
    .option('--dry-run', 'compose the digests without sending or recording anything (required: serve sends them on schedule)')
    .option('--team <group>', 'only this team: a group ref or name, e.g. group:default/payments or payments')
    .option('--json', 'print one JSON document')
    .action(async (options: { dryRun?: boolean; team?: string; json?: boolean }, command: Command) => {
      if (!options.dryRun) command.error('backline digest only runs with --dry-run: `backline serve` sends digests on each team\'s schedule.', { exitCode: 2 });
      const team = options.team === undefined ? undefined : groupRef(options.team);
      if (team === null) command.error(`--team must be a group ref or name, e.g. group:default/payments or payments; got "${options.team}"`, { exitCode: 2 });
      const digests = await deps.dryRun({ team: team ?? undefined });
      if (team && digests.length === 0) {
        deps.stdout(options.json ? `${JSON.stringify({ digests: [] })}\n` : `${team} is not a team in the catalog.\n`);
        deps.setExitCode(1);
        return;
      }
      deps.stdout(options.json ? `${JSON.stringify(digestDryRunJson(digests))}\n` : formatDigests(digests));
      deps.setExitCode(0);
    });
}

export function digestDryRunJson(digests: TeamDigest[]): DigestDryRunJson {
  return { digests: digests.map((digest) => ({ team: canonicalEntityRef(digest.team), channel: digest.channel, send: digest.send, reason: digest.reason, blocks: renderDigest(digest).blocks })) };
}

function formatDigests(digests: TeamDigest[]): string {
  if (digests.length === 0) return 'No team owns anything in the catalog yet, so there are no digests.\n';
  const sections = digests.map((digest) => {
    const where = digest.channel ? `#${digest.channel.replace(/^#/, '')}` : 'no channel';
    const head = `${digest.team} → ${where}: ${digest.send ? 'would send' : 'would not send'} (${digest.reason})`;
    return digest.send ? `${head}\n\n${indent(renderBlocksAsText(renderDigest(digest).blocks).text)}\n` : `${head}\n`;
  });
  const sending = digests.filter((digest) => digest.send).length;
  return `${sections.join('\n')}\n${sending} of ${digests.length} team(s) would get a digest now.\n`;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => (line ? `    ${line}` : line))
    .join('\n');
}

/** `payments` → `group:default/payments`; a full ref stays as written; anything else is null. */
export function groupRef(text: string): string | null {
  const trimmed = text.trim();
  const match = /^(?:(group):)?(?:([a-z0-9-]+)\/)?([A-Za-z0-9][-A-Za-z0-9_.]*)$/i.exec(trimmed);
  if (!match) return null;
  return `group:${match[2] ?? 'default'}/${match[3]}`;
}

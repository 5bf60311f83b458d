import type { KnownBlock } from '@slack/types';
import { context, fitMessageBlocks, messageText, mrkdwn, section } from './blockKit/mrkdwn';
import { readIntent } from './intent';
import type { CommandContext, CommandReply } from './types';

/** What answering a message needs: the commands, and whether some entity has exactly a given name. */
export interface TalkPorts {
  run(command: string, text: string, context: CommandContext): Promise<CommandReply>;
  /** True when `text` names an entity exactly (name, title, ref or repository). */
  names(text: string): Promise<boolean>;
}

/**
 * Answers `@backline …` and direct messages with the commands' own answers: the intent read from
 * the words picks the command. Unclear words get the best guess (the card of what they name, else
 * a search) with the exact ways to ask beneath it.
 */
export async function converse(text: string, asked: CommandContext, ports: TalkPorts, options: { botUserId?: string } = {}): Promise<CommandReply> {
  const intent = readIntent(text, options);
  if (intent.command === 'help') return help();
  if (intent.command !== 'unclear') return ports.run(intent.command, intent.text, asked);
  const guess = (await ports.names(intent.text)) ? '/whoowns' : '/find';
  const reply = await ports.run(guess, intent.text, asked);
  const subject = intent.text.length > 60 ? 'your words' : intent.text;
  const hint = context(
    mrkdwn`${guess === '/whoowns' ? 'I took that as a name.' : 'I took that as a search.'} To be exact, ask \`/whoowns ${subject}\`, \`/oncall ${subject}\`, \`/docs ${subject}\` or \`/find ${subject}\`, or write “who owns …”, “who is on call for …”, “docs for …”, “is there a …”.`,
  );
  return { ...reply, blocks: fitMessageBlocks([...reply.blocks, hint] as KnownBlock[]) };
}

function help(): CommandReply {
  const text = mrkdwn`*Ask me in plain words*, here or in a DM:\n• “who owns payments-api?”\n• “who’s on call for risk?”\n• “docs for payments refunds”\n• “is there a geocoding api?”\n• “what does #team-payments own?”\nOr use the commands: \`/whoowns\`, \`/oncall\`, \`/docs\`, \`/find\`, \`/create-service\`. Paste a repository or docs link and I show who owns it.`;
  return { text: messageText(mrkdwn`What Backline answers`), blocks: [section(text)], visibility: 'in_channel' };
}

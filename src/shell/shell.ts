import readline from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { CommandSet } from '../../commands';
import type { CommandContext, CommandReply } from '../../commands/types';
import { asAppError, UserFacingError } from '../errors';
import { renderBlocksAsText, type TextChoice } from '../../commands/blockKit/text';

export interface ShellOptions {
  commands: CommandSet;
  input: Readable;
  output: Writable;
  /** A terminal: show a prompt and colours. Otherwise read lines until EOF, quietly. */
  interactive: boolean;
  context?: CommandContext;
  width?: number;
}

const SHELL_CONTEXT: CommandContext = { userId: 'USHELL', channelId: null, channelName: null };

/**
 * A local console over the same commands and Block Kit as the Slack app, like Hubot's shell
 * adapter: type `/whoowns payments-service`, read the card as text, pick a button by its number.
 */
export async function runShell(options: ShellOptions): Promise<number> {
  const { commands, output, interactive } = options;
  const context = options.context ?? SHELL_CONTEXT;
  const write = (text: string) => output.write(text.endsWith('\n') ? text : `${text}\n`);
  const lines = readline.createInterface({ input: options.input, output: interactive ? output : undefined, terminal: interactive, prompt: 'backline> ' });
  let choices: TextChoice[] = [];

  const show = (reply: CommandReply) => {
    const rendered = renderBlocksAsText(reply.blocks, { width: options.width ?? 80, color: interactive });
    choices = rendered.choices;
    const audience = reply.visibility === 'in_channel' ? '(posted in the channel)' : '(only you can see this)';
    write(`${rendered.text.trimEnd()}\n${interactive ? `\u001b[2m${audience}\u001b[22m` : audience}\n`);
  };
  const fail = (error: unknown) => {
    const appError = asAppError(error);
    write(appError instanceof UserFacingError ? appError.message : `Sorry, that failed: ${appError.message}`);
  };

  const handle = async (line: string): Promise<boolean> => {
    const text = line.trim();
    if (text === '') return true;
    if (text === '/quit' || text === '/exit') return false;
    if (text === '/help' || text === 'help') {
      write(['Commands:', ...commands.commands.map((info) => `  ${info.usage.padEnd(48)} ${info.description}`), '  /help                                            this list', '  /quit                                            leave', 'After an answer, type the number of a button to press it.'].join('\n'));
      return true;
    }
    if (/^\d+$/.test(text)) {
      const choice = choices.find((candidate) => candidate.number === Number(text));
      if (!choice) {
        write(choices.length ? `There is no choice ${text}; pick 1 to ${choices.length}.` : 'There is nothing to pick: run a command first.');
        return true;
      }
      if (choice.url) {
        write(`Open ${choice.url}`);
        return true;
      }
      const reply = await commands.act(choice.actionId, choice.value ?? '', context).catch((error: unknown) => (fail(error), null));
      if (reply) show(reply);
      else if (reply === undefined) write(`"${choice.label}" does nothing in the shell.`);
      return true;
    }
    if (!text.startsWith('/')) {
      write(`Type a command such as /whoowns payments-service, or /help for the list.`);
      return true;
    }
    const space = text.search(/\s/);
    const command = space === -1 ? text : text.slice(0, space);
    const rest = space === -1 ? '' : text.slice(space + 1);
    const known = commands.commands.some((info) => info.name === command.toLowerCase());
    if (!known) {
      write(`There is no ${command} command. Try ${commands.commands.map((info) => info.name).join(', ')}, or /help.`);
      return true;
    }
    try {
      show(await commands.run(command, rest, context));
    } catch (error) {
      fail(error);
    }
    return true;
  };

  if (interactive) {
    write('Backline shell. Try /whoowns payments-service, or /help. /quit leaves.');
    lines.prompt();
  }
  for await (const line of lines) {
    if (!(await handle(line))) break;
    if (interactive) lines.prompt();
  }
  lines.close();
  return 0;
}

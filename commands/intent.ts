/**
 * What someone means when they write to Backline in plain words (`@backline who owns payments-api?`
 * or a direct message): which command, and what it is about. A small grammar of the ways people
 * ask; anything else is a search, answered as a best guess with the exact commands beside it.
 */
export type Intent =
  | { command: '/whoowns'; text: string }
  | { command: '/oncall'; text: string }
  | { command: '/docs'; text: string }
  | { command: '/find'; text: string }
  | { command: 'help' }
  | { command: 'unclear'; text: string };

const COMMAND_WORDS: Record<string, Exclude<Intent['command'], 'help' | 'unclear'>> = {
  whoowns: '/whoowns',
  owner: '/whoowns',
  oncall: '/oncall',
  'on-call': '/oncall',
  docs: '/docs',
  doc: '/docs',
  find: '/find',
  search: '/find',
};

// Each pattern reads the whole message (mention and trailing punctuation already removed); the
// first that matches decides. `(.*)` captures what the command is about.
const PATTERNS: Array<[RegExp, Exclude<Intent['command'], 'help' | 'unclear'>]> = [
  [/^(?:who|which team|what team)(?:'s|’s| is| are)? (?:on[- ]?call|on duty|paged)(?: (?:for|on|at|in|with))?(?: (.*))?$/, '/oncall'],
  [/^(?:on[- ]?call|pager)(?: (?:for|on|at|in))?(?: (.*))?$/, '/oncall'],
  [/^(?:who|which team|what team) (?:owns?|maintains?|runs?|is responsible for|looks after|is behind|wrote|built)(?: the)? (.+)$/, '/whoowns'],
  [/^who(?:'s|’s| is) (?:the )?(?:owner|maintainer|team) (?:of|for|behind) (?:the )?(.+)$/, '/whoowns'],
  [/^(?:owner|owners|ownership) (?:of|for) (?:the )?(.+)$/, '/whoowns'],
  [/^whose is (?:the )?(.+)$/, '/whoowns'],
  [/^what (?:does|do) (.+?) own$/, '/whoowns'],
  [/^what (?:is|are) owned by (.+)$/, '/whoowns'],
  [/^(?:where (?:are|is|can i find) )?(?:the )?(?:docs|doc|documentation|runbook|runbooks|readme)(?: (?:for|of|on|about|to))? (.+)$/, '/docs'],
  [/^how (?:do|can) (?:i|we|you) (.+)$/, '/find'],
  [/^(?:is there|are there|do we have|do you have|does anyone have|have we got|anything|any|something|find|search(?: for)?|look(?:ing)? for|where(?:'s|’s| is| are)|where can i find|which|what) (.+)$/, '/find'],
];

/** Reads a message's intent. `botUserId` is the bot's own mention, which is dropped wherever it is. */
export function readIntent(raw: string, options: { botUserId?: string } = {}): Intent {
  let text = raw;
  if (options.botUserId) text = text.split(`<@${options.botUserId}>`).join(' ');
  text = text
    .replace(/^\s*(?:<@[UW][A-Z0-9]+(?:\|[^>]*)?>\s*)+/, '')
    .replace(/^\s*@?backline\b[,:]?/i, '')
    .replace(/\s+/g, ' ')
    .trim();
  // Greetings and courtesies say nothing about what is wanted.
  text = text.replace(/^(?:hi|hey|hello|yo|ok|okay|please|pls|thanks|thank you)[,!.]?\s+/i, '').replace(/\s+(?:please|pls|thanks|thank you)[.!]?$/i, '');
  const bare = text.replace(/[?!.]+$/, '').trim();
  const lower = bare.toLowerCase();
  if (lower === '' || /^(?:help|\?|commands|usage|what can you do|how does this work|what do you do)$/.test(lower)) return { command: 'help' };

  // Typed as a command, with or without its slash: "/whoowns x", "oncall risk", "find geocoding".
  const typed = /^\/?([a-z-]+)(?:\s+(.*))?$/i.exec(bare);
  const named = typed && COMMAND_WORDS[typed[1]!.toLowerCase()];
  // "docs for x", "oncall for x": the preposition is how it was asked, not what about.
  if (typed && named && (typed[2] !== undefined || named === '/oncall')) return { command: named, text: (typed[2] ?? '').replace(named === '/find' ? /^$/ : /^(?:for|of|on|about)\s+/i, '').trim() };

  for (const [pattern, command] of PATTERNS) {
    const match = pattern.exec(lower);
    if (match) return { command, text: subject(bare, match[1] ?? '', command) };
  }
  return { command: 'unclear', text: bare };
}

/**
 * The subject as typed (case and Slack's `<#C…|name>` escapes kept), found in the message by its
 * position in the lower-cased copy the patterns read.
 */
function subject(bare: string, lowered: string, command: Intent['command']): string {
  if (!lowered) return '';
  const start = bare.toLowerCase().lastIndexOf(lowered);
  let text = (start >= 0 ? bare.slice(start, start + lowered.length) : lowered).trim();
  // "who owns the payments api", "docs for the payments service": an article is not part of a name.
  text = text.replace(/^(?:the|a|an|our|my) /i, '');
  // For the questions whose answer is a card, a trailing "service"/"team" word is still part of
  // what people call it; for a search the whole question goes to /find, which reads it itself.
  if (command === '/find') return bare;
  return text;
}

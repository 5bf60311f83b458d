import { WHERE_TO_GET, type Config } from '../../config';
import { count, ok, problem, skipped, type Finding } from '../findings';
import type { SlackAnswer, SlackIdentity, SlackProbe } from '../ports';

const APPS = 'https://api.slack.com/apps → your app';
const REINSTALL = `${APPS} → OAuth & Permissions → Reinstall to Workspace`;
/** Slack's signing secrets are 32 hexadecimal characters (Basic Information → App Credentials). */
const SIGNING_SECRET = /^[0-9a-f]{32}$/;

/**
 * The bot token (auth.test) and its scopes against manifest.yml, the signing secret's shape, and
 * the Socket Mode app token (apps.connections.open). `bot` is who the bot is, for the channel check.
 */
export async function checkSlack(slack: Config['slack'], probe: SlackProbe | undefined, manifestScopes: string[]): Promise<{ findings: Finding[]; bot: SlackIdentity | null }> {
  const [identity, socket] = await Promise.all([slack.botToken && probe ? probe.identify() : undefined, slack.appToken && probe ? probe.openSocketConnection() : undefined]);
  const bot = identity?.ok ? identity.value : null;
  return {
    findings: [tokenFinding(identity, slack.apiUrl), scopesFinding(identity, manifestScopes), signingSecretFinding(slack), appTokenFinding(socket, slack.apiUrl)],
    bot,
  };
}

function tokenFinding(identity: SlackAnswer<SlackIdentity> | undefined, apiUrl: string | undefined): Finding {
  const name = 'slack.token';
  if (!identity) return skipped(name, 'not configured: SLACK_BOT_TOKEN is not set (serve needs it; the shell and the CLI work without Slack)');
  if (identity.ok) return ok(name, `the bot token works: @${identity.value.user} (${identity.value.userId}) in ${identity.value.team} (${identity.value.teamId})`);
  switch (identity.error) {
    case 'invalid_auth':
    case 'not_authed':
      return problem(name, `Slack rejected SLACK_BOT_TOKEN (${identity.error})`, `Copy the Bot User OAuth Token again and set SLACK_BOT_TOKEN. ${WHERE_TO_GET.SLACK_BOT_TOKEN}`);
    case 'token_revoked':
    case 'token_expired':
    case 'account_inactive':
      return problem(name, `Slack says SLACK_BOT_TOKEN is no longer valid (${identity.error})`, `Reinstall the app (${REINSTALL}) and set SLACK_BOT_TOKEN to the Bot User OAuth Token it shows.`);
    default:
      return problem(name, `auth.test failed: ${describeFailure(identity)}`, reachFix(identity, apiUrl));
  }
}

function scopesFinding(identity: SlackAnswer<SlackIdentity> | undefined, wanted: string[]): Finding {
  const name = 'slack.scopes';
  if (!identity) return skipped(name, 'not checked: SLACK_BOT_TOKEN is not set');
  if (!identity.ok) return skipped(name, 'not checked: the bot token does not work (see slack.token)');
  const granted = identity.value.scopes;
  if (granted === null) return skipped(name, 'not checked: Slack did not say which scopes the token has (no x-oauth-scopes header; is SLACK_API_URL a proxy that drops it?)');
  const missing = wanted.filter((scope) => !granted.includes(scope));
  if (missing.length === 0) return ok(name, `the bot token has all ${count(wanted.length, 'scope')} manifest.yml asks for`);
  return problem(
    name,
    `the bot token lacks ${count(missing.length, 'scope')} manifest.yml asks for: ${missing.join(', ')}`,
    `Add ${missing.length === 1 ? 'it' : 'them'} to the app's Bot Token Scopes (${APPS} → OAuth & Permissions → Scopes, or paste manifest.yml under App Manifest), then reinstall the app (${REINSTALL}).\nIf Slack shows a new Bot User OAuth Token, set SLACK_BOT_TOKEN to it.`,
  );
}

function signingSecretFinding(slack: Config['slack']): Finding {
  const name = 'slack.signing-secret';
  const secret = slack.signingSecret;
  if (!secret) {
    if (!slack.botToken) return skipped(name, 'not configured: Slack is not set up');
    if (slack.appToken) return skipped(name, 'not needed: serve runs in Socket Mode (SLACK_APP_TOKEN), where Slack signs nothing');
    return problem(name, 'SLACK_SIGNING_SECRET is not set, and serve needs it in HTTP mode to verify that requests come from Slack', `Set SLACK_SIGNING_SECRET. ${WHERE_TO_GET.SLACK_SIGNING_SECRET}\nOr run in Socket Mode with SLACK_APP_TOKEN.`);
  }
  const where = `Set SLACK_SIGNING_SECRET to the Signing Secret, not a token or the Client Secret. ${WHERE_TO_GET.SLACK_SIGNING_SECRET}`;
  if (/^x(ox[a-z]|app)-/.test(secret)) return problem(name, 'SLACK_SIGNING_SECRET holds a Slack token, not the signing secret', where);
  if (!SIGNING_SECRET.test(secret)) return problem(name, `SLACK_SIGNING_SECRET does not look like a Slack signing secret (32 hexadecimal characters; it has ${count(secret.length, 'character')})`, where);
  return ok(name, 'SLACK_SIGNING_SECRET has the shape of a Slack signing secret (only a request signed by Slack proves it is the right one)');
}

function appTokenFinding(socket: SlackAnswer<null> | undefined, apiUrl: string | undefined): Finding {
  const name = 'slack.app-token';
  if (!socket) return skipped(name, 'not set: serve runs in HTTP mode, with Slack posting to /slack/events (set SLACK_APP_TOKEN for Socket Mode)');
  if (socket.ok) return ok(name, 'SLACK_APP_TOKEN opens Socket Mode connections (apps.connections.open answered; the socket was not kept)');
  const create = WHERE_TO_GET.SLACK_APP_TOKEN ?? '';
  switch (socket.error) {
    case 'invalid_auth':
    case 'not_authed':
    case 'token_revoked':
      return problem(name, `Slack rejected SLACK_APP_TOKEN (${socket.error})`, `${create}\nThen set SLACK_APP_TOKEN to the new xapp- token.`);
    case 'not_allowed_token_type':
      return problem(name, 'SLACK_APP_TOKEN is not an app-level token', `Use an app-level token (xapp-…), not the bot token. ${create}`);
    case 'missing_scope':
      return problem(name, `SLACK_APP_TOKEN lacks the connections:write scope${socket.needed ? ` (Slack needs ${socket.needed})` : ''}`, create);
    default:
      return problem(name, `apps.connections.open failed: ${describeFailure(socket)}`, ['unreachable', 'ratelimited'].includes(socket.error) || socket.error.startsWith('http_') ? reachFix(socket, apiUrl) : `Check that Socket Mode is on (${APPS} → Socket Mode → Enable Socket Mode) and that the token has connections:write. ${create}`);
  }
}

export function describeFailure(answer: { error: string; detail?: string }): string {
  if (answer.error === 'unreachable') return `Slack could not be reached (${answer.detail ?? 'no answer'})`;
  if (answer.error.startsWith('http_')) return `Slack answered HTTP ${answer.error.slice('http_'.length)}${answer.detail ? ` (${answer.detail})` : ''}`;
  return `Slack answered ${answer.error}${answer.detail ? ` (${answer.detail})` : ''}`;
}

function reachFix(answer: { error: string }, apiUrl: string | undefined): string {
  if (answer.error === 'ratelimited') return 'Slack is rate-limiting this app just now: run backline doctor again in a minute.';
  if (answer.error === 'unreachable' || answer.error.startsWith('http_')) {
    return apiUrl ? `Check SLACK_API_URL (${apiUrl}): unset it to talk to Slack itself.` : 'Check that this machine reaches https://slack.com (network, firewall, HTTPS proxy), then run backline doctor again.';
  }
  return `Reinstall the app (${REINSTALL}) and set SLACK_BOT_TOKEN again; if this persists, look up "${answer.error}" at https://docs.slack.dev/reference/methods/auth.test.`;
}

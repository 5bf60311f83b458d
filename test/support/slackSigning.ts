/**
 * Requests signed the way Slack signs them, for end-to-end tests that go through Bolt's real
 * signature check (`X-Slack-Signature: v0=hex(HMAC-SHA256(secret, "v0:<ts>:<raw body>"))`).
 */
import { createHmac } from 'node:crypto';

export interface SlackRequestHeaders {
  'Content-Type': string;
  'X-Slack-Request-Timestamp': string;
  'X-Slack-Signature': string;
  [header: string]: string;
}

/** Seconds since the epoch, as Slack sends in `X-Slack-Request-Timestamp`. */
export function nowInSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/**
 * Headers for a request Slack would send with `body`. Form bodies (slash commands, interactions)
 * get `application/x-www-form-urlencoded` exactly — Bolt answers 400 to a `; charset=utf-8` suffix —
 * and a body starting with '{' (Events API) gets `application/json`, unless `contentType` says otherwise.
 */
export function signSlackRequest(
  signingSecret: string,
  body: string,
  timestamp: number = nowInSeconds(),
  contentType: string = body.trimStart().startsWith('{') ? 'application/json' : 'application/x-www-form-urlencoded',
): SlackRequestHeaders {
  const signature = createHmac('sha256', signingSecret).update(`v0:${timestamp}:${body}`).digest('hex');
  return {
    'Content-Type': contentType,
    'X-Slack-Request-Timestamp': String(timestamp),
    'X-Slack-Signature': `v0=${signature}`,
  };
}

export interface SlashCommandFields {
  command: string;
  text: string;
  user_id: string;
  user_name: string;
  team_id: string;
  team_domain: string;
  channel_id: string;
  channel_name: string;
  trigger_id: string;
  /** Defaults to a hooks.slack.com URL; pass `slack.responseUrl()` when the handler calls respond(). */
  response_url: string;
  api_app_id: string;
  is_enterprise_install: string;
  token: string;
}

let triggerCounter = 0;

/** A fresh trigger_id per call: Slack's trigger_ids work once, and the fake Slack enforces that. */
export function newTriggerId(): string {
  triggerCounter += 1;
  return `${1_000_000 + triggerCounter}.4744562912.${triggerCounter.toString(16).padStart(32, '0')}`;
}

/** A slash command's fields as Slack sends them, with defaults for every field not given. */
export function slashCommandFields(fields: Partial<SlashCommandFields> & Record<string, string> = {}): SlashCommandFields & Record<string, string> {
  const defaults: SlashCommandFields = {
    token: 'legacy-verification-token',
    team_id: 'T0BACKLINE',
    team_domain: 'backline-test',
    channel_id: 'C0GENERAL',
    channel_name: 'general',
    user_id: 'U0TESTER',
    user_name: 'tester',
    command: '/whoowns',
    text: '',
    api_app_id: 'A0BACKLINE',
    is_enterprise_install: 'false',
    response_url: 'https://hooks.slack.com/commands/T0BACKLINE/1/test-response-url',
    trigger_id: newTriggerId(),
  };
  return { ...defaults, ...fields };
}

/** A slash command body as Slack posts it over HTTP (form-encoded). */
export function slashCommandBody(fields: Partial<SlashCommandFields> & Record<string, string> = {}): string {
  return new URLSearchParams(slashCommandFields(fields)).toString();
}

/** An interaction body (block_actions, view_submission, block_suggestion): one `payload` form field of JSON. */
export function interactionBody(payload: object): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

export interface SlackEndpointResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON (Bolt acks with an empty body). */
  json: unknown;
}

/** POSTs `body` with `headers` (usually from signSlackRequest) and reads the whole answer. */
export async function postToSlackEndpoint(
  url: string,
  body: string,
  headers: Record<string, string>,
): Promise<SlackEndpointResponse> {
  const response = await fetch(url, { method: 'POST', headers, body });
  const text = await response.text();
  let json: unknown;
  try {
    json = text.length > 0 ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: Object.fromEntries(response.headers.entries()), text, json };
}

/** Signs `body` with `signingSecret` (timestamp now unless given) and POSTs it to `url`. */
export async function postSignedToSlackEndpoint(
  url: string,
  signingSecret: string,
  body: string,
  timestamp: number = nowInSeconds(),
): Promise<SlackEndpointResponse> {
  return postToSlackEndpoint(url, body, { ...signSlackRequest(signingSecret, body, timestamp) });
}

/**
 * A `block_actions` payload as Slack sends it when U0TESTER presses a button on an ephemeral
 * message in #general: `messageTs` names the message, so presses of one card share it.
 */
export function buttonPress(button: { action_id: string; value: string; block_id?: string }, options: { responseUrl: string; messageTs?: string; actionTs?: string }): object {
  return {
    type: 'block_actions',
    user: { id: 'U0TESTER', username: 'tester', team_id: 'T0BACKLINE' },
    team: { id: 'T0BACKLINE', domain: 'backline-test' },
    api_app_id: 'A0BACKLINE',
    channel: { id: 'C0GENERAL', name: 'general' },
    container: { type: 'message', message_ts: options.messageTs ?? '1.2', channel_id: 'C0GENERAL', is_ephemeral: true },
    trigger_id: '1.2.3',
    response_url: options.responseUrl,
    actions: [{ type: 'button', block_id: button.block_id ?? 'b', action_id: button.action_id, value: button.value, action_ts: options.actionTs ?? '1.3' }],
  };
}

/**
 * Who people in the catalog are in Slack. Cores and services depend on this
 * port, never on the Web API; src/slack/identity.ts answers it from Slack.
 */
export interface SlackAccount {
  /** Null when Slack has nobody with that email (or could not be asked). */
  slackUserId: string | null;
  /** The account exists but was deactivated: the person left. */
  deactivated: boolean;
}

export interface SlackDirectory {
  /** Slack accounts by (lower-cased) email. */
  accountsByEmail(emails: string[]): Promise<Map<string, SlackAccount>>;
  /** The email of a Slack user, for "@person" lookups. */
  emailOfUser(slackUserId: string): Promise<string | null>;
}

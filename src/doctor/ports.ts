/**
 * What `backline doctor` asks the world, one port per part of an installation. The checks are pure
 * functions over these; the implementations sit beside the clients they use (src/slack/doctorProbe.ts,
 * src/sources/github/probe.ts, src/oncall/probe.ts, src/docs/probe.ts) and are wired in
 * src/compose/doctor.ts. A port present means its part is configured.
 */
import type { StoredEntity } from '../catalog/store';
import type { MigrationState } from '../db/migrate';
import type { SiteRead, TechDocsMetadata } from '../docs/site';
import type { ProviderProbe } from '../oncall/probe';
import type { TemplateListing } from '../scaffolder/library';
import type { GitHubProbe } from '../sources/github/probe';

export interface DatabasePort {
  /** Where the data lives, for messages: the server's address (redacted) or the embedded data folder. */
  described: string;
  /** The embedded server in BACKLINE_DATA_DIR (DATABASE_URL unset). */
  embedded: boolean;
  /** Opens the database when needed, never migrating it, and returns PostgreSQL's version. Throws when it cannot. */
  connect(): Promise<{ version: string }>;
  migrations(): Promise<MigrationState>;
}

/** The catalog as the checks read it; only asked once the database answered. */
export interface CatalogPort {
  /** Every Group that names a Slack channel (slack.com/channel, else slack.com/bot-notify). */
  teamChannels(): Promise<Array<{ group: string; channel: string }>>;
  /** Up to `first` entities with a TechDocs annotation, and how many have one, counted up to `countUpTo`. */
  documented(options: { first: number; countUpTo: number }): Promise<{ first: StoredEntity[]; count: number }>;
}

/** Slack's answer: the value, or Slack's error code (`invalid_auth`), `unreachable`, or `http_<status>`. */
export type SlackAnswer<T> = { ok: true; value: T } | { ok: false; error: string; detail?: string; needed?: string };

export interface SlackIdentity {
  team: string;
  teamId: string;
  /** The bot's user name, for `/invite @name`. */
  user: string;
  userId: string;
  /** From the `x-oauth-scopes` header Slack sends with Web API answers; null when it sent none. */
  scopes: string[] | null;
}

export interface SlackChannelState {
  id: string;
  name: string;
  isMember: boolean;
  isArchived: boolean;
  isPrivate: boolean;
}

export interface SlackProbe {
  /** auth.test with SLACK_BOT_TOKEN. */
  identify(): Promise<SlackAnswer<SlackIdentity>>;
  /** apps.connections.open with SLACK_APP_TOKEN; the socket URL it answers is never opened. */
  openSocketConnection(): Promise<SlackAnswer<null>>;
  /** conversations.info for a channel id. */
  channel(id: string): Promise<SlackAnswer<SlackChannelState>>;
  /** conversations.list of public and private channels the bot can see, archived ones included. */
  channels(): Promise<SlackAnswer<SlackChannelState[]>>;
}

export interface DocsPort {
  /** TECHDOCS_BASE_URL. */
  baseUrl: string;
  readMetadata(siteUrl: string): Promise<SiteRead<TechDocsMetadata>>;
  /** Whether anything answers at the base URL itself. */
  probeBase(): Promise<SiteRead<string>>;
}

export interface TemplatesPort {
  /** BACKLINE_TEMPLATES_DIR, or the shipped templates. */
  folder: string;
  /** The templates `/create-service` would offer; Template entities of the catalog too with `withCatalog`. */
  list(options: { withCatalog: boolean }): Promise<TemplateListing>;
}

export interface DoctorPorts {
  database: DatabasePort;
  catalog: CatalogPort;
  /** With SLACK_BOT_TOKEN or SLACK_APP_TOKEN. */
  slack?: SlackProbe;
  /** With GitHub credentials. */
  github?: GitHubProbe;
  pagerDuty?: ProviderProbe;
  opsgenie?: ProviderProbe;
  /** With TECHDOCS_BASE_URL. */
  docs?: DocsPort;
  templates: TemplatesPort;
}

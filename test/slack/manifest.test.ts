import { readFileSync } from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';

interface SlashCommand {
  command: string;
  url: string;
  description: string;
  usage_hint?: string;
  should_escape: boolean;
}

interface Manifest {
  _metadata: { major_version: number; minor_version: number };
  display_information: { name: string; description: string; long_description: string; background_color: string };
  features: {
    bot_user: { display_name: string; always_online: boolean };
    app_home: { home_tab_enabled: boolean; messages_tab_enabled: boolean };
    unfurl_domains: string[];
    slash_commands: SlashCommand[];
  };
  oauth_config: { scopes: { bot: string[] } };
  settings: {
    interactivity: { is_enabled: boolean; request_url: string; message_menu_options_url: string };
    event_subscriptions: { request_url: string; bot_events: string[] };
    org_deploy_enabled: boolean;
    socket_mode_enabled: boolean;
    token_rotation_enabled: boolean;
  };
}

const EVENTS_URL = 'https://backline.example.com/slack/events';
const load = (file: string) => yaml.load(readFileSync(path.join(__dirname, '..', '..', file), 'utf8')) as Manifest;
const manifest = load('manifest.yml');

describe('manifest.yml', () => {
  it('targets manifest schema 1.1', () => {
    expect(manifest._metadata).toEqual({ major_version: 1, minor_version: 1 });
  });

  it("keeps the app's name within 35 characters and its description within 140", () => {
    expect(manifest.display_information.name).toBe('Backline');
    expect(manifest.display_information.name.length).toBeLessThanOrEqual(35);
    expect(manifest.display_information.description.length).toBeGreaterThan(0);
    expect(manifest.display_information.description.length).toBeLessThanOrEqual(140);
  });

  it('has a long description of 175 to 4000 characters, as the manifest schema requires', () => {
    const { length } = manifest.display_information.long_description;
    expect(length).toBeGreaterThanOrEqual(175);
    expect(length).toBeLessThanOrEqual(4000);
  });

  it('uses a hex background colour', () => {
    expect(manifest.display_information.background_color).toMatch(/^#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?$/);
  });

  it('declares exactly the five commands, each sent escaped to the one events endpoint', () => {
    expect(manifest.features.slash_commands.map((c) => c.command)).toEqual(['/whoowns', '/oncall', '/docs', '/find', '/create-service']);
    for (const command of manifest.features.slash_commands) {
      expect({ command: command.command, url: command.url, should_escape: command.should_escape }).toEqual({
        command: command.command,
        url: EVENTS_URL,
        should_escape: true,
      });
    }
  });

  it('keeps every command within 32 characters, starting with a slash, with a description', () => {
    for (const { command, description, usage_hint } of manifest.features.slash_commands) {
      expect(command).toMatch(/^\/[a-z0-9_-]+$/);
      expect(command.length).toBeLessThanOrEqual(32);
      expect(description.length).toBeGreaterThan(0);
      expect(description.length).toBeLessThanOrEqual(2000);
      if (usage_hint !== undefined) expect(usage_hint.length).toBeLessThanOrEqual(1000);
    }
  });

  it('hints that /whoowns takes a service, repo, channel or person', () => {
    expect(manifest.features.slash_commands.find((c) => c.command === '/whoowns')?.usage_hint).toBe('[service | repo | #channel | @person]');
  });

  it('asks for every bot scope Backline uses, and no others', () => {
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual(
      [
        'commands',
        'chat:write',
        'chat:write.public',
        'users:read',
        'users:read.email',
        'usergroups:read',
        'channels:read',
        'groups:read',
        'channels:history',
        'groups:history',
        'im:write',
        'app_mentions:read',
        'im:history',
        'links:read',
        'links:write',
      ].sort(),
    );
  });

  it('has a bot user that is always online, a Home tab, and a Messages tab people can write in', () => {
    expect(manifest.features.bot_user).toEqual({ display_name: 'backline', always_online: true });
    expect(manifest.features.app_home).toEqual({ home_tab_enabled: true, messages_tab_enabled: true, messages_tab_read_only_enabled: false });
  });

  it('unfurls links to GitHub, within the five domains Slack allows', () => {
    expect(manifest.features.unfurl_domains).toEqual(['github.com']);
  });

  it('sends interactions, select options, mentions, direct messages and shared links to the events endpoint over HTTP', () => {
    expect(manifest.settings).toEqual({
      interactivity: { is_enabled: true, request_url: EVENTS_URL, message_menu_options_url: EVENTS_URL },
      event_subscriptions: { request_url: EVENTS_URL, bot_events: ['app_home_opened', 'app_mention', 'message.im', 'link_shared'] },
      org_deploy_enabled: false,
      socket_mode_enabled: false,
      token_rotation_enabled: false,
    });
  });

  it('uses only top-level sections Slack knows', () => {
    expect(Object.keys(manifest).sort()).toEqual(['_metadata', 'display_information', 'features', 'oauth_config', 'settings']);
  });
});

describe('manifest.socket-mode.yml', () => {
  const socketMode = load('manifest.socket-mode.yml');

  it('is manifest.yml with Socket Mode on and no request URL, so the two never drift apart', () => {
    const expected = JSON.parse(JSON.stringify(manifest)) as Manifest;
    for (const command of expected.features.slash_commands) delete (command as Partial<SlashCommand>).url;
    delete (expected.settings.interactivity as Partial<Manifest['settings']['interactivity']>).request_url;
    delete (expected.settings.interactivity as Partial<Manifest['settings']['interactivity']>).message_menu_options_url;
    delete (expected.settings.event_subscriptions as Partial<Manifest['settings']['event_subscriptions']>).request_url;
    expected.settings.socket_mode_enabled = true;
    expect(socketMode).toEqual(expected);
  });

  it('names no address for Slack to call', () => {
    expect(JSON.stringify(socketMode)).not.toMatch(/https?:\/\//);
  });
});

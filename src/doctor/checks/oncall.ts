import { WHERE_TO_GET } from '../../config';
import type { ProviderProbe } from '../../oncall/probe';
import { ok, problem, skipped, type Finding } from '../findings';

interface Provider {
  name: string;
  /** PAGERDUTY_TOKEN */
  credential: string;
  /** PAGERDUTY_API_URL */
  urlSetting: string;
  apiUrl: string;
  probe: ProviderProbe | undefined;
}

/** PagerDuty's and Opsgenie's credentials read what on-call answers read. */
export async function checkOnCall(providers: { pagerDuty: Omit<Provider, 'name' | 'credential' | 'urlSetting'>; opsgenie: Omit<Provider, 'name' | 'credential' | 'urlSetting'> }): Promise<Finding[]> {
  return Promise.all([
    checkProvider({ name: 'oncall.pagerduty', credential: 'PAGERDUTY_TOKEN', urlSetting: 'PAGERDUTY_API_URL', ...providers.pagerDuty }),
    checkProvider({ name: 'oncall.opsgenie', credential: 'OPSGENIE_API_KEY', urlSetting: 'OPSGENIE_API_URL', ...providers.opsgenie }),
  ]);
}

async function checkProvider(provider: Provider): Promise<Finding> {
  const { name, credential, urlSetting, probe } = provider;
  if (!probe) return skipped(name, `not configured: ${credential} is not set`);
  const answer = await probe.check();
  if (answer.ok) return ok(name, `${probe.displayName} accepts ${credential} and lets it read on-call schedules`);
  switch (answer.failure) {
    case 'unauthorized':
      return problem(name, answer.message, `${WHERE_TO_GET[credential]} Then set ${credential} to it.`);
    case 'rate_limited':
      return problem(name, answer.message, `Wait a minute and run backline doctor again; if it persists, other tools share this key's limit: give Backline a key of its own.`);
    case 'timeout':
    case 'unavailable':
      return problem(name, answer.message, `Check that this machine reaches ${provider.apiUrl} (network, firewall, HTTPS proxy). ${WHERE_TO_GET[urlSetting]}`);
    default:
      return problem(name, answer.message, `Check ${urlSetting} (${provider.apiUrl}). ${WHERE_TO_GET[urlSetting]}`);
  }
}

import type { Config } from '../../config';
import { ok, problem, type Finding } from '../findings';

/**
 * The configuration: the environment through config.ts's schema, and backline.yaml. `error` is the
 * message of the ConfigError loading it threw: a headline, then one line per setting with its fix.
 */
export function checkConfiguration(error: string | null, config: Config | undefined): Finding {
  if (error === null) {
    const file = config?.health.configFile;
    return ok('config', file ? `the environment and ${file} are valid` : 'the environment is valid; there is no backline.yaml, so the default health checks and catalog rules apply');
  }
  const [headline = error, ...details] = error.split('\n');
  const settings = details.map((line) => /^- ([A-Z][A-Z0-9_]+)\b/.exec(line)?.[1]).filter((name): name is string => Boolean(name));
  const what = `${headline.replace(/:$/, '')}${settings.length ? ` (${settings.join(', ')})` : ''}`;
  const consequence = config ? '; the other checks ran without the invalid settings' : '; the other checks need it to load';
  const fix = details.length ? details.map((line) => line.replace(/^- /, '')).join('\n') : `${headline}. See docs/configuration.md and backline.example.yaml.`;
  return problem('config', `${what}${consequence}`, fix);
}

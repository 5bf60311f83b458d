import { WHERE_TO_GET, type Config } from '../../config';
import type { GitHubProbe, GitHubProbeResult, GitHubRateLimit } from '../../sources/github/probe';
import { ok, problem, skipped, type Finding } from '../findings';

/**
 * GitHub's credentials sign in (`github.auth`), and can read each organisation of
 * BACKLINE_GITHUB_ORGS (`github.org:<org>`), with the rate limit left where GitHub reports one.
 */
export async function checkGitHub(github: Config['github'], probe: GitHubProbe | undefined): Promise<Finding[]> {
  const orgs = github.orgs;
  if (!probe) {
    if (orgs.length === 0) return [skipped('github.auth', 'not configured: no GitHub credentials (GITHUB_TOKEN, or GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY)'), skipped('github.orgs', 'not configured: BACKLINE_GITHUB_ORGS is not set')];
    return [
      problem('github.auth', `BACKLINE_GITHUB_ORGS names ${orgs.join(', ')}, but no GitHub credentials are set, so serve will not start`, `Set GITHUB_TOKEN: ${WHERE_TO_GET.GITHUB_TOKEN}\nOr set GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY for a GitHub App: ${WHERE_TO_GET.GITHUB_APP_ID}`),
      ...orgs.map((org) => skipped(`github.org:${org}`, 'not checked: no GitHub credentials')),
    ];
  }
  const [signIn, ...organisations] = await Promise.all([probe.signIn(), ...orgs.map((org) => probe.organisation(org))]);
  return [
    authFinding(probe.auth, signIn!, github.apiUrl),
    ...(orgs.length === 0 ? [skipped('github.orgs', 'not configured: BACKLINE_GITHUB_ORGS is not set, so no organisation is read (publishing repositories still uses the credentials)')] : []),
    ...orgs.map((org, i) => organisationFinding(probe.auth, org, organisations[i]!, github.apiUrl)),
  ];
}

function authFinding(auth: GitHubProbe['auth'], answer: GitHubProbeResult<{ app: string | null }>, apiUrl: string): Finding {
  const name = 'github.auth';
  if (answer.ok) {
    if (auth === 'app') return ok(name, `the GitHub App signs in: ${answer.value.app ?? 'GET /app answered'}; each organisation is read as its installation there`);
    const exhausted = exhaustion(answer.rateLimit);
    if (exhausted) return problem(name, `GITHUB_TOKEN works, but its rate limit is used up ${exhausted}`, RATE_LIMIT_FIX);
    return ok(name, `GITHUB_TOKEN works${rateLimitText(answer.rateLimit)}`);
  }
  const credentials = auth === 'app' ? 'the GitHub App (GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY)' : 'GITHUB_TOKEN';
  switch (answer.failure) {
    case 'unauthorized':
      return problem(
        name,
        `GitHub rejected ${credentials}: ${answer.message}`,
        auth === 'app' ? `Check that GITHUB_APP_ID is the App's ID and GITHUB_APP_PRIVATE_KEY a current private key of that App. ${WHERE_TO_GET.GITHUB_APP_PRIVATE_KEY}` : `The token is wrong, expired or revoked. ${WHERE_TO_GET.GITHUB_TOKEN}`,
      );
    case 'not_found':
      return problem(name, `GitHub does not know ${credentials}: ${answer.message}`, auth === 'app' ? `Check GITHUB_APP_ID. ${WHERE_TO_GET.GITHUB_APP_ID}` : `Check GITHUB_API_URL (${apiUrl}). ${WHERE_TO_GET.GITHUB_API_URL}`);
    case 'rate_limited':
      return problem(name, `GitHub is rate-limiting ${credentials}${until(answer.rateLimit)}`, RATE_LIMIT_FIX);
    default:
      return problem(name, answer.message, reachFix(apiUrl));
  }
}

function organisationFinding(auth: GitHubProbe['auth'], org: string, answer: GitHubProbeResult<{ repositories: number }>, apiUrl: string): Finding {
  const name = `github.org:${org}`;
  const access =
    auth === 'app'
      ? `In ${org}'s settings → GitHub Apps → your App → Configure, give it access to the repositories Backline should read (All repositories), with Contents: read (and Members: read to import teams).`
      : `Give the token read access to ${org}'s repositories: a fine-grained token with ${org} as its resource owner and Contents: read, or a classic token with the repo scope (read:org to import teams). If ${org} uses SAML single sign-on, authorize the token for it (github.com/settings/tokens → Configure SSO).`;
  if (answer.ok) {
    if (answer.value.repositories === 0) return problem(name, `${org} lists no repositories these credentials can read`, access);
    const exhausted = exhaustion(answer.rateLimit);
    if (exhausted) return problem(name, `reads ${org}'s repositories, but the rate limit is used up ${exhausted}`, RATE_LIMIT_FIX);
    return ok(name, `reads ${org}'s repositories${rateLimitText(answer.rateLimit)}`);
  }
  switch (answer.failure) {
    case 'not_found':
      return problem(name, `GitHub has no organisation ${org} that these credentials can see`, `Check the spelling of ${org} in BACKLINE_GITHUB_ORGS (organisation names separated by commas), and that GITHUB_API_URL (${apiUrl}) is the GitHub it lives on.\n${access}`);
    case 'not_installed':
      return problem(name, `the GitHub App is not installed on ${org}`, `Install it on ${org}: the App's settings page → Install App → ${org}, with access to the repositories Backline should read.`);
    case 'unauthorized':
      return problem(name, `GitHub rejected the credentials for ${org}: ${answer.message}`, 'See github.auth.');
    case 'forbidden':
      return problem(name, `GitHub refused to list ${org}'s repositories: ${answer.message}`, access);
    case 'rate_limited':
      return problem(name, `GitHub is rate-limiting reads of ${org}${until(answer.rateLimit)}`, RATE_LIMIT_FIX);
    default:
      return problem(name, answer.message, reachFix(apiUrl));
  }
}

const RATE_LIMIT_FIX = 'Wait for the reset (refreshes resume by themselves), or use a GitHub App, whose installations each get their own, higher limit; a longer BACKLINE_GITHUB_REFRESH_MINUTES spends less of it.';

function reachFix(apiUrl: string): string {
  return `Check that this machine reaches ${apiUrl} (network, firewall, HTTPS proxy) and that GITHUB_API_URL is right: ${WHERE_TO_GET.GITHUB_API_URL}`;
}

function rateLimitText(rateLimit: GitHubRateLimit | null): string {
  if (!rateLimit) return '';
  return `; rate limit: ${rateLimit.remaining.toLocaleString('en-US')} of ${rateLimit.limit.toLocaleString('en-US')} requests left until ${clock(rateLimit.resetAt)}`;
}

function exhaustion(rateLimit: GitHubRateLimit | null): string | undefined {
  return rateLimit && rateLimit.remaining === 0 ? `until ${clock(rateLimit.resetAt)}` : undefined;
}

function until(rateLimit: GitHubRateLimit | null): string {
  const exhausted = exhaustion(rateLimit);
  return exhausted ? ` ${exhausted}` : '';
}

/** "14:05 UTC": the reset is within the hour. */
function clock(at: number): string {
  return `${new Date(at).toISOString().slice(11, 16)} UTC`;
}

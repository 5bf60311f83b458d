/**
 * How to word a URL Backline will not read. Backline reads catalog files from disk and, through its
 * GitHub integration, from GitHub; telling someone to configure that integration helps only when
 * the URL is GitHub's.
 */

/**
 * github.com and its raw-content host, or a GitHub Enterprise host named `github.…`, as most are.
 * A guess from the host alone: it only chooses the wording of an error.
 */
export function isGitHubUrl(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return false;
  }
  return host === 'github.com' || host.endsWith('.github.com') || host === 'raw.githubusercontent.com' || host.startsWith('github.');
}

/** Why a URL is not read, for a URL no configured reader can read (`readerConfigured`: whether GitHub is set up at all). */
export function unreadableUrl(url: string, readerConfigured: boolean): string {
  const shown = url.length > 200 ? `${url.slice(0, 200)}…` : url;
  if (!isGitHubUrl(url)) return `${shown} is not a GitHub URL: Backline reads catalog files from disk and from GitHub only`;
  if (!readerConfigured) return `No reader is configured for ${shown}; configure the GitHub integration (GITHUB_TOKEN, or a GitHub App) to read GitHub URLs`;
  return `${shown} is not a file Backline's GitHub integration can read: it reads files of repositories on its GitHub host (GITHUB_API_URL), as https://github.com/OWNER/REPO/blob/BRANCH/PATH`;
}

import type { GitHubClient } from '../sources/github/client';
import type { DocsChanges, DocsSource } from './freshness';

/**
 * The last commit to a docs folder, from GitHub's commits list (`?path=…&per_page=1`). Asked
 * conditionally on the cached ETag, so an unchanged folder costs a free 304.
 */
export function createGitHubDocsChanges(client: GitHubClient): DocsChanges {
  return {
    async lastChange(source: DocsSource): Promise<Date | null> {
      const answer = await client.getCached<string | null>({
        request: {
          method: 'GET',
          path: `/repos/${encodeURIComponent(source.owner)}/${encodeURIComponent(source.repo)}/commits`,
          query: { path: source.path, per_page: 1 },
          owner: source.owner,
        },
        keep: (data) => {
          const first = Array.isArray(data) ? (data[0] as { commit?: { committer?: { date?: unknown }; author?: { date?: unknown } } } | undefined) : undefined;
          const date = first?.commit?.committer?.date ?? first?.commit?.author?.date;
          return typeof date === 'string' ? date : null;
        },
        // 409: the repository is empty.
        absent: [404, 409],
      });
      if (!answer.found || !answer.data) return null;
      const date = new Date(answer.data);
      return Number.isNaN(date.getTime()) ? null : date;
    },
  };
}

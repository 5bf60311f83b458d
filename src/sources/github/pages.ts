import type { GitHubClient } from './client';
import type { GitHubRequest } from './transport';
import { linkOf } from './urls';

const PER_PAGE = 100;

interface Page<T> {
  items: T[];
  /** The last page number from the Link header, when GitHub gave one. */
  last: number | null;
  next: boolean;
}

/**
 * Every item of a paginated collection, each page a conditional request of its own: an unchanged
 * collection costs one 304 per page. Page 1 names the last page (Link rel="last"), so the other pages
 * are asked at once (within the client's concurrency bound) instead of one after another.
 *
 * Returns undefined when the collection itself is not there (404).
 */
export async function listAll<T>(client: GitHubClient, request: Omit<GitHubRequest, 'method'>, keepItem: (item: unknown) => T): Promise<T[] | undefined> {
  const pageRequest = (page: number): GitHubRequest => ({ ...request, method: 'GET', query: { ...request.query, per_page: PER_PAGE, page } });
  const fetchPage = async (page: number) =>
    client.getCached<Page<T>>({
      request: pageRequest(page),
      keep: (data, response) => {
        const last = linkOf(response.headers.link, 'last');
        return {
          items: (Array.isArray(data) ? data : []).map(keepItem),
          last: last ? Number(new URL(last).searchParams.get('page')) || null : null,
          next: Boolean(linkOf(response.headers.link, 'next')),
        };
      },
    });

  const first = await fetchPage(1);
  if (!first.found) return undefined;
  const pages: Array<Page<T>> = [first.data];
  const last = first.data.last ?? 1;
  const middle = await Promise.all(Array.from({ length: Math.max(0, last - 1) }, (_, index) => fetchPage(index + 2)));
  for (const answer of middle) pages.push(answer.found ? answer.data : { items: [], last: null, next: false });

  // A page added since the cached first page named the last one: follow `next`, and look behind a
  // full last page too (its own ETag does not change when a new page starts after it).
  let page = pages.length;
  for (;;) {
    const tail = pages[pages.length - 1]!;
    if (!tail.next && tail.items.length < PER_PAGE) break;
    page += 1;
    const answer = await fetchPage(page);
    if (!answer.found || answer.data.items.length === 0) break;
    pages.push(answer.data);
  }
  return pages.flatMap((p) => p.items);
}

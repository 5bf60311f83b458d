import path from 'node:path/posix';
import type { StoredEntity } from '../catalog/store';
import { TECHDOCS_REF } from './resolve';

/** Where an entity's docs sources live in GitHub: MkDocs' docs folder beside its mkdocs.yml. */
export interface DocsSource {
  owner: string;
  repo: string;
  /** A folder inside the repository, e.g. `docs` or `services/payments/docs`. */
  path: string;
}

/**
 * The last commit to a docs folder, through the GitHub client. Throws when GitHub cannot answer;
 * null when nothing was ever committed there.
 */
export interface DocsChanges {
  lastChange(source: DocsSource): Promise<Date | null>;
}

export interface Freshness {
  stale: boolean;
  /** Why it is stale, in words; null when it is not. */
  reason: string | null;
}

const DAY_MS = 24 * 60 * 60_000;

/**
 * Stale when the docs sources changed after the build, or when the build is older than the
 * configured age. Without a build time nothing can be judged: null.
 */
export function judgeFreshness(input: { builtAt: Date | null; now: Date; maxAgeDays: number | null; lastDocsChange: Date | null }): Freshness | null {
  const { builtAt, now, maxAgeDays, lastDocsChange } = input;
  if (!builtAt) return null;
  if (lastDocsChange && lastDocsChange.getTime() > builtAt.getTime()) {
    return { stale: true, reason: `the docs changed ${ageText(lastDocsChange, now)}, after the last build` };
  }
  if (maxAgeDays !== null && now.getTime() - builtAt.getTime() > maxAgeDays * DAY_MS) {
    return { stale: true, reason: `built more than ${maxAgeDays} day${maxAgeDays === 1 ? '' : 's'} ago (BACKLINE_DOCS_MAX_AGE_DAYS)` };
  }
  return { stale: false, reason: null };
}

/** "just now", "5 minutes ago", "3 days ago", "2 months ago": how people say the age of a build. */
export function ageText(then: Date, now: Date): string {
  const ms = now.getTime() - then.getTime();
  if (ms < 0) return 'in the future (check the build clock)';
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return 'just now';
  const units: Array<[number, string]> = [
    [365 * 24 * 60, 'year'],
    [30 * 24 * 60, 'month'],
    [7 * 24 * 60, 'week'],
    [24 * 60, 'day'],
    [60, 'hour'],
    [1, 'minute'],
  ];
  const [size, name] = units.find(([unit]) => minutes >= unit)!;
  const count = Math.floor(minutes / size);
  return `${count} ${name}${count === 1 ? '' : 's'} ago`;
}

/**
 * The GitHub folder an entity's TechDocs are built from: `url:` refs name it; `dir:` refs are
 * relative to the entity's catalog file (when that came from GitHub) or else to the root of its
 * `github.com/project-slug` repository. MkDocs reads pages from `docs/` beside mkdocs.yml.
 */
export function docsSourceOf(entity: StoredEntity, githubWebUrl: string): DocsSource | null {
  const annotations = entity.entity.metadata.annotations ?? {};
  const ref = annotations[TECHDOCS_REF]?.trim();
  if (!ref) return null;
  const web = githubWebUrl.replace(/\/+$/, '');
  if (ref.startsWith('url:')) {
    const match = new RegExp(`^${escapeRegExp(web)}/([^/]+)/([^/]+)/(?:tree|blob)/[^/]+/?(.*)$`).exec(ref.slice(4).trim());
    return match ? { owner: match[1]!, repo: match[2]!, path: docsFolder(match[3]!) } : null;
  }
  if (!ref.startsWith('dir:')) return null;
  const relative = ref.slice(4).trim() || '.';
  const location = new RegExp(`^url:${escapeRegExp(web)}/([^/]+)/([^/]+)/blob/[^/]+/(.+)$`).exec(entity.locationKey);
  if (location) {
    const folder = path.normalize(path.join(path.dirname(decodeURIComponent(location[3]!)), relative));
    if (folder.startsWith('..')) return null;
    return { owner: decodeURIComponent(location[1]!), repo: decodeURIComponent(location[2]!), path: docsFolder(folder) };
  }
  const slug = annotations['github.com/project-slug']?.trim();
  const [owner, repo] = slug?.split('/') ?? [];
  if (!owner || !repo) return null;
  const folder = path.normalize(relative);
  if (folder.startsWith('..')) return null;
  return { owner, repo, path: docsFolder(folder) };
}

function docsFolder(folder: string): string {
  const clean = folder.replace(/^\.?\/*/, '').replace(/\/+$/, '');
  return clean === '' || clean === '.' ? 'docs' : `${clean}/docs`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

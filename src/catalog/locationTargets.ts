import type { Entity } from './model';
import { confineLocalPath, confineUrl, type ReadPolicy, type ReadScope } from './confinement';
import { isUrl } from './placeholders';

/** The Location target types Backline follows. */
export const READABLE_LOCATION_TYPES = ['file', 'url'] as const;

/** Where a Location entity (or a folder) points: another location to read. */
export interface LocationTarget {
  /** `file` or `url` from a Location entity; a source's own type for what it generates (an inferred repository). */
  type: 'file' | 'url' | (string & {});
  target: string;
  /** The Location entity that listed it, and where: errors reading the target name that line. */
  listedBy?: { ref: string; file: string; line: number };
}

/** A Location entity as it sits in its file. */
export interface ListingDocument {
  file: string;
  ref: string;
  /** The document's first and last line in the file. */
  lines: { first: number; last: number };
  /** The file's lines (0-based), to find the line each target is written on. */
  text: () => string[];
}

export type LocationTargets =
  /** Backline does not follow Locations of this type: the entity is kept, its targets are not read. */
  | { readable: false; type: string }
  | { readable: true; targets: LocationTarget[]; errors: Array<{ message: string; line: number }> };

/**
 * Location `target`/`targets`, resolved against the folder of the file that holds the Location, and
 * confined to the source the file came from: a target outside it is an error, never read.
 *
 * `spec.type` may be any non-empty string, as in Backstage, where other processors read other types
 * (`github-org`, `azure-discovery`, …); Backline follows `file` and `url` and says so of the rest.
 */
export function locationTargets(entity: Entity, listing: ListingDocument, scope: ReadScope, policy: ReadPolicy): LocationTargets {
  const spec = (entity.spec ?? {}) as { type?: string; target?: string; targets?: string[] };
  const type = spec.type ?? 'file';
  if (type !== 'file' && type !== 'url') return { readable: false, type };
  const { file } = listing;
  const written = [...(spec.target ? [spec.target] : []), ...(spec.targets ?? [])];
  const targets: LocationTarget[] = [];
  const errors: Array<{ message: string; line: number }> = [];
  const lineOf = lineFinder(listing);
  for (const target of written) {
    const line = lineOf(target);
    // Targets are relative to the Location's own file, whether that is on disk or at a URL.
    const url = /^https?:\/\//i.test(target) ? target : isUrl(file) ? new URL(target, file).toString() : undefined;
    if (url === undefined && type === 'url') {
      errors.push({ message: `Location target "${clip(target)}" is a relative path, but its type is url and ${file} was read from disk, so there is no URL to resolve it against: write type: file (or no type) for a file beside it, or an absolute URL`, line });
      continue;
    }
    const confined = url !== undefined ? confineUrl(url, scope, policy) : confineLocalPath(target, file, scope);
    if (!confined.ok) errors.push({ message: `Location target ${confined.message}`, line });
    else targets.push({ type: url !== undefined ? 'url' : 'file', target: confined.target, listedBy: { ref: listing.ref, file, line } });
  }
  return { readable: true, targets, errors };
}

/**
 * Finds the line each target is written on: the first line, from just after the last target's,
 * then from the document's start, that holds it as a whole YAML scalar (after `-`, `:`, `[` or `,`,
 * quoted or not). The document's first line when none does, as when a target is written across
 * lines. Targets are asked in the order they are written, so a Location listing thousands of files
 * finds each on the line after the last, rather than reading the document again for each.
 */
function lineFinder(listing: ListingDocument): (target: string) => number {
  const lines = listing.text();
  const first = listing.lines.first - 1;
  const end = Math.min(listing.lines.last, lines.length);
  let resume = first;
  return (target) => {
    const escaped = target.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const scalar = new RegExp(`(?:^|[\\s\\[,:-])["']?${escaped}["']?(?:$|[\\s\\],#])`);
    const holds = (index: number) => lines[index]!.includes(target) && scalar.test(lines[index]!);
    for (let index = resume; index < end; index++) {
      if (holds(index)) return (resume = index + 1);
    }
    for (let index = first; index < resume && index < end; index++) {
      if (holds(index)) return (resume = index + 1);
    }
    return listing.lines.first;
  };
}

function clip(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

import { parseEntityRef } from '../catalog/model';

/**
 * search_catalog's filters and answer: those of `/find` and `backline search --json`, which it
 * answers from. Types rather than interfaces: the tool's output schema lets fields be added.
 */
export type SearchFilters = {
  /** Only these kinds (lower-case). */
  kind?: string[];
  /** Only what this Group or User owns, as a ref. */
  owner?: string;
  /** Only entities with every one of these tags. */
  tag?: string[];
};

export type SearchHit = {
  ref: string;
  kind: string;
  title: string | null;
  owner: string | null;
  score: number;
  why: string;
};

export type SearchAnswer = {
  query: string;
  filters: SearchFilters;
  results: SearchHit[];
  /** Near misses, when nothing fits the words and the filters. */
  suggestions: string[];
};

/** An owner as people write it (`payments`, `group:payments`, `user:default/jane`) as a lower-cased ref. */
export function ownerRefOf(text: string): string | undefined {
  try {
    const ref = parseEntityRef(text.trim(), { defaultKind: 'group', defaultNamespace: 'default' });
    return `${ref.kind}:${ref.namespace}/${ref.name}`.toLowerCase();
  } catch {
    return undefined;
  }
}

/** Small builders for entity documents, so each test case shows only what it changes. */

export type Doc = Record<string, unknown>;

export function component(patch: { metadata?: Doc; spec?: Doc; root?: Doc } = {}): Doc {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'artist-lookup', ...patch.metadata },
    spec: { type: 'service', lifecycle: 'production', owner: 'team-a', ...patch.spec },
    ...patch.root,
  };
}

/** An entity of any kind with the given spec. */
export function entity(kind: string, spec: unknown, apiVersion = 'backstage.io/v1alpha1', name = 'example'): Doc {
  return { apiVersion, kind, metadata: { name }, spec };
}

/** A copy of `doc` without the given top-level or `section.field` key. */
export function without(doc: Doc, path: string): Doc {
  const [head, field] = path.split('.') as [string, string | undefined];
  const copy: Doc = { ...doc };
  if (field === undefined) {
    delete copy[head];
  } else {
    const section: Doc = { ...(copy[head] as Doc) };
    delete section[field];
    copy[head] = section;
  }
  return copy;
}

export const x = (count: number, char = 'a'): string => char.repeat(count);

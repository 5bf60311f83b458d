/**
 * Components as Backline infers them from GitHub (a repository without a catalog file): the
 * annotations backline.dev/inferred-from and backline.dev/inferred-evidence, the repository slug,
 * lifecycle unknown, and no spec.owner when nothing could be inferred. They are stored as the
 * inference writes them, one location per repository, past the validation of catalog files (which
 * requires spec.owner of a Component that a person wrote).
 */
import yaml from 'js-yaml';
import { sha256 } from '../../src/catalog/files';
import { entityRefKey, relationsOf, stringifyEntityRef, type Entity } from '../../src/catalog/model';
import type { ProcessedEntity } from '../../src/catalog/processing';
import type { IngestionStore } from '../../src/catalog/store';

export interface InferredFixture {
  name: string;
  slug: string;
  from: 'codeowners' | 'team-permission' | 'none';
  evidence: string;
  owner?: string;
  description?: string;
  tags?: string[];
  type?: string;
}

/** One inferred Component as YAML, the way the inference describes a repository. */
export function inferredComponent(fixture: InferredFixture): string {
  const entity: Entity = {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: fixture.name,
      description: fixture.description ?? `The ${fixture.slug} repository.`,
      tags: fixture.tags ?? [],
      annotations: { 'backline.dev/inferred-from': fixture.from, 'backline.dev/inferred-evidence': fixture.evidence, 'github.com/project-slug': fixture.slug },
    },
    spec: { type: fixture.type ?? 'unknown', lifecycle: 'unknown', ...(fixture.owner && { owner: fixture.owner }) },
  };
  return yaml.dump(entity);
}

/** Stores the inferred Components of `text` (multi-document YAML), each at the URL of its repository. */
export async function storeInferred(store: Pick<IngestionStore, 'writeLocations'>, text: string): Promise<void> {
  const entities = yaml.loadAll(text).filter((value): value is Entity => value !== null && typeof value === 'object');
  await store.writeLocations(
    entities.map((entity) => {
      const target = `https://github.com/${entity.metadata.annotations?.['github.com/project-slug'] ?? entity.metadata.name}`;
      const processed = asProcessed(entity);
      return { key: `github-inferred:${target}`, type: 'github-inferred', target, parentKey: null, contentHash: processed.hash, etag: null, children: [], dependencies: [], entities: [processed], problems: [], inferred: true };
    }),
  );
}

function asProcessed(entity: Entity): ProcessedEntity {
  const ref = stringifyEntityRef(entity);
  const refKey = entityRefKey(entity);
  const json = JSON.stringify(entity);
  const relations = relationsOf(entity)
    .relations.filter((relation) => relation.source.toLowerCase() === refKey)
    .map((relation) => ({ sourceKey: refKey, type: relation.type, targetKey: relation.target.toLowerCase(), sourceRef: relation.source, targetRef: relation.target }));
  return { refKey, ref, kind: entity.kind.toLowerCase(), namespace: entity.metadata.namespace ?? 'default', name: entity.metadata.name, title: undefined, json, hash: sha256(json), relations, document: 1, line: 1 };
}

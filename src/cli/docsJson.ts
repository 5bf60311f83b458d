import type { DocsResult } from '../../commands/docs';
import { canonicalEntityRef } from '../catalog/model';
import { TECHDOCS_REF } from '../docs/resolve';

/** The no-docs answer of `--json`, which has no card to show the annotation snippet in. */
export function noDocsWarning(entityRef: string): string {
  return `${entityRef} has no docs: add the annotation ${TECHDOCS_REF}: dir:. to its catalog-info.yaml and publish its TechDocs, or a link of type docs in metadata.links.`;
}

/** The JSON shape of `backline docs --json`, with the ref as Backstage writes it. */
export function docsJson(result: DocsResult): object {
  return {
    entity: result.entity ? canonicalEntityRef(result.entity.ref) : null,
    url: result.site?.openUrl ?? result.link?.url ?? null,
    builtAt: result.site?.builtAt?.toISOString() ?? null,
    stale: result.site?.stale ?? null,
    pages: result.pages.map((page) => ({ title: page.title, url: page.url, score: page.score })),
    warnings: result.noDocs && result.entity ? [noDocsWarning(result.entity.ref), ...result.warnings] : result.warnings,
  };
}

/** 0 when the answer has docs to offer, 1 when it has none. */
export function docsExitCode(result: DocsResult): number {
  return result.site || result.link || result.pages.length ? 0 : 1;
}

import type { DocsResult } from '../../commands/docs';
import { TECHDOCS_REF } from '../docs/resolve';

/** The no-docs answer, for surfaces without the card's annotation snippet. */
export function noDocsWarning(entityRef: string): string {
  return `${entityRef} has no docs: add the annotation ${TECHDOCS_REF}: dir:. to its catalog-info.yaml and publish its TechDocs, or a link of type docs in metadata.links.`;
}

/** The JSON shape of `backline docs --json`. */
export function docsJson(result: DocsResult): object {
  return {
    entity: result.entity?.ref ?? null,
    url: result.site?.openUrl ?? result.link?.url ?? null,
    builtAt: result.site?.builtAt?.toISOString() ?? null,
    stale: result.site?.stale ?? null,
    pages: result.pages.map((page) => ({ title: page.title, url: page.url, score: page.score })),
    warnings: result.noDocs && result.entity ? [noDocsWarning(result.entity.ref), ...result.warnings] : result.warnings,
  };
}

export function formatDocs(result: DocsResult): string {
  if (!result.query) return 'Tell me whose docs: backline docs <entity> [words…], or backline docs <words…> to search every cached site.\n';
  const lines: string[] = [];
  if (result.entity) {
    lines.push(result.entity.ref);
    const site = result.site;
    if (site) {
      lines.push(`  Docs: ${site.openUrl}${site.siteName ? `  (${site.siteName})` : ''}`);
      if (site.borrowed) lines.push(`  Borrowed from ${site.entityRef}`);
      const built = site.builtAt ? `Built ${site.builtAgo} (${site.builtAt.toISOString()})${site.fromCache ? ', last known' : ''}` : 'Build time unknown';
      lines.push(`  ${built}${site.stale === true ? `; STALE: ${site.staleReason}` : site.stale === false ? '; up to date' : ''}`);
    }
    if (result.link) lines.push(`  ${site ? 'Also linked' : 'Docs link'}: ${result.link.url}  (${result.link.title})`);
    if (result.noDocs) lines.push(`  ${noDocsWarning(result.entity.ref)}`);
  }
  if (result.words) {
    if (result.pages.length) {
      lines.push('', `Best pages for "${result.words}"${result.searchedEverySite && result.entity ? ' in every docs site' : ''}:`);
      result.pages.forEach((page, index) => {
        lines.push(`  ${index + 1}. ${page.title}  ${page.url}  (score ${page.score}${result.searchedEverySite ? `, ${page.entityRef}` : ''})`);
        if (page.snippet) lines.push(`     ${page.snippet.slice(0, 160)}`);
      });
    } else {
      lines.push('', `No page matches "${result.words}".`);
    }
  }
  if (!result.entity && result.pages.length === 0) {
    lines.push(`Nothing in the catalog is called "${result.query.split(' ')[0]}".`);
    if (result.suggestions.length) lines.push('Did you mean:', ...result.suggestions.map((s) => `  ${s.ref}${s.title ? ` (${s.title})` : ''}`));
  }
  if (result.warnings.length) lines.push('', ...result.warnings.map((warning) => `! ${warning}`));
  return `${lines.join('\n').replace(/^\n+/, '')}\n`;
}

/** 0 when the answer has docs to offer, 1 when it has none. */
export function docsExitCode(result: DocsResult): number {
  return result.site || result.link || result.pages.length ? 0 : 1;
}

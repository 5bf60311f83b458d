import { DEFAULT_NAMESPACE, InvalidEntityRefError, parseEntityRef, stringifyEntityRef } from '../catalog/model';
import type { StoredEntity } from '../catalog/store';

export const TECHDOCS_REF = 'backstage.io/techdocs-ref';
export const TECHDOCS_ENTITY = 'backstage.io/techdocs-entity';
export const TECHDOCS_ENTITY_PATH = 'backstage.io/techdocs-entity-path';

/** A built TechDocs site, in TechDocs' storage layout. */
export interface DocsSiteRef {
  /** `<base>/<namespace>/<kind>/<name>/`, lower-cased as TechDocs writes it, always with a trailing slash. */
  url: string;
  /** The entity whose build the site is (another entity's when borrowed through techdocs-entity). */
  entityRef: string;
  /** True when the entity borrows the site of `entityRef`. */
  borrowed: boolean;
  /** Where to open the site: its root, or the page techdocs-entity-path names. */
  openUrl: string;
}

/** Where an entity's docs are, before anything is fetched. */
export interface DocsLocation {
  site: DocsSiteRef | null;
  /** The first `metadata.links` entry of type or icon `docs`. */
  link: { url: string; title: string } | null;
  /** Why a site that the annotations ask for cannot be linked. */
  warnings: string[];
}

/**
 * Resolves where an entity's docs live: its own TechDocs site (`backstage.io/techdocs-ref`), another
 * entity's (`backstage.io/techdocs-entity`, optionally at `backstage.io/techdocs-entity-path`), and a
 * docs link from `metadata.links` as the fallback. Pure: nothing is fetched.
 */
export function resolveDocs(entity: StoredEntity, baseUrl: string | null): DocsLocation {
  const annotations = entity.entity.metadata.annotations ?? {};
  const link = docsLinkOf(entity);
  const warnings: string[] = [];
  let target: { entityRef: string; borrowed: boolean; path: string } | null = null;

  const borrowed = annotations[TECHDOCS_ENTITY]?.trim();
  if (borrowed) {
    try {
      const ref = parseEntityRef(borrowed, { defaultKind: 'component', defaultNamespace: entity.namespace });
      target = { entityRef: stringifyEntityRef(ref), borrowed: true, path: annotations[TECHDOCS_ENTITY_PATH]?.trim() ?? '' };
    } catch (error) {
      if (!(error instanceof InvalidEntityRefError)) throw error;
      warnings.push(`${TECHDOCS_ENTITY}: "${borrowed}" of ${entity.ref} is not an entity ref; write it as kind:namespace/name, e.g. component:default/${entity.name}-docs.`);
    }
  } else if (annotations[TECHDOCS_REF]?.trim()) {
    target = { entityRef: entity.ref, borrowed: false, path: '' };
  }

  if (target && !baseUrl) {
    warnings.push(`${entity.ref} has TechDocs, but TECHDOCS_BASE_URL is not set, so Backline cannot link the built site: set it to where your TechDocs sites are published (the folder that holds <namespace>/<kind>/<name>/).`);
    target = null;
  }
  const site = target && baseUrl ? siteOf(target, baseUrl) : null;
  return { site, link, warnings };
}

function siteOf(target: { entityRef: string; borrowed: boolean; path: string }, baseUrl: string): DocsSiteRef {
  const url = siteUrlOf(target.entityRef, baseUrl);
  const page = target.path.replace(/^\/+/, '');
  return { url, entityRef: target.entityRef, borrowed: target.borrowed, openUrl: pageUrl(url, page) };
}

/** The TechDocs storage path of an entity: namespace, kind and name, lower-cased, under the base. */
export function siteUrlOf(entityRef: string, baseUrl: string): string {
  const ref = parseEntityRef(entityRef, { defaultNamespace: DEFAULT_NAMESPACE });
  const triplet = [ref.namespace, ref.kind, ref.name].map((part) => encodeURIComponent(part.toLowerCase())).join('/');
  return `${baseUrl.replace(/\/+$/, '')}/${triplet}/`;
}

export function docsLinkOf(entity: StoredEntity): { url: string; title: string } | null {
  const link = (entity.entity.metadata.links ?? []).find((candidate) => candidate.type === 'docs' || candidate.icon === 'docs');
  return link ? { url: link.url, title: link.title ?? 'Documentation' } : null;
}

/**
 * A page of a site as a browser opens it. MkDocs locations are relative to the site root
 * (`runbook/#rollback`); a site read from disk (file:) needs index.html spelled out, since
 * browsers do not add it to file URLs.
 */
export function pageUrl(siteUrl: string, location: string): string {
  const url = new URL(location.replace(/^\/+/, ''), siteUrl);
  if (url.protocol === 'file:' && url.pathname.endsWith('/')) url.pathname += 'index.html';
  return url.toString();
}

/** What to add to catalog-info.yaml so that an entity gets a docs site. */
export const TECHDOCS_ANNOTATION_HINT = `metadata:\n  annotations:\n    ${TECHDOCS_REF}: dir:.`;

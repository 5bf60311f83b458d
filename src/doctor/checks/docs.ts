import { WHERE_TO_GET, type Config } from '../../config';
import type { StoredEntity } from '../../catalog/store';
import { resolveDocs, TECHDOCS_REF } from '../../docs/resolve';
import { count, messageOf, ok, problem, skipped, type Finding } from '../findings';
import type { CatalogPort, DocsPort } from '../ports';

const NAME = 'docs.techdocs';
/** Enough to tell "the base URL is wrong" (none answers) from "one site is not built yet". */
const SITES_READ = 3;
// serve runs this check at start: on a catalog of a million entities, reading every documented
// one would hold hundreds of thousands of bodies in memory to count them and pick three sites.
/** Entities read to find SITES_READ sites among (several entities can share one site). */
const ENTITIES_READ = 50;
/** Beyond this many documented entities, the message says "or more". */
const COUNTED_UP_TO = 1_000;

/**
 * TECHDOCS_BASE_URL answers: the build metadata of a few of the catalog's sites reads, or, before
 * any entity has docs, something answers at the base URL itself.
 */
export async function checkDocs(docs: Config['docs'], port: DocsPort | undefined, catalog: CatalogPort | null): Promise<Finding> {
  if (!port && docs.dir) return skipped(NAME, 'TECHDOCS_BASE_URL is not set: serve hosts BACKLINE_DOCS_DIR at /techdocs/ and links there');
  const documented = catalog ? await catalog.documented({ first: ENTITIES_READ, countUpTo: COUNTED_UP_TO }).catch((error: unknown) => new Error(messageOf(error))) : null;
  if (!port) {
    const withDocs = documented && !(documented instanceof Error) ? documented.count : 0;
    const counted = withDocs >= COUNTED_UP_TO ? `${count(withDocs, 'entity', 'entities')} or more have` : count(withDocs, 'entity has', 'entities have');
    if (withDocs > 0) return problem(NAME, `${counted} TechDocs (${TECHDOCS_REF}), but TECHDOCS_BASE_URL is not set, so serve links none of their sites`, `Set TECHDOCS_BASE_URL. ${WHERE_TO_GET.TECHDOCS_BASE_URL}`);
    return skipped(NAME, 'not configured: TECHDOCS_BASE_URL is not set');
  }
  const sites = documented && !(documented instanceof Error) ? sitesOf(documented.first, port.baseUrl) : [];
  if (sites.length === 0) {
    const base = await port.probeBase();
    const none = documented instanceof Error ? `the catalog could not be read (${documented.message})` : 'no entity in the catalog has TechDocs yet';
    if (base.ok) return ok(NAME, `TECHDOCS_BASE_URL answers (${base.value}); ${none}, so no site was read`);
    return problem(NAME, `TECHDOCS_BASE_URL (${port.baseUrl}) does not answer: ${base.problem}`, reachFix(port.baseUrl));
  }
  const reads = await Promise.all(sites.map(async (site) => ({ ...site, read: await port.readMetadata(site.url) })));
  const good = reads.filter((site) => site.read.ok);
  const bad = reads.flatMap((site) => (site.read.ok ? [] : [`${site.entityRef}: ${site.read.problem}`]));
  if (good.length === 0) return problem(NAME, `none of the ${count(reads.length, 'docs site')} read under TECHDOCS_BASE_URL (${port.baseUrl}) answered: ${bad.join('; ')}`, reachFix(port.baseUrl));
  return ok(NAME, `TECHDOCS_BASE_URL answers: read the build of ${good.map((site) => site.entityRef).join(', ')}${bad.length ? `; not of ${bad.join('; ')}` : ''}`);
}

/** The first few distinct sites of those read, in ref order, so that the same ones are read each time. */
function sitesOf(entities: StoredEntity[], baseUrl: string): Array<{ url: string; entityRef: string }> {
  const sites = new Map<string, string>();
  for (const entity of [...entities].sort((a, b) => (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0))) {
    const site = resolveDocs(entity, baseUrl).site;
    if (site && !sites.has(site.url)) sites.set(site.url, site.entityRef);
    if (sites.size === SITES_READ) break;
  }
  return [...sites].map(([url, entityRef]) => ({ url, entityRef }));
}

function reachFix(baseUrl: string): string {
  return `Check that TECHDOCS_BASE_URL (${baseUrl}) is the folder that holds <namespace>/<kind>/<name>/ (where techdocs-cli publish writes), that the sites are published there, and that this machine reaches it. ${WHERE_TO_GET.TECHDOCS_BASE_URL}`;
}

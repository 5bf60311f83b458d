import { pathToFileURL } from 'node:url';
import type { StoredEntity } from '../../src/catalog/store';
import { ageText, docsSourceOf, judgeFreshness } from '../../src/docs/freshness';
import { pageUrl, resolveDocs, siteUrlOf } from '../../src/docs/resolve';
import { createDocsSite, parseMetadata } from '../../src/docs/site';
import { FIXTURE_SITES } from './helpers';

function entity(ref: { kind: string; namespace?: string; name: string }, metadata: { annotations?: Record<string, string>; links?: Array<{ url: string; title?: string; type?: string; icon?: string }> } = {}, locationKey = 'file:/catalog/catalog-info.yaml'): StoredEntity {
  const namespace = ref.namespace ?? 'default';
  return {
    ref: `${ref.kind.toLowerCase()}:${namespace}/${ref.name}`,
    refKey: `${ref.kind.toLowerCase()}:${namespace}/${ref.name}`.toLowerCase(),
    kind: ref.kind.toLowerCase(),
    namespace,
    name: ref.name,
    locationKey,
    entity: { apiVersion: 'backstage.io/v1alpha1', kind: ref.kind, metadata: { name: ref.name, namespace, ...metadata }, spec: {} },
  };
}

const BASE = 'https://docs.example.com/techdocs';

describe('resolving where docs live', () => {
  it('puts a site at <base>/<namespace>/<kind>/<name>/, lower-cased as TechDocs writes it', () => {
    const location = resolveDocs(entity({ kind: 'Component', namespace: 'Payments', name: 'Card-Vault' }, { annotations: { 'backstage.io/techdocs-ref': 'dir:.' } }), `${BASE}/`);
    expect(location.site).toEqual({ url: `${BASE}/payments/component/card-vault/`, openUrl: `${BASE}/payments/component/card-vault/`, entityRef: 'component:Payments/Card-Vault', borrowed: false });
    expect(location.warnings).toEqual([]);
  });

  it("borrows another entity's site; a ref without kind or namespace means a component in the borrower's namespace", () => {
    const borrower = entity({ kind: 'API', namespace: 'payments', name: 'payments-api' }, { annotations: { 'backstage.io/techdocs-entity': 'payments-service', 'backstage.io/techdocs-entity-path': '/reference/' } });
    expect(resolveDocs(borrower, BASE).site).toEqual({ url: `${BASE}/payments/component/payments-service/`, openUrl: `${BASE}/payments/component/payments-service/reference/`, entityRef: 'component:payments/payments-service', borrowed: true });
  });

  it('warns about a techdocs-entity that is not a ref, and still offers the docs link', () => {
    const location = resolveDocs(entity({ kind: 'Component', name: 'x' }, { annotations: { 'backstage.io/techdocs-entity': 'component:' }, links: [{ url: 'https://wiki.example/x', icon: 'docs' }] }), BASE);
    expect(location.site).toBeNull();
    expect(location.link).toEqual({ url: 'https://wiki.example/x', title: 'Documentation' });
    expect(location.warnings).toEqual(['backstage.io/techdocs-entity: "component:" of component:default/x is not an entity ref; write it as kind:namespace/name, e.g. component:default/x-docs.']);
  });

  it('links pages relative to the site root, and spells out index.html for sites on disk', () => {
    expect(pageUrl(`${BASE}/default/component/x/`, 'runbook/#rollback')).toBe(`${BASE}/default/component/x/runbook/#rollback`);
    expect(pageUrl('file:///srv/techdocs/default/component/x/', 'runbook/#rollback')).toBe('file:///srv/techdocs/default/component/x/runbook/index.html#rollback');
    expect(pageUrl('file:///srv/techdocs/default/component/x/', '')).toBe('file:///srv/techdocs/default/component/x/index.html');
    expect(siteUrlOf('Group:Default/Team-A', 'file:///srv/techdocs')).toBe('file:///srv/techdocs/default/group/team-a/');
  });
});

describe('freshness', () => {
  const now = new Date('2026-11-22T12:00:00Z');

  it.each([
    ['2026-11-22T11:59:30Z', 'just now'],
    ['2026-11-22T11:55:00Z', '5 minutes ago'],
    ['2026-11-22T11:00:00Z', '1 hour ago'],
    ['2026-11-19T12:00:00Z', '3 days ago'],
    ['2026-11-08T12:00:00Z', '2 weeks ago'],
    ['2026-08-01T12:00:00Z', '3 months ago'],
    ['2024-11-01T12:00:00Z', '2 years ago'],
  ])('says a build of %s was built %s', (at, words) => {
    expect(ageText(new Date(at), now)).toBe(words);
  });

  it('is stale when the docs changed after the build, or the build is older than the configured age, and unknown without a build time', () => {
    const builtAt = new Date('2026-11-19T12:00:00Z');
    expect(judgeFreshness({ builtAt, now, maxAgeDays: null, lastDocsChange: new Date('2026-11-18T12:00:00Z') })).toEqual({ stale: false, reason: null });
    expect(judgeFreshness({ builtAt, now, maxAgeDays: null, lastDocsChange: new Date('2026-11-21T12:00:00Z') })).toEqual({ stale: true, reason: 'the docs changed 1 day ago, after the last build' });
    expect(judgeFreshness({ builtAt, now, maxAgeDays: 2, lastDocsChange: null })).toEqual({ stale: true, reason: 'built more than 2 days ago (BACKLINE_DOCS_MAX_AGE_DAYS)' });
    expect(judgeFreshness({ builtAt: null, now, maxAgeDays: 2, lastDocsChange: null })).toBeNull();
  });

  it('finds the docs folder in GitHub from the techdocs-ref, the catalog file or the project slug', () => {
    const web = 'https://github.com';
    const fromLocation = entity({ kind: 'Component', name: 'a' }, { annotations: { 'backstage.io/techdocs-ref': 'dir:./service' } }, 'url:https://github.com/acme/mono/blob/main/apps/a/catalog-info.yaml');
    expect(docsSourceOf(fromLocation, web)).toEqual({ owner: 'acme', repo: 'mono', path: 'apps/a/service/docs' });
    const fromUrl = entity({ kind: 'Component', name: 'b' }, { annotations: { 'backstage.io/techdocs-ref': 'url:https://github.com/acme/handbook/tree/main/b' } });
    expect(docsSourceOf(fromUrl, web)).toEqual({ owner: 'acme', repo: 'handbook', path: 'b/docs' });
    const fromSlug = entity({ kind: 'Component', name: 'c' }, { annotations: { 'backstage.io/techdocs-ref': 'dir:.', 'github.com/project-slug': 'acme/c' } });
    expect(docsSourceOf(fromSlug, web)).toEqual({ owner: 'acme', repo: 'c', path: 'docs' });
    const outside = entity({ kind: 'Component', name: 'd' }, { annotations: { 'backstage.io/techdocs-ref': 'dir:../..', 'github.com/project-slug': 'acme/d' } });
    expect(docsSourceOf(outside, web)).toBeNull();
  });
});

describe('reading a site', () => {
  it('reads the build time in milliseconds, seconds or ISO form, and tolerates missing fields', () => {
    expect(parseMetadata('{"site_name":"A","etag":"e1","build_timestamp":1795068000000}')).toEqual({ ok: true, value: { siteName: 'A', etag: 'e1', builtAt: new Date('2026-11-19T06:00:00Z') } });
    expect(parseMetadata('{"build_timestamp":1795068000}')).toEqual({ ok: true, value: { siteName: null, etag: null, builtAt: new Date('2026-11-19T06:00:00Z') } });
    expect(parseMetadata('{"build_timestamp":"2026-11-19T06:00:00Z"}')).toMatchObject({ ok: true, value: { builtAt: new Date('2026-11-19T06:00:00Z') } });
    expect(parseMetadata('[]')).toEqual({ ok: false, problem: 'techdocs_metadata.json is not a JSON object' });
  });

  it('reads sites on disk through file: URLs, with the same limits', async () => {
    const site = `${pathToFileURL(FIXTURE_SITES).toString()}/default/component/payments-service/`;
    const reader = createDocsSite({ timeoutMs: 1000, maxIndexBytes: 1024 * 1024 });
    expect(await reader.readMetadata(site)).toMatchObject({ ok: true, value: { siteName: 'Payments Service', etag: 'etag-payments-1' } });
    expect(await reader.readSearchIndex(site)).toMatchObject({ ok: true, value: expect.arrayContaining([{ location: 'refunds/#partial-refunds', title: 'Partial refunds', text: 'Refund any amount up to the captured amount minus earlier refunds.' }]) });
    expect(await createDocsSite({ timeoutMs: 1000, maxIndexBytes: 100 }).readSearchIndex(site)).toMatchObject({ ok: false, problem: expect.stringMatching(/^search\/search_index\.json is \d KB, more than the 100 bytes Backline reads \(BACKLINE_DOCS_MAX_INDEX_BYTES\)$/) });
    expect(await reader.readMetadata(site.replace('payments-service', 'nothing'))).toMatchObject({ ok: false, problem: expect.stringMatching(/^techdocs_metadata\.json is not there \(.*nothing\/techdocs_metadata\.json\): the site has not been built yet/) });
  });
});

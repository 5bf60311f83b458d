import { unfurlQueryOf, type UnfurlSettings } from '../../commands/unfurl';

const settings: UnfurlSettings = {
  githubHosts: ['github.com', 'github.northwind.example'],
  techdocsBaseUrls: ['https://docs.northwind.example/techdocs'],
  catalogBaseUrls: ['https://backstage.northwind.example'],
};

describe('what a pasted link names', () => {
  it.each([
    ['https://github.com/northwind/payments-service', 'northwind/payments-service'],
    ['https://www.github.com/northwind/payments-service/tree/main/src', 'northwind/payments-service'],
    ['https://github.com/northwind/payments-service.git', 'northwind/payments-service'],
    ['https://github.northwind.example/platform/ledger-service/pull/12', 'platform/ledger-service'],
    ['https://docs.northwind.example/techdocs/default/component/payments-service/refunds/#partial-refunds', 'component:default/payments-service'],
    ['https://docs.northwind.example/techdocs/Default/API/Payments-API/', 'api:default/payments-api'],
    ['https://backstage.northwind.example/catalog/default/component/card-vault', 'component:default/card-vault'],
    ['https://backstage.northwind.example/catalog/finance/system/general-ledger/docs', 'system:finance/general-ledger'],
  ])('reads %s as %s', (url, query) => {
    expect(unfurlQueryOf(url, settings)).toBe(query);
  });

  it.each([
    ['another host', 'https://gitlab.com/northwind/payments-service'],
    ['an organisation page', 'https://github.com/northwind'],
    ['a page beside the TechDocs sites', 'https://docs.northwind.example/blog/default/component/x/'],
    ['a catalog page that is not an entity', 'https://backstage.northwind.example/catalog'],
    ['a Backstage page that is not the catalog', 'https://backstage.northwind.example/create/templates/default/x'],
    ['another scheme', 'ftp://github.com/northwind/payments-service'],
    ['something that is not a URL', 'not a url'],
    ['a name that is not an entity name', 'https://backstage.northwind.example/catalog/default/component/%3C!channel%3E'],
  ])('leaves %s alone', (_what, url) => {
    expect(unfurlQueryOf(url, settings)).toBeUndefined();
  });
});

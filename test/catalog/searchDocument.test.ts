import { definitionTerms, fieldTexts, lexiconWords, searchFields, splitWords } from '../../src/catalog/searchDocument';

describe('what search reads of an entity', () => {
  it('weighs its names first, then tags, kind, type, owner, system and domain, then what describes it', () => {
    const fields = searchFields({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name: 'ledgerSync2', title: 'Ledger Sync', description: 'Copies journal entries.', tags: ['double-entry', 'kotlin'], links: [{ url: 'https://grafana.example/d/1', title: 'Error budget board' }] },
      spec: { type: 'service', lifecycle: 'production', owner: 'group:default/ledger-team', system: 'general-ledger' },
    });
    expect(fields).toEqual({
      a: 'ledgerSync2 ledger Sync 2 Ledger Sync',
      b: 'double entry kotlin Component service ledger team general ledger',
      c: 'Copies journal entries. Error budget board',
    });
  });

  it('names a person or team by its display name too, and holds the parts of a name PostgreSQL would not split', () => {
    expect(searchFields({ apiVersion: 'backstage.io/v1alpha1', kind: 'User', metadata: { name: 'jane.doe' }, spec: { profile: { displayName: 'Jane Doe' } } }).a).toBe('jane.doe jane doe Jane Doe');
  });

  it('reads the titles, operation summaries and paths of OpenAPI and AsyncAPI definitions, and nothing of their schemas', () => {
    const openapi = 'openapi: 3.0.3\ninfo:\n  title: Payments\npaths:\n  /payments/{id}/refunds:\n    post:\n      summary: Refund a payment\n      operationId: refundPayment\ncomponents:\n  schemas:\n    Money: { type: object }\n';
    expect(definitionTerms('openapi', openapi)).toEqual(['Payments', 'payments id refunds', 'Refund a payment', 'refund Payment']);
    const asyncapi = 'asyncapi: 2.6.0\ninfo:\n  title: Payment events\nchannels:\n  payments.payment.v1:\n    subscribe:\n      summary: Every payment as it changes\n';
    expect(definitionTerms('asyncapi', asyncapi)).toEqual(['Payment events', 'payments payment v 1', 'Every payment as it changes']);
  });

  it('reads the type names of GraphQL schemas and the services and methods of gRPC ones', () => {
    expect(definitionTerms('graphql', 'type Query { product: Product }\ntype ProductVariant { sku: String }\nenum Colour { RED }')).toEqual(['Query Query', 'ProductVariant Product Variant', 'Colour Colour']);
    expect(definitionTerms('grpc', 'service CardVault {\n  rpc Tokenize (A) returns (B);\n}')).toEqual(['Card Vault', 'Tokenize']);
  });

  it('reads nothing of a definition that does not parse, is not text, or is too large to be worth it', () => {
    expect(definitionTerms('openapi', 'paths: [unclosed')).toEqual([]);
    expect(definitionTerms('openapi', 'info:\n  title: Small\n')).toEqual(['Small']);
    expect(definitionTerms('openapi', { $text: 'x' })).toEqual([]);
    expect(definitionTerms('openapi', `info:\n  title: ${'x'.repeat(600 * 1024)}\n`)).toEqual([]);
    // Aliases that expand to a hundred thousand values, as a "billion laughs" document does.
    const ten = (alias: string) => `[${Array(10).fill(`*${alias}`).join(', ')}]`;
    const laughs = `a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b ${ten('a')}\nc: &c ${ten('b')}\nd: &d ${ten('c')}\ne: ${ten('d')}\ninfo:\n  title: Laughs\n`;
    expect(definitionTerms('openapi', laughs)).toEqual([]);
  });

  it('bounds each field, however long the description', () => {
    const fields = searchFields({ apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'x', description: 'word '.repeat(10_000) }, spec: {} });
    expect(fields.c.length).toBeLessThanOrEqual(8_000);
  });

  it('splits identifiers into their words, and keeps the lexicon to words worth correcting', () => {
    expect(splitWords('getPayment v2-API_keys')).toBe('get Payment v 2 API keys');
    expect(lexiconWords(fieldTexts([{ a: 'payments-api 42 v2', b: 'go pci', c: 'Refunds' }, { a: 'API', b: '', c: 'Zoë’s café' }]))).toEqual(['api', 'café', 'payments', 'pci', 'refunds', 'zoë']);
  });
});

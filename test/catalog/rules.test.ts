import { ConfigError } from '../../src/errors';
import { parseBacklineFile } from '../../src/backlineFile';
import { DEFAULT_CATALOG_RULES, refusalOf, type CatalogRule } from '../../src/catalog/rules';

const FILE = '/etc/backline/backline.yaml';
const entity = (kind: string, type?: string) => ({ kind, spec: type ? { type } : {} });
const url = (repo: string) => ({ type: 'url', target: `https://github.com/acme/${repo}/blob/main/catalog-info.yaml`, repository: { owner: 'acme', repo } });

describe('catalog.rules in backline.yaml', () => {
  it("is Backstage's default without the section: Components, APIs and Locations", () => {
    expect(parseBacklineFile('', FILE).catalogRules).toEqual(DEFAULT_CATALOG_RULES);
    expect(refusalOf(DEFAULT_CATALOG_RULES, entity('Component'), url('app'))).toBeNull();
    expect(refusalOf(DEFAULT_CATALOG_RULES, entity('location'), url('app'))).toBeNull();
    expect(refusalOf(DEFAULT_CATALOG_RULES, entity('Group'), url('app'))).toMatch(/^Group entities are not allowed from/);
  });

  it('reads rules for everywhere and rules for places: repositories, local folders relative to the file, and Backstage patterns', () => {
    const text = [
      'catalog:',
      '  rules:',
      '    - allow: [Component, API, Location, System, Domain, Resource]',
      '    - allow: [Group, User]',
      '      locations:',
      '        - github: acme/people',
      '        - path: ./org',
      '    - allow: [{ kind: Template, spec.type: service }]',
      '      locations: [{ type: url, pattern: "https://github.com/acme/templates/blob/*/**" }]',
    ].join('\n');
    const rules = parseBacklineFile(text, FILE).catalogRules;
    expect(rules[1]).toEqual({ allow: [{ kind: 'Group' }, { kind: 'User' }], locations: [{ github: 'acme/people' }, { path: '/etc/backline/org' }] });

    expect(refusalOf(rules, entity('User'), url('people'))).toBeNull();
    expect(refusalOf(rules, entity('User'), url('app'))).toContain('catalog.rules allow Component, API, Location, System, Domain, Resource from there');
    expect(refusalOf(rules, entity('Group'), { type: 'file', target: '/etc/backline/org/teams.yaml' })).toBeNull();
    expect(refusalOf(rules, entity('Group'), { type: 'file', target: '/etc/backline/organisation/teams.yaml' })).not.toBeNull();
    expect(refusalOf(rules, entity('Template', 'service'), url('templates'))).toBeNull();
    expect(refusalOf(rules, entity('Template', 'website'), url('templates'))).not.toBeNull();
  });

  it('matches repositories by glob and organisations as a whole, ignoring case', () => {
    const rules: CatalogRule[] = [{ allow: [{ kind: 'Resource' }], locations: [{ github: 'Acme/platform-*' }] }, { allow: [{ kind: 'System' }], locations: [{ github: 'acme' }] }];
    expect(refusalOf(rules, entity('resource'), url('platform-db'))).toBeNull();
    expect(refusalOf(rules, entity('Resource'), url('payments-db'))).not.toBeNull();
    expect(refusalOf(rules, entity('System'), url('anything'))).toBeNull();
  });

  it('rejects unknown kinds and malformed locations, naming the field and what would be valid', () => {
    const attempt = (text: string) => {
      try {
        parseBacklineFile(text, FILE);
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as Error).message;
      }
      throw new Error('expected the file to be rejected');
    };
    expect(attempt('catalog:\n  rules:\n    - allow: [Service]')).toContain('catalog.rules[0].allow[0].kind: "Service" is not a catalog kind; kinds: Component, API, Resource');
    expect(attempt('catalog:\n  rules:\n    - allow: [User]\n      locations: [{ repo: acme/people }]')).toContain('each location must be {github: ORG or ORG/REPO}, {path: FOLDER}, or {type: file|url, exact: TARGET | pattern: GLOB}');
  });
});

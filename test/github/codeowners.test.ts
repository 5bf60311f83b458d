import { parseCodeOwners, rootRule } from '../../src/sources/github/codeowners';
import { entityNameOf, inferComponent, type RepositoryFacts } from '../../src/sources/github/inference';

const facts = (overrides: Partial<RepositoryFacts> = {}): RepositoryFacts => ({
  owner: 'acme',
  name: 'payments-api',
  description: null,
  topics: [],
  language: null,
  codeowners: null,
  teams: [],
  rejected: new Set(),
  ...overrides,
});

describe('CODEOWNERS, read as GitHub reads it', () => {
  it('skips comments and blank lines and numbers rules by their line in the file', () => {
    const rules = parseCodeOwners('# owners\n\n*       @acme/payments   # the team\n/docs/  @acme/docs\n');
    expect(rules.map((rule) => [rule.line, rule.pattern, rule.owners])).toEqual([
      [3, '*', [{ kind: 'team', org: 'acme', slug: 'payments' }]],
      [4, '/docs/', [{ kind: 'team', org: 'acme', slug: 'docs' }]],
    ]);
  });

  it('skips lines GitHub cannot read: negation, character ranges and owners of no known form', () => {
    const rules = parseCodeOwners('!secret @acme/a\n[ab].js @acme/b\n* not-a-handle\n* @acme/c\n');
    expect(rules.map((rule) => rule.line)).toEqual([4]);
  });

  it('reads people, teams and email addresses as owners, and an escaped # as part of a pattern', () => {
    const [rule] = parseCodeOwners('\\#notes/ @jane @acme/Web jane@example.com\n');
    expect(rule!.pattern).toBe('#notes/');
    expect(rule!.owners).toEqual([{ kind: 'user', login: 'jane' }, { kind: 'team', org: 'acme', slug: 'web' }, { kind: 'email', email: 'jane@example.com' }]);
  });

  it('gives the root to the last rule that covers every file at the top, not to narrower later rules', () => {
    const rules = parseCodeOwners('* @acme/first\n/** @acme/second\n*.js @acme/frontend\n/src/ @acme/core\n');
    expect(rootRule(rules)?.owners).toEqual([{ kind: 'team', org: 'acme', slug: 'second' }]);
  });

  it('leaves the root unowned when the last rule for it names nobody', () => {
    const rules = parseCodeOwners('* @acme/first\n*\n');
    expect(rootRule(rules)?.owners).toEqual([]);
    expect(inferComponent(facts({ codeowners: { path: 'CODEOWNERS', text: '* @acme/first\n*\n' } })).source).toBe('none');
  });

  it('skips an owner longer than any handle or address, however long the line', () => {
    const rules = parseCodeOwners(`* a@a.${'a.'.repeat(128 * 1024)}@\n* @acme/payments\n`);
    expect(rules.map((rule) => rule.line)).toEqual([2]);
  });

  it('takes a team only from the repository\'s own organisation, as GitHub does', () => {
    const inference = inferComponent(facts({ codeowners: { path: 'CODEOWNERS', text: '* @evil-org/payments @acme/risk\n' } }));
    expect(inference.entity).toMatchObject({ spec: { owner: 'group:default/risk' } });
    expect(inferComponent(facts({ codeowners: { path: 'CODEOWNERS', text: '* @evil-org/payments\n' } })).source).toBe('none');
  });

  it('quotes evidence without control characters, cut between characters rather than inside one', () => {
    const line = `* @acme/payments # \u0000\u001b[31m ${'😀'.repeat(300)}`;
    const { evidence } = inferComponent(facts({ codeowners: { path: 'CODEOWNERS', text: line } }));
    expect(evidence).not.toMatch(/[\u0000-\u001f]/);
    expect(evidence.endsWith('😀…')).toBe(true);
    // No half of a surrogate pair, which PostgreSQL refuses to store.
    expect(evidence).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
  });

  it('names the first few of thousands of teams in evidence, and how many more', () => {
    const teams = Array.from({ length: 20_000 }, (_, i) => `@acme/team-${i}`).join(' ');
    const { evidence } = inferComponent(facts({ codeowners: { path: 'CODEOWNERS', text: `* ${teams}\n` } }));
    expect(evidence).toMatch(/also names @acme\/team-1, @acme\/team-2, @acme\/team-3, @acme\/team-4, @acme\/team-5 and 19994 more\)$/);
    expect(evidence.length).toBeLessThan(400);
  });

  it('quotes a long hostile line in evidence only in part', () => {
    const line = `* @acme/payments ${'#'.repeat(500)}`;
    const inference = inferComponent(facts({ codeowners: { path: 'CODEOWNERS', text: line } }));
    expect(inference.evidence.length).toBeLessThan(240);
  });
});

describe('an inferred Component', () => {
  it('prefers a team to people and email addresses named by the same rule', () => {
    const inference = inferComponent(facts({ codeowners: { path: 'CODEOWNERS', text: '* ops@example.com @jane @acme/payments\n' } }));
    expect(inference.entity).toMatchObject({ spec: { owner: 'group:default/payments' } });
  });

  it('falls back to team permissions when the rule names only email addresses', () => {
    const inference = inferComponent(facts({ codeowners: { path: 'CODEOWNERS', text: '* ops@example.com\n' }, teams: [{ slug: 'payments', permission: 'maintain' }] }));
    expect(inference).toMatchObject({ source: 'team-permission', evidence: 'team payments has maintain permission on acme/payments-api' });
  });

  it('says a CODEOWNERS file too large to read was ignored', () => {
    const inference = inferComponent(facts({ codeowners: { path: '.github/CODEOWNERS', ignored: '4000000 bytes, over the 65536-byte limit' } }));
    expect(inference.evidence).toBe('acme/payments-api: its .github/CODEOWNERS was not read (4000000 bytes, over the 65536-byte limit), and no single team has admin or maintain permission');
  });

  it('says when team permissions could not be read', () => {
    expect(inferComponent(facts({ teamsUnread: true })).evidence).toContain('the credentials need read:org');
  });

  it('keeps only topics and languages that are valid tags, lower-cased', () => {
    const inference = inferComponent(facts({ topics: ['geo', 'Not A Tag!', 'x'.repeat(64)], language: 'Jupyter Notebook' }));
    expect((inference.entity.metadata as { tags: string[] }).tags).toEqual(['geo', 'jupyter-notebook']);
  });

  it('turns any repository name into a valid entity name', () => {
    expect(entityNameOf('.github')).toBe('github');
    expect(entityNameOf('a..b--c')).toBe('a.b-c');
    expect(entityNameOf('x'.repeat(80))).toHaveLength(63);
    expect(entityNameOf('---')).toBe('repository');
  });
});

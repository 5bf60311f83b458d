import { evaluate, isTruthy, parseRepoUrl, renderValue } from '../../src/scaffolder/expressions';

const scope = {
  parameters: { name: 'Payments-API', repoUrl: 'github.com?owner=acme&repo=payments-api', tags: ['a', 'b'], enableCI: 'Yes', docs: false },
  steps: { 'fetch-base': { output: { files: 3 } }, publish: { output: { remoteUrl: 'https://github.com/acme/payments-api' } } },
  user: { ref: 'user:default/ana', entity: { metadata: { name: 'ana' }, spec: { profile: { email: 'ana@example.com' } } } },
};

describe('template expressions', () => {
  it('read parameters, step outputs (also by hyphenated id) and the user entity', () => {
    expect(renderValue('${{ parameters.name }}', scope)).toBe('Payments-API');
    expect(renderValue('${{ steps.publish.output.remoteUrl }}', scope)).toBe('https://github.com/acme/payments-api');
    expect(renderValue("${{ steps['fetch-base'].output.files }}", scope)).toBe(3);
    expect(renderValue('${{ steps.fetch-base.output.files }}', scope)).toBe(3);
    expect(renderValue('${{ user.entity.spec.profile.email }}', scope)).toBe('ana@example.com');
  });

  it('keep the type of a value that is one whole expression, and make text of embedded ones', () => {
    expect(renderValue('${{ parameters.tags }}', scope)).toEqual(['a', 'b']);
    expect(renderValue('${{ parameters.docs }}', scope)).toBe(false);
    expect(renderValue('tags: ${{ parameters.tags }} for ${{ parameters.name }}', scope)).toBe('tags: ["a","b"] for Payments-API');
    expect(renderValue({ list: ['${{ parameters.name | lower }}'], n: 1 }, scope)).toEqual({ list: ['payments-api'], n: 1 });
  });

  it('apply parseRepoUrl, pick, lower, upper, replace and projectSlug', () => {
    expect(evaluate('parameters.repoUrl | parseRepoUrl', scope)).toEqual({ host: 'github.com', owner: 'acme', repo: 'payments-api' });
    expect(evaluate('parameters.repoUrl | parseRepoUrl | pick("repo") | upper', scope)).toBe('PAYMENTS-API');
    expect(evaluate('parameters.name | lower | replace("-", "_")', scope)).toBe('payments_api');
    expect(evaluate("parameters.name | replace('a', 'o', 1)", scope)).toBe('Poyments-API');
    expect(evaluate('parameters.repoUrl | projectSlug', scope)).toBe('acme/payments-api');
  });

  it('judge conditions with comparisons, and, or and not', () => {
    expect(isTruthy('${{ parameters.enableCI === "Yes" }}', scope)).toBe(true);
    expect(isTruthy('${{ parameters.enableCI === "No" or parameters.docs }}', scope)).toBe(false);
    expect(isTruthy('${{ not parameters.docs and parameters.tags }}', scope)).toBe(true);
    expect(isTruthy('${{ parameters.missing }}', scope)).toBe(false);
    expect(isTruthy(true, scope)).toBe(true);
  });

  it('name an unknown filter, a syntax error and a malformed repository URL', () => {
    expect(() => evaluate('parameters.name | slugify', scope)).toThrow(/uses the filter "slugify", which Backline does not have. It has: parseRepoUrl/);
    expect(() => evaluate('parameters.name ===', scope)).toThrow('Cannot read ${{ parameters.name === }}: it ends too early');
    expect(() => parseRepoUrl('https://github.com/acme/x')).toThrow('"https://github.com/acme/x" is not a repository URL: expected host?owner=ORG&repo=NAME');
  });

  it('never reach JavaScript object machinery', () => {
    expect(() => evaluate('parameters.constructor', scope)).toThrow('reads "constructor", which templates may not read');
    expect(() => evaluate('parameters["__proto__"]', scope)).toThrow('reads "__proto__"');
    expect(evaluate('toString', scope)).toBeUndefined();
  });
});

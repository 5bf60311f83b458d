import { isTruthy, parseRepoUrl, renderValue } from '../../src/scaffolder/expressions';
import { TemplateSandbox } from '../../src/scaffolder/templating/sandbox';

let sandbox: TemplateSandbox;
beforeAll(async () => {
  sandbox = await TemplateSandbox.start();
});
afterAll(() => sandbox.close());

const scope = {
  parameters: { name: 'Payments-API', repoUrl: 'github.com?owner=acme&repo=payments-api', tags: ['a', 'b'], enableCI: 'Yes', docs: false, owner: 'group:techdocs', port: 8080 },
  steps: { 'fetch-base': { output: { files: 3 } }, publish: { output: { remoteUrl: 'https://github.com/acme/payments-api' } } },
  user: { ref: 'user:default/ana', entity: { metadata: { name: 'ana' }, spec: { profile: { email: 'ana@example.com' } } } },
};
const render = (value: unknown) => renderValue(sandbox, value, scope, 'step test input');
const text = (source: string, values: Record<string, unknown> = {}) => sandbox.renderStrings([{ name: 'test.txt', source }], { values }).then(([out]) => out);

describe('step inputs, rendered as Backstage renders them', () => {
  it('read parameters, step outputs by bracketed id, and the user entity', async () => {
    expect(await render('${{ parameters.name }}')).toBe('Payments-API');
    expect(await render('${{ steps.publish.output.remoteUrl }}')).toBe('https://github.com/acme/payments-api');
    expect(await render("${{ steps['fetch-base'].output.files }}")).toBe(3);
    expect(await render('${{ user.entity.spec.profile.email }}')).toBe('ana@example.com');
    expect(await render('${{ user.ref }}')).toBe('user:default/ana');
  });

  it('keep the JSON type of a value that is one whole expression, and make text of embedded ones', async () => {
    expect(await render('${{ parameters.tags }}')).toEqual(['a', 'b']);
    expect(await render('${{ parameters.docs }}')).toBe(false);
    expect(await render('${{ parameters.port }}')).toBe(8080);
    expect(await render('tags: ${{ parameters.tags }} for ${{ parameters.name }}')).toBe('tags: a,b for Payments-API');
    expect(await render({ list: ['${{ parameters.name | lower }}'], n: 1, on: true })).toEqual({ list: ['payments-api'], n: 1, on: true });
  });

  it('drop a key whose value renders empty, as Backstage turns "" into undefined', async () => {
    expect(await render({ kept: 'x', gone: '${{ parameters.missing }}', blank: '' })).toEqual({ kept: 'x' });
  });

  it('evaluate the expressions real templates use: concatenation, inline if/else, nested ${…} and capitalize', async () => {
    expect(await render('${{ parameters.repoUrl | parseRepoUrl | pick("owner") + "/" + (parameters.repoUrl | parseRepoUrl).repo }}')).toBe('acme/payments-api');
    expect(await render('"${1:-${{ parameters.name }}}"')).toBe('"${1:-Payments-API}"');
    expect(await render('${{ "prod" if parameters.docs else "dev" }}')).toBe('dev');
    expect(await render('${{ parameters.enableCI | lower | capitalize }}')).toBe('Yes');
    expect(await render('${{ parameters.enableCI === "Yes" and not parameters.docs }}')).toBe(true);
  });

  it('apply Backstage filters: parseRepoUrl, projectSlug, parseEntityRef (with and without context) and pick', async () => {
    expect(await render('${{ parameters.repoUrl | parseRepoUrl }}')).toEqual({ host: 'github.com', owner: 'acme', repo: 'payments-api' });
    expect(await render('${{ parameters.repoUrl | projectSlug }}')).toBe('acme/payments-api');
    expect(await render('${{ parameters.owner | parseEntityRef }}')).toEqual({ kind: 'group', namespace: 'default', name: 'techdocs' });
    expect(await render('${{ "techdocs" | parseEntityRef({ defaultKind: "group", defaultNamespace: "another-namespace" }) }}')).toEqual({ kind: 'group', namespace: 'another-namespace', name: 'techdocs' });
    expect(await render('${{ parameters.owner | parseEntityRef | pick("name") }}')).toBe('techdocs');
    expect(await render('${{ user | pick("entity.spec.profile.email") }}')).toBe('ana@example.com');
  });

  it('name the template step, the line and the column of a syntax error, in full', async () => {
    await expect(render({ values: { name: '${{ invalid...syntax }}' } })).rejects.toThrow('step test input.values.name, line 1, column 13: expected name as lookup value, got .');
    await expect(render('${{ parameters.name | slugify }}')).rejects.toThrow('step test input: filter not found: slugify');
    await expect(render('${{ "https://github.com/acme/x" | parseRepoUrl }}')).rejects.toThrow('"https://github.com/acme/x" is not a repository URL: expected host?owner=ORG&repo=NAME');
  });

  it('judge if: as Backstage does: an empty list and false are false, the text "false" is not', () => {
    expect(isTruthy([])).toBe(false);
    expect(isTruthy(false)).toBe(false);
    expect(isTruthy(undefined)).toBe(false);
    expect(isTruthy(['x'])).toBe(true);
    expect(isTruthy('false')).toBe(true);
  });
});

describe("Backstage's SecureTemplater expectations", () => {
  it('renders, dumps and replaces', async () => {
    expect(await text('${{ values.test }}', { test: 'my-value' })).toBe('my-value');
    expect(await text('${{ values.test | dump }}', { test: 'my-value' })).toBe('"my-value"');
    expect(await text('${{ values.test | replace("my-", "our-") }}', { test: 'my-value' })).toBe('our-value');
  });

  it('offers jsonify only in cookiecutter compatibility mode, switching back and forth', async () => {
    const compat = () => sandbox.renderStrings([{ name: 'c', source: '{{ 1 | jsonify }} {{ cookiecutter.name }}' }], { cookiecutter: { name: 'x' } }, { compat: true });
    expect(await compat()).toEqual(['1 x']);
    await expect(text('${{ 1 | jsonify }}')).rejects.toThrow('filter not found: jsonify');
    expect(await compat()).toEqual(['1 x']);
    await expect(text('${{ 1 | jsonify }}')).rejects.toThrow('filter not found: jsonify');
  });

  it('parses repository URLs the same way inside the sandbox and outside it', async () => {
    const url = 'github.com?owner=acme&repo=ledger';
    expect(JSON.parse((await text('${{ values.url | parseRepoUrl | dump }}', { url }))!)).toEqual(parseRepoUrl(url));
  });
});

import { renderFormPage } from '../../commands/createService.blocks';
import { readPage } from '../../commands/createService';
import { fieldsOf, resolvePage } from '../../src/scaffolder/conditions';
import { secretFields, validateParameters, withoutUnchosen } from '../../src/scaffolder/parameters';
import { templateFromEntity } from '../../src/scaffolder/template';

const target = { host: 'github.com', orgs: ['northwind'] };
const names = (schema: Record<string, unknown>, values: Record<string, unknown>, choices = {}) => fieldsOf(resolvePage(schema, values, choices)).map(([name]) => name);

function template(parameters: unknown[], spec: Record<string, unknown> = {}) {
  return templateFromEntity({ apiVersion: 'scaffolder.backstage.io/v1beta3', kind: 'Template', metadata: { name: 'conditional' }, spec: { type: 'service', parameters, steps: [], ...spec } }, { baseDir: null, source: 'test' });
}

describe('resolving a conditional page as react-jsonschema-form does', () => {
  const ifThenElse = {
    properties: { exposure: { type: 'string', enum: ['internal', 'public'] } },
    allOf: [
      {
        if: { properties: { exposure: { const: 'public' } }, required: ['exposure'] },
        then: { properties: { domain: { type: 'string' } }, required: ['domain'] },
        else: { properties: { team: { type: 'string' } } },
      },
    ],
  };

  it('takes then when the values satisfy if, and else otherwise', () => {
    expect(names(ifThenElse, { exposure: 'public' })).toEqual(['exposure', 'domain']);
    expect(resolvePage(ifThenElse, { exposure: 'public' }).required).toEqual(['domain']);
    expect(names(ifThenElse, { exposure: 'internal' })).toEqual(['exposure', 'team']);
    expect(names(ifThenElse, {})).toEqual(['exposure', 'team']);
    expect(resolvePage(ifThenElse, {}).triggers).toEqual(['exposure']);
  });

  it('requires the fields a property dependency names only once that property has a value', () => {
    const page = { properties: { billing: { type: 'string' }, costCentre: { type: 'string' } }, dependencies: { billing: ['costCentre'] } };
    expect(resolvePage(page, {}).required).toEqual([]);
    expect(resolvePage(page, { billing: 'monthly' }).required).toEqual(['costCentre']);
  });

  it('adds the fields of a schema dependency without oneOf once its property has a value', () => {
    const page = { properties: { database: { type: 'boolean' } }, dependencies: { database: { properties: { engine: { type: 'string' } } } } };
    expect(names(page, {})).toEqual(['database']);
    expect(names(page, { database: true })).toEqual(['database', 'engine']);
  });

  it('offers a page-level oneOf as a choice titled by its options, showing the chosen option’s fields', () => {
    const page = { properties: { name: { type: 'string' } }, oneOf: [{ title: 'From scratch', properties: { language: { type: 'string' } } }, { properties: { source: { type: 'string' } }, required: ['source'] }] };
    expect(resolvePage(page, {}).items).toEqual([
      { kind: 'field', name: 'name', schema: { type: 'string' } },
      { kind: 'choice', id: 'oneOf', titles: ['From scratch', 'Option 2'], chosen: 0 },
      { kind: 'field', name: 'language', schema: { type: 'string' } },
    ]);
    expect(names(page, {}, { oneOf: 1 })).toEqual(['name', 'source']);
    // Coming back to the page, the option whose fields hold values is the one shown.
    expect(names(page, { source: 'repo' })).toEqual(['name', 'source']);
  });

  it('stops following a schema nested deeper than any real template', () => {
    let page: Record<string, unknown> = { properties: { deepest: { type: 'string' } } };
    for (let i = 0; i < 100; i += 1) page = { allOf: [page] };
    expect(names(page, {})).toEqual([]);
  });
});

describe('validating and reading a conditional page', () => {
  const deploy = template([
    {
      required: ['platform'],
      properties: { platform: { type: 'string', title: 'Platform', enum: ['kubernetes', 'lambda'], enumNames: ['Kubernetes', 'AWS Lambda'] } },
      dependencies: {
        platform: {
          oneOf: [
            { properties: { platform: { enum: ['kubernetes'] }, namespace: { type: 'string', title: 'Namespace' } }, required: ['namespace'] },
            { properties: { platform: { enum: ['lambda'] }, region: { type: 'string', title: 'Region' } }, required: ['region'] },
          ],
        },
      },
    },
  ]);

  it('reports no unsupported keyword for a page with dependencies', () => {
    expect(deploy.unsupported).toEqual([]);
  });

  it('requires the required fields of the chosen branch only', () => {
    expect(validateParameters(deploy, { platform: 'kubernetes' })).toEqual([{ field: 'namespace', message: 'Namespace is required.' }]);
    expect(validateParameters(deploy, { platform: 'lambda', region: 'eu-west-1' })).toEqual([]);
  });

  it('lists the allowed values in an enum error, not the enumNames labels', () => {
    expect(validateParameters(deploy, { platform: 'heroku' })).toEqual([{ field: 'platform', message: 'Platform must be one of kubernetes, lambda.' }]);
  });

  it('drops the values of the branch not chosen, keeping values no page knows of', () => {
    expect(withoutUnchosen(deploy, { platform: 'lambda', region: 'eu-west-1', namespace: 'stale', extra: 1 })).toEqual({ platform: 'lambda', region: 'eu-west-1', extra: 1 });
  });

  it('reads only the fields that have a block in the view, and the chosen option of a oneOf menu', () => {
    expect(readPage(deploy, 0, { 'f:platform': { value: { type: 'static_select', selected_option: { value: 'lambda' } } }, 'c:oneOf': { value: { type: 'static_select', selected_option: { value: '1' } } } }, target)).toEqual({
      values: { platform: 'lambda' },
      choices: { oneOf: 1 },
    });
  });
});

describe('widgets and pickers', () => {
  const access = template(
    [
      {
        properties: {
          token: { type: 'string', title: 'Token', 'ui:widget': 'password' },
          tier: { type: 'string', title: 'Tier', enum: ['gold', 'silver'], 'ui:widget': 'radio' },
          team: { type: 'string', title: 'Team', 'ui:field': 'MyGroupsPicker' },
          service: { type: 'string', title: 'Service', 'ui:field': 'OwnedEntityPicker' },
        },
      },
    ],
    { secrets: { schema: { properties: { deployKey: { type: 'string' } } } } },
  );

  it('treats password fields and the declared secrets as secret', () => {
    expect(secretFields(access)).toEqual(['token', 'deployKey']);
  });

  it("offers the person's own groups and entities as menus, and radio buttons for a radio enum", () => {
    const personal = { groups: [{ text: 'group:default/checkout-squad', value: 'group:default/checkout-squad' }], owned: [{ text: 'component:default/ledger', value: 'component:default/ledger' }] };
    const view = renderFormPage(access, 0, { team: 'group:default/checkout-squad' }, '{}', target, { personal });
    const elements: Record<string, { type: string; initial_option?: { value: string } }> = Object.fromEntries(view.blocks.filter((block) => block.type === 'input').map((block) => [block.block_id, (block as { element: { type: string; initial_option?: { value: string } } }).element]));
    expect(Object.fromEntries(Object.entries(elements).map(([id, element]) => [id, element.type]))).toEqual({ 'f:token': 'plain_text_input', 'f:tier': 'radio_buttons', 'f:team': 'static_select', 'f:service': 'static_select' });
    expect(elements['f:team']!.initial_option?.value).toBe('group:default/checkout-squad');
  });

  it('falls back to a catalog search when the person owns nothing', () => {
    const view = renderFormPage(access, 0, {}, '{}', target, { personal: { groups: [], owned: [] } });
    const team = view.blocks.find((block) => block.block_id === 'f:team') as { element: { type: string; action_id: string } };
    expect(team.element).toMatchObject({ type: 'external_select', action_id: 'entity-picker:group' });
  });
});

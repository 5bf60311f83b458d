import { templateFromEntity } from '../../src/scaffolder/template';

function load(spec: Record<string, unknown>) {
  return templateFromEntity({ apiVersion: 'scaffolder.backstage.io/v1beta3', kind: 'Template', metadata: { name: 'syntax' }, spec: { type: 'service', steps: [], ...spec } }, { baseDir: null, source: 'syntax.yaml' });
}

describe('syntax backline template list names as unsupported', () => {
  it('names a filter Backstage itself does not have, once, with the step that uses it', () => {
    const template = load({
      steps: [
        { id: 'fetch', action: 'fetch:template', input: { url: './skeleton', values: { name: '${{ parameters.name | lower | slugify }}', team: '${{ parameters.owner | parseEntityRef | pick("name") }}' } } },
        { id: 'log', action: 'debug:log', if: '${{ parameters.x || parameters.y }}', input: { message: '${{ parameters.name | slugify }} ${{ "a|fake" | trim }}' } },
      ],
      output: { text: [{ title: 'Ref', content: '${{ steps.fetch.output.ref | toBase64 }}' }] },
    });
    expect(template.unsupported).toEqual([
      `Step "fetch" uses the filter slugify, which is not one of Backstage's own (an installation's custom filter): rendering it fails.`,
      `The output uses the filter toBase64, which is not one of Backstage's own (an installation's custom filter): rendering it fails.`,
    ]);
  });

  it('names a ui:widget no form knows, beside an unknown ui:field', () => {
    const template = load({
      parameters: [{ title: 'About', properties: { notes: { type: 'string', 'ui:widget': 'textarea' }, colour: { type: 'string', 'ui:widget': 'ColourWheel' }, repo: { type: 'string', 'ui:field': 'GitlabRepoPicker' } } }],
    });
    expect(template.unsupported).toEqual([
      'Field "colour" uses ui:widget ColourWheel, which no form knows: it is shown as its type\'s usual input.',
      'Field "repo" uses ui:field GitlabRepoPicker, which Backline does not have: it is shown as a text input.',
    ]);
  });
});

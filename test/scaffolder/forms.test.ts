import path from 'node:path';
import { renderFormPage, renderTaskProgress } from '../../commands/createService.blocks';
import { readPage } from '../../commands/createService';
import { validateParameters } from '../../src/scaffolder/parameters';
import { loadTemplateFile, loadTemplateFolder } from '../../src/scaffolder/templateFiles';
import type { Task } from '../../src/scaffolder/tasks';
import { TEMPLATES_DIR } from '../../src/paths';
import { checkViewLimits } from '../../commands/blockKit/checks';

const CONFORMANCE_TEMPLATES = path.resolve(__dirname, '../../../shared/conformance/backstage-templates');
const target = { host: 'github.com', orgs: ['northwind'] };

describe('forms generated from template parameters', () => {
  it("render every page of Backstage's example templates and of the shipped ones inside Slack's limits", async () => {
    const folders = [await loadTemplateFolder(CONFORMANCE_TEMPLATES), await loadTemplateFolder(TEMPLATES_DIR)];
    const templates = folders.flatMap((folder) => folder.templates);
    expect(folders.flatMap((folder) => folder.problems)).toEqual([]);
    expect(templates).toHaveLength(6);
    for (const template of templates) {
      template.pages.forEach((_, index) => expect(checkViewLimits(renderFormPage(template, index, {}, '{}', target))).toEqual([]));
    }
  });

  it('map each kind of field to its Slack element, with hints, defaults and optional fields', async () => {
    const template = await loadTemplateFile(path.join(CONFORMANCE_TEMPLATES, 'notifications-demo', 'template.yaml'));
    const view = renderFormPage(template, 0, {}, '{"t":"notifications-demo","p":0,"v":{}}', target);
    const inputs = view.blocks.filter((block) => block.type === 'input') as Array<{ block_id: string; optional: boolean; element: { type: string; action_id: string; initial_option?: { value: string } } }>;
    expect(inputs.map((block) => [block.block_id, block.element.type, block.optional])).toEqual([
      ['f:recipients', 'static_select', false],
      ['f:entityRefs', 'multi_external_select', true],
      ['f:title', 'plain_text_input', false],
      ['f:description', 'plain_text_input', true],
      ['f:link', 'plain_text_input', true],
      ['f:severity', 'static_select', true],
      ['f:scope', 'plain_text_input', true],
    ]);
    expect(inputs[0]!.element.initial_option?.value).toBe('entity');
    expect(inputs[1]!.element.action_id).toBe('entity-picker');
    expect(view.blocks[2]).toEqual({
      type: 'input',
      block_id: 'f:recipients',
      label: { type: 'plain_text', text: 'Recipients', emoji: true },
      optional: false,
      hint: { type: 'plain_text', text: 'Notification recipients', emoji: true },
      element: { action_id: 'value', type: 'static_select', options: [{ text: { type: 'plain_text', text: 'entity', emoji: true }, value: 'entity' }, { text: { type: 'plain_text', text: 'broadcast', emoji: true }, value: 'broadcast' }], initial_option: { text: { type: 'plain_text', text: 'entity', emoji: true }, value: 'entity' } },
    });
  });

  it('read a submitted page back into typed values, and validate them', async () => {
    const template = await loadTemplateFile(path.join(TEMPLATES_DIR, 'scheduled-job', 'template.yaml'));
    const { values } = readPage(template, 1, {
      'f:schedule': { value: { type: 'plain_text_input', value: 'every day' } },
      'f:timeoutMinutes': { value: { type: 'number_input', value: '2000' } },
      'f:repoUrl:owner': { value: { type: 'static_select', selected_option: { value: 'northwind' } } },
      'f:repoUrl:repo': { value: { type: 'plain_text_input', value: 'nightly-report' } },
    }, target);
    expect(values).toEqual({ schedule: 'every day', timeoutMinutes: 2000, repoUrl: 'github.com?owner=northwind&repo=nightly-report' });
    expect(validateParameters(template, values, [1])).toEqual([
      { field: 'schedule', message: 'Schedule must match ^(\\S+\\s+){4}\\S+$.' },
      { field: 'timeoutMinutes', message: 'Time limit (minutes) must be at most 1440.' },
    ]);
  });
});

describe('the progress message', () => {
  const task: Task = {
    id: 'task-1',
    templateName: 'typescript-service',
    templateSource: 'templates/typescript-service/template.yaml',
    parameters: { name: 'ledger' },
    requestedBy: { slackUserId: 'U1', userRef: null },
    status: 'failed',
    attempts: 1,
    steps: [
      { id: 'fetch', name: 'Render the skeleton', action: 'fetch:template', status: 'completed', error: null },
      { id: 'publish', name: 'Create the repository', action: 'publish:github', status: 'failed', error: 'GitHub answered 500 when creating the commit' },
      { id: 'register', name: 'Register in the catalog', action: 'catalog:register', status: 'pending', error: null },
    ],
    output: null,
    error: 'GitHub answered 500 when creating the commit',
    failedStep: 'publish',
    leftBehind: [{ kind: 'repository', key: 'github:acme/ledger', description: 'the GitHub repository acme/ledger (https://github.com/acme/ledger), created but without the template\'s files', complete: false }],
    progressMessage: null,
    createdAt: new Date(0),
  };

  it('says which step failed, why, what was left behind, and offers a retry', () => {
    expect(renderTaskProgress(task, { title: 'TypeScript HTTP service' }).blocks).toEqual([
      { type: 'section', text: { type: 'mrkdwn', text: ':x: Creating *ledger* failed' } },
      { type: 'section', text: { type: 'mrkdwn', text: ':white_check_mark: Render the skeleton\n:x: Create the repository: GitHub answered 500 when creating the commit\n:white_circle: Register in the catalog' } },
      {
        type: 'section',
        text: { type: 'mrkdwn', text: "*Failed at \"Create the repository\":* GitHub answered 500 when creating the commit\n*Left behind:* the GitHub repository acme/ledger (https://github.com/acme/ledger), created but without the template's files. Retrying picks it up." },
      },
      { type: 'actions', block_id: 'retry', elements: [{ type: 'button', action_id: 'create-service:retry', text: { type: 'plain_text', text: 'Retry', emoji: true }, value: 'task-1', style: 'primary' }] },
    ]);
  });
});

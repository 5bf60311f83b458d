import fs from 'node:fs/promises';
import type { Command } from 'commander';
import { UserFacingError } from '../errors';
import { canonicalEntityRef } from '../catalog/model';
import type { Logger } from '../logger';
import type { Backline } from '../compose/backline';
import { validateParameters } from '../scaffolder/parameters';
import type { Scaffolder } from '../scaffolder/service';
import type { Task, TaskOutput } from '../scaffolder/tasks';
import type { ScaffolderTemplate } from '../scaffolder/template';

export interface TemplateCommandDependencies {
  stdout: (text: string) => void;
  log: (line: string) => void;
  setExitCode: (code: number) => void;
  /** Opens the database and the scaffolder for one command, and closes them after. */
  withScaffolder: <T>(work: (scaffolder: Scaffolder, backline: Backline) => Promise<T>) => Promise<T>;
  logger: Logger;
}

/** `backline template list | dry-run | run`: the scaffolder for template authors and automation. */
export function registerTemplateCommands(program: Command, deps: TemplateCommandDependencies): void {
  const template = program.command('template').description('List, try and run scaffolder templates (what /create-service offers in Slack).');

  template
    .command('list')
    .description('The templates /create-service offers, with their fields, steps, and anything Backline does not support.')
    .option('--json', 'print one JSON document')
    .action(async (options: { json?: boolean }) => {
      await deps.withScaffolder(async (scaffolder) => {
        const { templates, problems, warnings } = await scaffolder.listTemplates();
        if (options.json) deps.stdout(`${JSON.stringify({ templates: templates.map(templateJson), problems, warnings })}\n`);
        else deps.stdout(formatList(templates, problems, warnings));
        deps.setExitCode(problems.length ? 1 : 0);
      });
    });

  template
    .command('dry-run')
    .description('Render a template into a temporary folder and list the files; steps that would publish or register are simulated, not run.')
    .argument('<name>', 'the template name')
    .requiredOption('--values <file>', 'a JSON file of parameter values, e.g. {"name": "ledger", "owner": "group:default/payments"}')
    .option('--keep', 'keep the rendered folder and print where it is')
    .option('--json', 'print one JSON document')
    .action(async (name: string, options: { values: string; keep?: boolean; json?: boolean }) => {
      const values = await readValues(options.values);
      await deps.withScaffolder(async (scaffolder) => {
        const chosen = await scaffolder.template(name);
        const problems = validateParameters(chosen, values);
        if (problems.length) throw new UserFacingError(`The values in ${options.values} do not fit ${chosen.name}: ${problems.map((problem) => `${problem.field}: ${problem.message}`).join(' ')}`);
        const dry = await scaffolder.dryRun(chosen, values, { keep: options.keep });
        const json = { template: chosen.name, status: dry.result.status, files: dry.files, directory: dry.directory, steps: dry.result.steps.map((step) => ({ id: step.id, status: step.status })), output: outputJson(dry.result.output), error: dry.result.error };
        if (options.json) deps.stdout(`${JSON.stringify(json)}\n`);
        else {
          const simulated = dry.result.steps.filter((step) => step.status === 'simulated').map((step) => `${step.id} (${step.action})`);
          const summary = simulated.length ? `Simulated, since they would change things outside the workspace: ${simulated.join(', ')}.\n` : '';
          deps.stdout(`${dry.result.status === 'completed' ? `${chosen.name} renders ${dry.files.length} file(s)${dry.directory ? ` into ${dry.directory}` : ''}:` : `${chosen.name} failed: ${dry.result.error}`}\n${dry.files.map((file) => `  ${file}\n`).join('')}${summary}`);
        }
        deps.setExitCode(dry.result.status === 'completed' ? 0 : 1);
      });
    });

  template
    .command('run')
    .description('Run a template as /create-service would, without Slack: publish, register, and print the links.')
    .argument('<name>', 'the template name')
    .requiredOption('--values <file>', 'a JSON file of parameter values')
    .option('--json', 'print one JSON document')
    .action(async (name: string, options: { values: string; json?: boolean }) => {
      try {
        await runTemplate(name, options);
      } catch (error) {
        // Automation reads stdout: with --json, a refusal is still one JSON document.
        if (!options.json || !(error instanceof UserFacingError)) throw error;
        deps.stdout(`${JSON.stringify({ task: null, status: 'failed', steps: [], output: outputJson(null), error: error.message })}\n`);
        deps.setExitCode(1);
      }
    });

  const runTemplate = async (name: string, options: { values: string; json?: boolean }) => {
    const values = await readValues(options.values);
    await deps.withScaffolder(async (scaffolder) => {
      const chosen = await scaffolder.template(name);
      const problems = [...validateParameters(chosen, values)];
      if (problems.length === 0) problems.push(...(await scaffolder.checkAvailability(chosen, values)));
      if (problems.length) {
        const error = `The values in ${options.values} do not fit ${chosen.name}: ${problems.map((problem) => `${problem.field}: ${problem.message}`).join(' ')}`;
        if (options.json) deps.stdout(`${JSON.stringify({ task: null, status: 'failed', steps: [], output: outputJson(null), error })}\n`);
        else deps.log(`backline: ${error}`);
        deps.setExitCode(1);
        return;
      }
      // The CLI acts with the authority of whoever runs it, as `catalog ingest` does: there is no Slack user to check.
      const created = await scaffolder.create(chosen, values, { slackUserId: null, userRef: null });
      let shown = 0;
      const task = await scaffolder.run(created.id, {
        onProgress: async (current) => {
          if (options.json) return;
          for (const step of current.steps.filter((candidate) => candidate.status === 'completed' || candidate.status === 'failed' || candidate.status === 'skipped' || candidate.status === 'simulated').slice(shown)) {
            deps.log(`${step.status === 'completed' ? '✓' : step.status === 'skipped' ? '-' : '✗'} ${step.name}${step.error ? `: ${step.error}` : ''}`);
            shown++;
          }
        },
      });
      if (options.json) deps.stdout(`${JSON.stringify(taskJson(task))}\n`);
      else deps.stdout(formatTask(task));
      deps.setExitCode(task.status === 'completed' ? 0 : 1);
    });
  };
}

async function readValues(file: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    throw new UserFacingError(`${file} cannot be read: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'it does not exist' : (error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UserFacingError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new UserFacingError(`${file} must hold one JSON object of parameter values, e.g. {"name": "ledger"}`);
  return parsed as Record<string, unknown>;
}

function outputJson(output: TaskOutput | null): { links: Array<{ title: string; url: string }>; entityRef: string | null } {
  return { links: (output?.links ?? []).map((link) => ({ title: link.title, url: link.url })), entityRef: output?.entityRef ? canonicalEntityRef(output.entityRef) : null };
}

/** The JSON contract of `backline template run --json`. */
export function taskJson(task: Task) {
  return { task: task.id, status: task.status === 'completed' ? 'completed' : 'failed', steps: task.steps.map((step) => ({ id: step.id, status: step.status })), output: outputJson(task.output), error: task.error };
}

function templateJson(template: ScaffolderTemplate) {
  return {
    name: template.name,
    title: template.title,
    description: template.description,
    owner: template.owner,
    type: template.type,
    tags: template.tags,
    source: template.source,
    pages: template.pages.map((page) => ({ title: page.title, fields: page.properties.map(([name]) => name), required: page.required })),
    steps: template.steps.map((step) => ({ id: step.id, action: step.action })),
    unsupported: template.unsupported,
  };
}

function formatList(templates: ScaffolderTemplate[], problems: Array<{ file: string; message: string }>, warnings: Array<{ file: string; message: string }>): string {
  const lines: string[] = [];
  for (const template of templates) {
    lines.push(`${template.name}  ${template.title}${template.owner ? `  (owner ${template.owner})` : ''}`);
    if (template.description) lines.push(`  ${template.description}`);
    lines.push(`  fields: ${template.pages.flatMap((page) => page.properties.map(([name]) => (page.required.includes(name) ? `${name}*` : name))).join(', ') || 'none'}`);
    lines.push(`  steps: ${template.steps.map((step) => step.action).join(' → ')}`);
    for (const note of template.unsupported) lines.push(`  unsupported: ${note}`);
  }
  for (const problem of problems) lines.push(`could not load ${problem.file}: ${problem.message}`);
  // Warnings do not fail the listing: every template they name loaded, one of them is offered.
  for (const warning of warnings) lines.push(`warning: ${warning.message}`);
  return `${lines.join('\n') || 'No templates.'}\n`;
}

function formatTask(task: Task): string {
  if (task.status !== 'completed') {
    const left = task.leftBehind.map((item) => item.description);
    return `Task ${task.id} failed${task.failedStep ? ` at ${task.failedStep}` : ''}: ${task.error}\n${left.length ? `Left behind: ${left.join('; ')}\n` : 'Nothing was created.\n'}`;
  }
  const links = task.output?.links.map((link) => `  ${link.title}: ${link.url}\n`).join('') ?? '';
  return `Task ${task.id} completed.\n${links}${task.output?.entityRef ? `  Catalog: ${task.output.entityRef}\n` : ''}`;
}

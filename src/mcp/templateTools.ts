import { z } from 'zod';
import { canonicalEntityRef } from '../catalog/model';
import { UserFacingError } from '../errors';
import { validateParameters } from '../scaffolder/parameters';
import { catalogPersonByRef } from '../scaffolder/permissions';
import type { Task, TaskOutput } from '../scaffolder/tasks';
import type { ScaffolderTemplate } from '../scaffolder/template';
import { defineTool, type McpContext } from './context';
import { taskUri } from './entities';

const templateName = z
  .string({ required_error: 'send name: a template name from list_templates, e.g. typescript-service', invalid_type_error: 'send name as a string' })
  .trim()
  .min(1, 'send name: a template name from list_templates, e.g. typescript-service')
  .max(200);
const values = z
  .record(z.unknown(), { required_error: 'send values: an object of the template’s parameters, e.g. {"name": "ledger-tools", "owner": "group:default/payments"}', invalid_type_error: 'send values as a JSON object of parameters, e.g. {"name": "ledger-tools"}' })
  .describe("the template's parameters by name, as list_templates describes them");

/**
 * Whether the caller may run a template: as in Slack, its owner and allowed groups only (the
 * scaffolder's permission core); the local operator of `backline mcp` as `backline template run`.
 * Throws a UserFacingError saying who may.
 */
export async function authorize(template: ScaffolderTemplate, context: McpContext): Promise<void> {
  const { caller, ports } = context;
  if (caller.userRef === null) return;
  const person = await catalogPersonByRef(caller.userRef, ports.catalog);
  try {
    ports.scaffolder.authorize(template, person);
  } catch (error) {
    if (person || !(error instanceof UserFacingError)) throw error;
    throw new UserFacingError(`${caller.userRef}, whom this token acts as, is not in the catalog, so Backline cannot tell whether they may run ${template.title}. Add the User to the catalog, or map the token to one who is (BACKLINE_MCP_TOKENS).`);
  }
}

async function permitted(template: ScaffolderTemplate, context: McpContext): Promise<{ mayRun: boolean; refusal: string | null }> {
  try {
    await authorize(template, context);
    return { mayRun: true, refusal: null };
  } catch (error) {
    if (error instanceof UserFacingError) return { mayRun: false, refusal: error.message };
    throw error;
  }
}

/** A template and values that fit it, or a UserFacingError naming each field to change. */
async function checked(name: string, given: Record<string, unknown>, context: McpContext, options: { availability: boolean }): Promise<ScaffolderTemplate> {
  const template = await context.ports.scaffolder.template(name);
  await authorize(template, context);
  const problems = validateParameters(template, given);
  if (problems.length === 0 && options.availability) problems.push(...(await context.ports.scaffolder.checkAvailability(template, given)));
  if (problems.length) throw new UserFacingError(`The values do not fit ${template.name}: ${problems.map((problem) => `${problem.field}: ${problem.message}`).join(' ')} Send values again with those fields changed; list_templates describes each.`);
  return template;
}

const templateJson = z
  .object({
    name: z.string(),
    title: z.string(),
    description: z.string(),
    owner: z.string().nullable(),
    type: z.string(),
    tags: z.array(z.string()),
    mayRun: z.boolean().describe('whether the caller may run it (its owner and allowed groups, as in Slack)'),
    refusal: z.string().nullable(),
    pages: z.array(z.object({ title: z.string(), required: z.array(z.string()), schema: z.record(z.unknown()).describe('the page’s JSON Schema: the parameters to send in values') }).passthrough()),
    steps: z.array(z.object({ id: z.string(), action: z.string() }).passthrough()),
    unsupported: z.array(z.string()),
  })
  .passthrough();

export const listTemplatesTool = defineTool({
  name: 'list_templates',
  title: 'List templates',
  description: "The scaffolder templates (what Slack's /create-service offers): each with the JSON Schema of its parameters, its steps, and whether the caller may run it.",
  input: z.object({}),
  output: z.object({ templates: z.array(templateJson), problems: z.array(z.object({ file: z.string(), message: z.string() }).passthrough()) }),
  readOnly: true,
  openWorld: false,
  async answer(_args, context) {
    const { templates, problems } = await context.ports.scaffolder.listTemplates();
    const listed = await Promise.all(
      templates.map(async (template) => ({
        name: template.name,
        title: template.title,
        description: template.description,
        owner: template.owner && canonicalEntityRef(template.owner),
        type: template.type,
        tags: template.tags,
        ...(await permitted(template, context)),
        pages: template.pages.map((page) => ({ title: page.title, required: page.required, schema: page.schema })),
        steps: template.steps.map((step) => ({ id: step.id, action: step.action })),
        unsupported: template.unsupported,
      })),
    );
    const text = listed.map((template) => `${template.name}: ${template.title}${template.mayRun ? '' : ' (you may not run it)'}\n  fields: ${template.pages.flatMap((page) => Object.keys((page.schema.properties as object | undefined) ?? {}).map((name) => (page.required.includes(name) ? `${name}*` : name))).join(', ')}`);
    return { structured: { templates: listed, problems }, text: text.join('\n') || 'No templates are installed.' };
  },
});

const stepJson = z.object({ id: z.string(), status: z.string() }).passthrough();
const outputJson = z.object({ links: z.array(z.object({ title: z.string(), url: z.string() })), entityRef: z.string().nullable() }).nullable();

function outputOf(output: TaskOutput | null): z.infer<typeof outputJson> {
  return output && { links: output.links.map((link) => ({ title: link.title, url: link.url })), entityRef: output.entityRef && canonicalEntityRef(output.entityRef) };
}

export const dryRunTemplateTool = defineTool({
  name: 'dry_run_template',
  title: 'Try a template',
  description: 'Render a template with the given values into a scratch folder and list the files it would create; steps that would publish or register are simulated. Nothing is created. The same values then work with run_template.',
  input: z.object({ name: templateName, values }),
  output: z.object({ template: z.string(), status: z.enum(['completed', 'failed']), files: z.array(z.string()), steps: z.array(stepJson), output: outputJson, error: z.string().nullable() }).passthrough(),
  readOnly: true,
  openWorld: false,
  audit: ({ name }) => ({ template: name }),
  async answer({ name, values: given }, context) {
    const template = await checked(name, given, context, { availability: false });
    const dry = await context.ports.scaffolder.dryRun(template, given);
    const structured = { template: template.name, status: dry.result.status, files: dry.files, steps: dry.result.steps.map((step) => ({ id: step.id, status: step.status })), output: outputOf(dry.result.output), error: dry.result.error };
    const text = dry.result.status === 'completed' ? `${template.name} renders ${dry.files.length} file(s):\n${dry.files.map((file) => `  ${file}`).join('\n')}` : `${template.name} failed: ${dry.result.error}`;
    return { structured, text };
  },
});

const taskOutput = z
  .object({
    task: z.string(),
    template: z.string(),
    status: z.enum(['open', 'processing', 'completed', 'failed']),
    steps: z.array(z.object({ id: z.string(), name: z.string(), status: z.string(), error: z.string().nullable() }).passthrough()),
    output: outputJson,
    error: z.string().nullable(),
    leftBehind: z.array(z.string()).describe('what its attempts created outside Backline (a repository); after a failure, a retry picks it up'),
    uri: z.string().describe('the backline://task/… resource to read its progress from'),
  })
  .passthrough();

export function taskJson(task: Task): z.infer<typeof taskOutput> {
  return {
    task: task.id,
    template: task.templateName,
    status: task.status,
    steps: task.steps.map((step) => ({ id: step.id, name: step.name, status: step.status, error: step.error })),
    output: outputOf(task.output),
    error: task.error,
    leftBehind: task.leftBehind.map((item) => item.description),
    uri: taskUri(task.id),
  };
}

export function taskText(task: Task): string {
  const steps = task.steps.map((step) => `  ${step.status.padEnd(10)} ${step.name}${step.error ? `: ${step.error}` : ''}`);
  const links = task.output?.links.map((link) => `  ${link.title}: ${link.url}`) ?? [];
  return [`Task ${task.id} (${task.templateName}): ${task.status}${task.error ? `: ${task.error}` : ''}`, ...steps, ...links].join('\n');
}

export const runTemplateTool = defineTool({
  name: 'run_template',
  title: 'Create from a template',
  description:
    "Create a service (or library, or job) from a template, as Slack's /create-service does: the repository is published and registered in the catalog. Allowed only to those who may run the template in Slack. Answers at once with the task; read its progress with get_task or the backline://task/… resource.",
  input: z.object({ name: templateName, values }),
  output: taskOutput,
  readOnly: false,
  openWorld: true,
  audit: ({ name }) => ({ template: name }),
  async answer({ name, values: given }, context) {
    const template = await checked(name, given, context, { availability: true });
    const { scaffolder } = context.ports;
    const task = await scaffolder.create(template, given, { slackUserId: null, userRef: context.caller.userRef });
    // A task takes seconds to minutes (publishing, registering): it runs on after this answer.
    context.background(scaffolder.run(task.id));
    return { structured: taskJson(task), text: `${taskText(task)}\nFollow it with get_task ${task.id}.`, links: [{ uri: taskUri(task.id), name: `Task ${task.id}`, mimeType: 'application/json' }] };
  },
});

/** A task the caller may read: their own, or any for the local operator. */
export async function readableTask(id: string, context: McpContext): Promise<Task> {
  const refusal = new UserFacingError(`There is no task ${id} of yours. Send task as the id run_template answered with.`);
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) throw refusal;
  const task = await context.ports.scaffolder.task(id).catch((error: unknown) => {
    if (error instanceof UserFacingError) return undefined;
    throw error;
  });
  if (!task) throw refusal;
  const { userRef } = context.caller;
  if (userRef !== null && task.requestedBy.userRef?.toLowerCase() !== userRef) throw refusal;
  return task;
}

export const getTaskTool = defineTool({
  name: 'get_task',
  title: 'Task progress',
  description: 'The progress of a task run_template started: each step with its state, then the links to what was created, or the error and what was left behind.',
  input: z.object({ task: z.string({ required_error: 'send task: the id run_template answered with' }).trim().min(1, 'send task: the id run_template answered with').max(100) }),
  output: taskOutput,
  readOnly: true,
  openWorld: false,
  async answer({ task: id }, context) {
    const task = await readableTask(id, context);
    return { structured: taskJson(task), text: taskText(task) };
  },
});

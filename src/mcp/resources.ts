import { ResourceTemplate, type McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { StoredEntity } from '../catalog/store';
import { McpInputError, type McpContext } from './context';
import { entityJson, URI_TEMPLATES } from './entities';
import { readableTask, taskJson } from './templateTools';

const KINDS = ['component', 'api', 'resource', 'system', 'domain', 'group', 'user', 'template', 'location', 'rotation'];
const COMPLETIONS = 20;

/**
 * Resources an assistant pulls in as context: entities by ref, pages of their docs as text, and
 * template tasks. None is listed (a catalog holds tens of thousands); tools and completions name them.
 */
export function registerResources(server: McpServer, context: McpContext): void {
  const { catalog, docs } = context.ports;
  const variable = (value: string | string[] | undefined): string => {
    const raw = String(Array.isArray(value) ? value[0] : (value ?? ''));
    try {
      return decodeURIComponent(raw);
    } catch {
      throw new McpInputError(`"${raw.slice(0, 100)}" is not percent-encoded correctly. Send each part of the URI encoded as encodeURIComponent does, e.g. backline://entity/component/default/payments-service.`);
    }
  };
  const entityAt = async (kind: string, namespace: string, name: string, uri: string): Promise<StoredEntity> => {
    const entity = await catalog.getByRef(`${kind}:${namespace}/${name}`.toLowerCase());
    if (!entity) throw new McpInputError(`${uri} names nothing in the catalog. Send a ref as backline://entity/<kind>/<namespace>/<name>, e.g. backline://entity/component/default/payments-service; search_catalog finds refs.`);
    return entity;
  };
  const names = async (value: string, kind: string | undefined) => (await catalog.findByNamePrefix(value, COMPLETIONS, kind ? [kind.toLowerCase()] : undefined)).map((entity) => entity.name);
  const read = <T>(uri: URL, work: () => Promise<T>) => context.audited({ resource: uri.href }, work);

  server.registerResource(
    'entity',
    new ResourceTemplate(URI_TEMPLATES.entity, {
      list: undefined,
      complete: {
        kind: (value) => KINDS.filter((kind) => kind.startsWith(value.toLowerCase())),
        namespace: () => ['default'],
        name: (value, completing) => names(value, completing?.arguments?.kind),
      },
    }),
    { title: 'Catalog entity', description: 'An entity as catalog-info.yaml declares it, with its relations: backline://entity/<kind>/<namespace>/<name>.', mimeType: 'application/json' },
    (uri, params) =>
      read(uri, async () => {
        const entity = await entityAt(variable(params.kind), variable(params.namespace), variable(params.name), uri.href);
        return { contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(await entityJson(entity, catalog)) }] };
      }),
  );

  server.registerResource(
    'docs-page',
    new ResourceTemplate(URI_TEMPLATES.docsPage, { list: undefined }),
    {
      title: 'Docs page',
      description: "A page of an entity's TechDocs site as text, with its sections: backline://docs/<kind>/<namespace>/<name>/<page>, e.g. …/component/default/kyc-service/runbook/ (find_docs names them).",
      mimeType: 'text/markdown',
    },
    (uri, params) =>
      read(uri, async () => {
        const path = variable(params.path);
        const slash = path.indexOf('/');
        const [name, page] = slash < 0 ? [path, ''] : [path.slice(0, slash), path.slice(slash + 1)];
        const entity = await entityAt(variable(params.kind), variable(params.namespace), name, uri.href);
        const found = await docs.page(entity, page);
        if (!found) throw new McpInputError(`${entity.ref} has no docs page "${page}" in Backline's docs cache. Send a page find_docs named, or the site's home page backline://docs/${entity.kind}/${entity.namespace}/${entity.name}/.`);
        const text = found.sections.map((section, index) => `${index === 0 ? '#' : '##'} ${section.title || 'Home'}\n\n${section.body}`).join('\n\n');
        return { contents: [{ uri: uri.href, mimeType: 'text/markdown', text: `${text}\n\nSource: ${found.url}\n` }] };
      }),
  );

  server.registerResource(
    'task',
    new ResourceTemplate(URI_TEMPLATES.task, { list: undefined }),
    { title: 'Template task', description: 'The progress of a task run_template started: backline://task/<id>.', mimeType: 'application/json' },
    (uri, params) =>
      read(uri, async () => {
        const task = await readableTask(variable(params.id), context);
        return { contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(taskJson(task)) }] };
      }),
  );
}

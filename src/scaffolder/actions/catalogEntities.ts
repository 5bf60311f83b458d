import fs from 'node:fs/promises';
import path from 'node:path';
import yaml from 'js-yaml';
import type { Entity } from '../../catalog/model';
import type { CatalogStore } from '../../catalog/store';
import { workspacePath } from '../paths';
import { qualify } from '../template';
import { ActionError, booleanInput, stringInput, type Action } from './types';

/**
 * catalog:write writes an entity as YAML into the workspace (catalog-info.yaml by default), and
 * catalog:fetch reads entities from the catalog into a step's output, as in Backstage.
 */
export function createCatalogEntityActions(options: { catalog: Pick<CatalogStore, 'getByRef'> }): Action[] {
  return [
    {
      id: 'catalog:write',
      supportsDryRun: true,
      async run(context) {
        const action = 'catalog:write';
        const filePath = stringInput(context.input, 'filePath', { action }) ?? 'catalog-info.yaml';
        const entity = context.input.entity;
        if (typeof entity !== 'object' || entity === null || Array.isArray(entity)) throw new ActionError(`${action} needs the input "entity": the entity to write, as a mapping`);
        const file = await workspacePath(context.workspace, filePath, `${action}'s filePath`);
        await fs.mkdir(path.dirname(file), { recursive: true });
        await fs.writeFile(file, yaml.dump(entity, { noRefs: true, lineWidth: -1 }));
        context.log(`${action}: wrote ${filePath}`);
        return {};
      },
    },
    {
      id: 'catalog:fetch',
      supportsDryRun: true,
      async run(context) {
        const action = 'catalog:fetch';
        const { input } = context;
        const entityRef = stringInput(input, 'entityRef', { action });
        const entityRefs = input.entityRefs;
        if (entityRefs !== undefined && (!Array.isArray(entityRefs) || !entityRefs.every((ref) => typeof ref === 'string'))) throw new ActionError(`${action}'s input "entityRefs" must be a list of entity refs`);
        const optional = booleanInput(input, 'optional', action, false);
        const defaultKind = stringInput(input, 'defaultKind', { action }) ?? 'component';
        const defaultNamespace = stringInput(input, 'defaultNamespace', { action }) ?? 'default';
        if (!entityRef && !entityRefs) {
          if (optional) return {};
          throw new ActionError(`${action} needs the input "entityRef" or "entityRefs"`);
        }
        const fetchOne = async (ref: string): Promise<Entity | null> => {
          const found = await options.catalog.getByRef(qualify(ref, defaultKind, defaultNamespace));
          if (!found && !optional) throw new ActionError(`${action}: the catalog has no entity ${ref}`);
          return found?.entity ?? null;
        };
        const output: Record<string, unknown> = {};
        if (entityRef) output.entity = await fetchOne(entityRef);
        if (entityRefs) output.entities = await Promise.all((entityRefs as string[]).map(fetchOne));
        return output;
      },
    },
  ];
}

import fs from 'node:fs/promises';
import path from 'node:path';
import yaml from 'js-yaml';
import type { Entity } from '../../catalog/model';
import type { CatalogStore } from '../../catalog/store';
import { workspacePath } from '../paths';
import { qualify } from '../template';
import { ActionError, booleanInput, stringInput, type Action } from './types';

/** Most refs one catalog:fetch reads: a template needs a few, and a step must not copy out the catalog. */
export const MAX_FETCHED_ENTITIES = 100;

/**
 * catalog:write writes an entity as YAML into the workspace (catalog-info.yaml by default), and
 * catalog:fetch reads entities from the catalog into a step's output, as in Backstage.
 *
 * catalog:fetch reads the catalog as /whoowns and the other commands do: Backline has no per-user
 * visibility, and what `catalog.rules` refuse is never in the catalog, so a template sees what its
 * requester could see by asking /whoowns, no more.
 */
export function createCatalogEntityActions(options: { catalog: Pick<CatalogStore, 'getManyByRef'> }): Action[] {
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
        if (entityRefs && entityRefs.length > MAX_FETCHED_ENTITIES) throw new ActionError(`${action}'s input "entityRefs" lists ${entityRefs.length} entities; it reads at most ${MAX_FETCHED_ENTITIES}`);
        const refs = [...(entityRef ? [entityRef] : []), ...((entityRefs as string[] | undefined) ?? [])];
        const keys = refs.map((ref) => qualify(ref, defaultKind, defaultNamespace));
        // One read for all of them, rather than a query per ref.
        const found = new Map((await options.catalog.getManyByRef([...new Set(keys)])).map((stored) => [stored.refKey, stored.entity]));
        const entityOf = (ref: string, index: number): Entity | null => {
          const entity = found.get(keys[index]!);
          if (!entity && !optional) throw new ActionError(`${action}: the catalog has no entity ${ref}${keys[index] !== ref ? ` (read as ${keys[index]})` : ''}`);
          return entity ?? null;
        };
        const output: Record<string, unknown> = {};
        if (entityRef) output.entity = entityOf(entityRef, 0);
        if (entityRefs) output.entities = (entityRefs as string[]).map((ref, index) => entityOf(ref, index + (entityRef ? 1 : 0)));
        return output;
      },
    },
  ];
}

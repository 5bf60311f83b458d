import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { confineRealFile, directoryScope, isInside } from '../../catalog/confinement';
import type { IngestReport, RootLocation } from '../../catalog/ingest';
import { stringifyEntityRef, validateEntity } from '../../catalog/model';
import { parseYamlDocuments } from '../../catalog/yaml';
import { ActionError, stringInput, type Action, type ActionContext } from './types';

export interface CatalogRegisterOptions {
  /** Ingests one location now, through the catalog's ingestion pipeline. */
  ingest(root: RootLocation): Promise<IngestReport>;
}

const ACTION = 'catalog:register';

/**
 * Registers the new repository's catalog file and ingests it at once, so that `/whoowns <name>`
 * answers as soon as the task finishes. The location stays registered: later refreshes re-read it.
 */
export function createCatalogRegister(options: CatalogRegisterOptions): Action {
  return {
    id: ACTION,
    async run(context: ActionContext) {
      const { input } = context;
      const catalogInfoUrl = stringInput(input, 'catalogInfoUrl', { action: ACTION });
      const repoContentsUrl = stringInput(input, 'repoContentsUrl', { action: ACTION });
      const catalogInfoPath = (stringInput(input, 'catalogInfoPath', { action: ACTION }) ?? '/catalog-info.yaml').replace(/^\/+/, '');
      if (!catalogInfoUrl && !repoContentsUrl) throw new ActionError(`${ACTION} needs catalogInfoUrl, or repoContentsUrl and catalogInfoPath`);
      const target = catalogInfoUrl ?? `${repoContentsUrl!.replace(/\/+$/, '')}/${catalogInfoPath}`;
      const root = registrableRoot(target, context);
      const entityRef = await entityRefInWorkspace(context, catalogInfoPath);
      const report = await options.ingest(root);
      if (report.errors.length) {
        throw new ActionError(`${ACTION}: the catalog could not take ${target}: ${report.errors.map((problem) => problem.message).join('; ')}`);
      }
      context.log(`${ACTION}: registered ${target}; ${report.entities.added} entity(ies) added${entityRef ? `, ${entityRef} first` : ''}`);
      return { entityRef, catalogInfoUrl: target };
    },
  };
}

/**
 * The location to register, if it is one this task may register: a catalog file inside a repository
 * the task just published, or inside its workspace. The file is held to the catalog rules, and what
 * it reads is confined to that repository or folder; anything else (another repository, a path that
 * climbs out with `..`) is refused before anything is read.
 */
function registrableRoot(target: string, context: ActionContext): RootLocation {
  const refuse = (why: string) =>
    new ActionError(`${ACTION} registers only a catalog file inside the repository this task published or its workspace; ${target.length > 200 ? `${target.slice(0, 200)}…` : target} ${why}`);
  if (target.startsWith('file:')) {
    let file: string;
    try {
      file = path.resolve(fileURLToPath(target));
    } catch {
      throw refuse('is not a file URL');
    }
    const folders = [...context.publishedRepositories.filter((url) => url.startsWith('file:')).map((url) => fileURLToPath(url)), context.workspace];
    const home = folders.map((folder) => path.resolve(folder)).find((folder) => isInside(file, folder) && file !== folder);
    if (!home) throw refuse('is outside them');
    const real = confineRealFile(file, directoryScope(home));
    if (!real.ok) throw refuse('is a link to a file outside them');
    return { type: 'file', target: file, scope: directoryScope(home) };
  }
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw refuse('is not a URL');
  }
  // Compared as the URL parser normalises them, so `..` segments cannot climb out of the repository.
  const inside = context.publishedRepositories.some((published) => {
    try {
      const base = new URL(published.replace(/\/+$/, '') + '/');
      return url.origin === base.origin && url.pathname.startsWith(base.pathname) && url.pathname.length > base.pathname.length;
    } catch {
      return false;
    }
  });
  if (!inside) throw refuse(context.publishedRepositories.length ? 'is outside them' : 'was given, and this task has published no repository');
  return { type: 'url', target: url.toString() };
}

/** The ref of the first valid entity in the catalog file the task rendered, as the output's entityRef. */
async function entityRefInWorkspace(context: ActionContext, catalogInfoPath: string): Promise<string | null> {
  const file = path.resolve(context.workspace, catalogInfoPath);
  if (file === path.resolve(context.workspace) || !isInside(file, context.workspace)) return null;
  const text = await fs.readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return null;
  const parsed = parseYamlDocuments(text);
  if (!parsed.ok) throw new ActionError(`${ACTION}: the rendered ${catalogInfoPath} is not valid YAML: ${parsed.problem.message}`);
  for (const document of parsed.documents) {
    const result = validateEntity(document.value);
    if (result.valid) return stringifyEntityRef(result.entity);
  }
  return null;
}

import path from 'node:path';
import type { CatalogStore } from '../catalog/store';
import { loadTemplateFolder, templateFromEntity, type ScaffolderTemplate } from './template';

export interface TemplateListing {
  templates: ScaffolderTemplate[];
  /** Templates that failed to load, each with its file and why. */
  problems: Array<{ file: string; message: string }>;
}

/**
 * Where templates come from: the templates folder (`templates/<name>/template.yaml`), read on every
 * listing so that authors see their changes without a restart, and Template entities in the catalog.
 * A template in the folder wins over a catalog Template of the same name.
 */
export class TemplateLibrary {
  constructor(private readonly options: { folder: string; catalog?: Pick<CatalogStore, 'findByNamePrefix'> }) {}

  async list(): Promise<TemplateListing> {
    const fromFolder = await loadTemplateFolder(this.options.folder);
    const names = new Set(fromFolder.templates.map((template) => template.name.toLowerCase()));
    const listing: TemplateListing = { templates: [...fromFolder.templates], problems: [...fromFolder.problems] };
    const entities = this.options.catalog ? await this.options.catalog.findByNamePrefix('', 500, ['template']) : [];
    for (const stored of entities) {
      if (names.has(stored.name.toLowerCase())) continue;
      const file = stored.locationKey.startsWith('file:') ? stored.locationKey.slice('file:'.length) : null;
      try {
        listing.templates.push(templateFromEntity(stored.entity, { baseDir: file ? path.dirname(file) : null, source: stored.ref }));
        names.add(stored.name.toLowerCase());
      } catch (error) {
        listing.problems.push({ file: stored.ref, message: (error as Error).message });
      }
    }
    listing.templates.sort((a, b) => a.title.localeCompare(b.title));
    return listing;
  }

  async get(name: string): Promise<ScaffolderTemplate | undefined> {
    const wanted = name.trim().toLowerCase();
    return (await this.list()).templates.find((template) => template.name.toLowerCase() === wanted || template.ref === wanted);
  }
}

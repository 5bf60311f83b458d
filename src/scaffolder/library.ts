import path from 'node:path';
import type { CatalogStore } from '../catalog/store';
import { templateFromEntity, type ScaffolderTemplate } from './template';
import { duplicateMessage, loadTemplateFolder } from './templateFiles';

export interface TemplateListing {
  templates: ScaffolderTemplate[];
  /** Templates that failed to load, each with its file and why. */
  problems: Array<{ file: string; message: string }>;
  /** Templates that loaded but need their author: two with one name, folders too deep to be looked into. */
  warnings: Array<{ file: string; message: string }>;
}

/**
 * Where templates come from: the templates folder (`template.yaml` at any depth under it), read on
 * every listing so that authors see their changes without a restart, and Template entities in the
 * catalog. Of two templates with one name, the folder's wins over the catalog's, and within the
 * folder the first in path order; each time, a warning names both.
 */
export class TemplateLibrary {
  constructor(private readonly options: { folder: string; catalog?: Pick<CatalogStore, 'findByNamePrefix'> }) {}

  async list(): Promise<TemplateListing> {
    const fromFolder = await loadTemplateFolder(this.options.folder);
    const byName = new Map(fromFolder.templates.map((template) => [template.name.toLowerCase(), template]));
    const listing: TemplateListing = { templates: [...fromFolder.templates], problems: [...fromFolder.problems], warnings: [...fromFolder.warnings] };
    const entities = this.options.catalog ? await this.options.catalog.findByNamePrefix('', 500, ['template']) : [];
    // The catalog answers in its own order; sorted by ref, the winner between two catalog Templates does not change between listings.
    for (const stored of [...entities].sort((a, b) => (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0))) {
      const first = byName.get(stored.name.toLowerCase());
      if (first) {
        listing.warnings.push({ file: stored.ref, message: duplicateMessage(stored.name, first.source, stored.ref) });
        continue;
      }
      const file = stored.locationKey.startsWith('file:') ? stored.locationKey.slice('file:'.length) : null;
      try {
        // A catalog Template reads only inside its own folder: the catalog does not keep which folder its source was registered as.
        const template = templateFromEntity(stored.entity, { baseDir: file ? path.dirname(file) : null, source: stored.ref });
        listing.templates.push(template);
        byName.set(stored.name.toLowerCase(), template);
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

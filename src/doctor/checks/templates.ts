import { count, messageOf, ok, problem, type Finding } from '../findings';
import type { TemplatesPort } from '../ports';

const NAME = 'scaffolder.templates';

/** The templates /create-service offers load: those of the templates folder and, when the catalog can be read, its Template entities. */
export async function checkTemplates(templates: TemplatesPort, catalogReady: boolean): Promise<Finding> {
  let listing;
  try {
    listing = await templates.list({ withCatalog: catalogReady });
  } catch (error) {
    return problem(NAME, `the templates could not be listed: ${messageOf(error)}`, FOLDER_FIX);
  }
  if (listing.problems.length > 0) {
    return problem(
      NAME,
      `${count(listing.problems.length, 'template does', 'templates do')} not load (${count(listing.templates.length, 'template')} did)`,
      `${listing.problems.map((entry) => `${entry.file}: ${entry.message}`).join('\n')}\nFix each file (docs/templates.md says what Backline supports); \`backline template list\` shows the problems again.`,
    );
  }
  if (listing.templates.length === 0) return problem(NAME, `there are no templates in ${templates.folder}${catalogReady ? ' nor in the catalog' : ''}, so /create-service has nothing to offer`, FOLDER_FIX);
  const warnings = listing.warnings.length ? `; ${count(listing.warnings.length, 'warning')}: ${listing.warnings.map((entry) => entry.message).join('; ')}` : '';
  return ok(NAME, `${count(listing.templates.length, 'template loads', 'templates load')} (folder: ${templates.folder}${catalogReady ? ', and the catalog' : ''})${warnings}`);
}

const FOLDER_FIX = 'Set BACKLINE_TEMPLATES_DIR to a folder of templates (<name>/template.yaml with its skeleton/), or unset it to use the templates that ship with Backline.';

import type { CatalogStore } from '../src/catalog/store';

/** One choice of an external select, within Slack's 75-character limits on text and value. */
export interface PickerOption {
  text: string;
  value: string;
}

export const ENTITY_PICKER_ACTION = 'entity-picker';

/**
 * Type-ahead over the catalog for `external_select` menus (Slack's block_suggestion): names that
 * start with what was typed first, then near matches. `kinds` narrows it, e.g. to groups for an
 * owner picker (action id `entity-picker:group`).
 */
export async function suggestEntities(typed: string, catalog: Pick<CatalogStore, 'findByNamePrefix' | 'findSimilar'>, options: { kinds?: string[]; limit?: number } = {}): Promise<PickerOption[]> {
  const limit = options.limit ?? 20;
  const text = typed.trim();
  if (text === '') return [];
  const byPrefix = await catalog.findByNamePrefix(text, limit, options.kinds);
  const similar = byPrefix.length >= limit ? [] : (await catalog.findSimilar(text, limit)).map((hit) => hit.entity).filter((entity) => !options.kinds || options.kinds.includes(entity.kind));
  const seen = new Set<string>();
  const picked: PickerOption[] = [];
  for (const entity of [...byPrefix, ...similar]) {
    // A value longer than Slack allows could not be sent back intact, so such refs are left out.
    if (seen.has(entity.refKey) || entity.ref.length > 75) continue;
    seen.add(entity.refKey);
    const title = typeof entity.entity.metadata.title === 'string' ? entity.entity.metadata.title : entity.name;
    const label = `${title} (${entity.kind}${entity.namespace === 'default' ? '' : ` in ${entity.namespace}`})`;
    picked.push({ text: label.length > 75 ? `${label.slice(0, 74)}…` : label, value: entity.ref });
    if (picked.length >= limit) break;
  }
  return picked;
}

/** The kinds an entity picker's action id asks for: `entity-picker:group,user` → group and user. */
export function kindsOfPicker(actionId: string): string[] | undefined {
  const [, kinds] = actionId.split(':');
  return kinds ? kinds.split(',').map((kind) => kind.trim().toLowerCase()).filter(Boolean) : undefined;
}

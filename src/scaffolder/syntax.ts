/**
 * Template syntax Backline can tell cheaply it will not honour, found without rendering anything:
 * filters a Backstage installation registered itself (not in Backstage's own set), and `ui:widget`
 * values no form library knows. `backline template list` names them beside unsupported actions.
 */

/** Backstage's scaffolder filters and Nunjucks' built-in ones: what any Backstage renders. */
export const BACKSTAGE_FILTERS: ReadonlySet<string> = new Set([
  'parseRepoUrl', 'parseEntityRef', 'pick', 'projectSlug',
  'abs', 'batch', 'capitalize', 'center', 'default', 'd', 'dictsort', 'dump', 'escape', 'e', 'first', 'float', 'forceescape', 'groupby', 'indent', 'int', 'join', 'last', 'length', 'list', 'lower', 'nl2br', 'random', 'reject', 'rejectattr', 'replace', 'reverse', 'round', 'safe', 'select', 'selectattr', 'slice', 'sort', 'string', 'striptags', 'sum', 'title', 'trim', 'truncate', 'upper', 'urlencode', 'urlize', 'wordcount',
]);

/** The widgets of react-jsonschema-form, which Backstage's forms are. */
export const FORM_WIDGETS: ReadonlySet<string> = new Set(['text', 'textarea', 'password', 'color', 'email', 'uri', 'data-url', 'date', 'datetime', 'time', 'alt-date', 'alt-datetime', 'hidden', 'select', 'radio', 'checkbox', 'checkboxes', 'updown', 'range', 'file']);

/** Every `${{ … }}` expression in a value (strings at any depth), in the order written. */
export function expressionsIn(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') {
    for (const match of value.matchAll(/\$\{\{([\s\S]*?)\}\}/g)) out.push(match[1]!);
  } else if (Array.isArray(value)) {
    for (const item of value) expressionsIn(item, out);
  } else if (value && typeof value === 'object') {
    for (const item of Object.values(value)) expressionsIn(item, out);
  }
  return out;
}

/** The filters an expression applies: `x | lower | foo(1)` → lower, foo. Quoted text is left out, and `||` is not a filter. */
export function filtersIn(expression: string): string[] {
  const unquoted = expression.replace(/'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"/g, '""');
  return [...unquoted.matchAll(/(?<!\|)\|(?!\|)\s*([A-Za-z_]\w*)/g)].map((match) => match[1]!);
}

/** Filters a template's steps and output use that Backstage itself does not have, each once. */
export function unknownFilters(where: Array<{ label: string; value: unknown }>): Array<{ label: string; filter: string }> {
  const seen = new Set<string>();
  const found: Array<{ label: string; filter: string }> = [];
  for (const { label, value } of where) {
    for (const expression of expressionsIn(value)) {
      for (const filter of filtersIn(expression)) {
        if (BACKSTAGE_FILTERS.has(filter) || seen.has(filter)) continue;
        seen.add(filter);
        found.push({ label, filter });
      }
    }
  }
  return found;
}

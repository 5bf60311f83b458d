import path from 'node:path';
import { z } from 'zod';
import { globToRegExp } from './files';
import { isInside } from './confinement';

/**
 * Catalog rules, as Backstage has them (`catalog.rules`): which kinds of entity a location may
 * bring in. Anyone who can commit to a repository writes its catalog file, so by default a
 * discovered or registered location may bring only Components, APIs and Locations; a User claiming
 * someone's Slack id, or a Group naming itself an administrator, is refused unless a rule allows
 * that kind from that place.
 */
export interface CatalogRule {
  allow: KindMatcher[];
  /** Where the rule applies; absent, everywhere. */
  locations?: LocationMatcher[];
}

export interface KindMatcher {
  kind: string;
  /** Backstage's `spec.type` narrowing, e.g. only Templates of type `service`. */
  specType?: string;
}

export type LocationMatcher =
  /** Backstage's own form: a location type with an exact target or a glob pattern. */
  | { type: 'file' | 'url'; exact?: string; pattern?: string }
  /** An organisation (`acme`) or repositories of one (`acme/people`, `acme/platform-*`). */
  | { github: string }
  /** A local folder and everything under it (absolute once the configuration is loaded). */
  | { path: string };

/** What Backstage allows when no rules are configured. */
export const DEFAULT_CATALOG_RULES: CatalogRule[] = [{ allow: [{ kind: 'Component' }, { kind: 'API' }, { kind: 'Location' }] }];

export const CATALOG_KINDS = ['Component', 'API', 'Resource', 'System', 'Domain', 'Group', 'User', 'Location', 'Template', 'Rotation'];

/** Where an entity was read from, as the rules see it. */
export interface RuleLocation {
  type: string;
  target: string;
  /** The repository of a URL location, when it is one. */
  repository?: { owner: string; repo: string };
}

/** Null when the rules let the entity in; otherwise why not, naming the setting to change. */
export function refusalOf(rules: CatalogRule[], entity: { kind: string; spec?: unknown }, location: RuleLocation): string | null {
  const specType = typeof (entity.spec as { type?: unknown } | undefined)?.type === 'string' ? ((entity.spec as { type: string }).type) : undefined;
  const allowed = rules.some((rule) => rule.allow.some((matcher) => kindMatches(matcher, entity.kind, specType)) && (!rule.locations || rule.locations.some((matcher) => locationMatches(matcher, location))));
  if (allowed) return null;
  const here = rules.filter((rule) => !rule.locations || rule.locations.some((matcher) => locationMatches(matcher, location))).flatMap((rule) => rule.allow.map(kindText));
  const where = location.repository ? `{github: ${location.repository.owner}/${location.repository.repo}}` : location.type === 'file' ? `{path: ${path.dirname(location.target)}}` : `{type: ${location.type}, exact: ${location.target}}`;
  return (
    `${entity.kind} entities are not allowed from ${location.target}: catalog.rules allow ${here.length ? [...new Set(here)].join(', ') : 'nothing'} from there. ` +
    `To accept it, add a rule to catalog.rules in backline.yaml, e.g. {allow: [${entity.kind}], locations: [${where}]}`
  );
}

function kindMatches(matcher: KindMatcher, kind: string, specType: string | undefined): boolean {
  if (matcher.kind.toLowerCase() !== kind.toLowerCase()) return false;
  return matcher.specType === undefined || matcher.specType.toLowerCase() === specType?.toLowerCase();
}

function kindText(matcher: KindMatcher): string {
  return matcher.specType ? `${matcher.kind} (spec.type ${matcher.specType})` : matcher.kind;
}

function locationMatches(matcher: LocationMatcher, location: RuleLocation): boolean {
  if ('github' in matcher) {
    if (!location.repository) return false;
    const [org, repo] = matcher.github.split('/');
    if (org!.toLowerCase() !== location.repository.owner.toLowerCase()) return false;
    return repo === undefined || globToRegExp(repo.toLowerCase()).test(location.repository.repo.toLowerCase());
  }
  if ('path' in matcher) return location.type === 'file' && isInside(location.target, matcher.path);
  if (matcher.type !== location.type) return false;
  if (matcher.exact !== undefined && matcher.exact !== location.target) return false;
  if (matcher.pattern !== undefined && !globToRegExp(matcher.pattern).test(location.target)) return false;
  return true;
}

const kindName = z
  .string()
  .trim()
  .refine((kind) => CATALOG_KINDS.some((known) => known.toLowerCase() === kind.toLowerCase()), (kind) => ({ message: `"${kind}" is not a catalog kind; kinds: ${CATALOG_KINDS.join(', ')}` }));

/** A kind by name (`User`), or Backstage's narrowed form (`{kind: Template, spec.type: service}`). */
const KindMatcherSchema = z.preprocess(
  (value) => (typeof value === 'string' ? { kind: value } : value),
  z
    .object({ kind: kindName, 'spec.type': z.string().trim().min(1).optional() })
    .strict()
    .transform((matcher) => ({ kind: matcher.kind, ...(matcher['spec.type'] && { specType: matcher['spec.type'] }) })),
);

const LocationMatcherSchema = z.union(
  [
    z.object({ github: z.string().trim().regex(/^[A-Za-z0-9-]+(\/[A-Za-z0-9._*?-]+)?$/, 'must be an organisation or ORG/REPO (a glob such as acme/platform-*)') }).strict(),
    z.object({ path: z.string().trim().min(1) }).strict(),
    z
      .object({ type: z.enum(['file', 'url']), exact: z.string().min(1).optional(), target: z.string().min(1).optional(), pattern: z.string().min(1).optional() })
      .strict()
      .transform(({ type, exact, target, pattern }) => ({ type, ...((exact ?? target) && { exact: exact ?? target }), ...(pattern && { pattern }) })),
  ],
  { errorMap: () => ({ message: 'each location must be {github: ORG or ORG/REPO}, {path: FOLDER}, or {type: file|url, exact: TARGET | pattern: GLOB}' }) },
);

/** `catalog.rules` in backline.yaml; relative `path:` folders are made absolute by the loader. */
export const CatalogRulesSchema = z.array(z.object({ allow: z.array(KindMatcherSchema).min(1, 'must list at least one kind'), locations: z.array(LocationMatcherSchema).min(1).optional() }).strict());

/** Makes every `path:` of the rules absolute, against the folder of the file they were written in. */
export function anchorRulePaths(rules: CatalogRule[], baseDir: string): CatalogRule[] {
  return rules.map((rule) => (rule.locations ? { ...rule, locations: rule.locations.map((matcher) => ('path' in matcher ? { path: path.resolve(baseDir, matcher.path) } : matcher)) } : rule));
}

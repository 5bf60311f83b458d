/**
 * Every fact Backline collects, in one place: checks in backline.yaml may only name these (config
 * validation lists them), `backline health` prints them, and docs/health.md's table is this one.
 */
export type FactType = 'boolean' | 'number' | 'string';
export type FactSource = 'catalog' | 'github' | 'docs' | 'oncall';

export interface FactInfo {
  name: string;
  type: FactType;
  source: FactSource;
  /** What it says, and when it is null. */
  description: string;
}

export const FACTS: readonly FactInfo[] = [
  { name: 'hasDescription', type: 'boolean', source: 'catalog', description: 'metadata.description is set and not blank.' },
  { name: 'lifecycle', type: 'string', source: 'catalog', description: 'spec.lifecycle (production, experimental, deprecated …); null when not set.' },
  { name: 'hasSystem', type: 'boolean', source: 'catalog', description: 'The entity is part of a System (spec.system).' },
  { name: 'hasTechDocs', type: 'boolean', source: 'catalog', description: 'It has a backstage.io/techdocs-ref or backstage.io/techdocs-entity annotation.' },
  { name: 'hasRepository', type: 'boolean', source: 'catalog', description: 'It names a repository: github.com/project-slug, or backstage.io/source-location.' },
  { name: 'declaredInCatalog', type: 'boolean', source: 'catalog', description: 'Declared in a catalog file; false for a Component Backline inferred from GitHub (backline.dev/inferred-from).' },
  { name: 'owner.exists', type: 'boolean', source: 'catalog', description: 'spec.owner is set and that entity is in the catalog (a Group counts as its own owner).' },
  { name: 'owner.isGroup', type: 'boolean', source: 'catalog', description: 'The owner is a Group, not an individual User.' },
  { name: 'owner.hasMembers', type: 'boolean', source: 'catalog', description: 'The owning Group has at least one member in the catalog.' },
  { name: 'owner.hasSlackChannel', type: 'boolean', source: 'catalog', description: 'The owning Group has a slack.com/channel (or slack.com/bot-notify) annotation.' },
  { name: 'oncall.configured', type: 'boolean', source: 'oncall', description: 'On-call is set up for it or its team: a PagerDuty or Opsgenie annotation, or a Rotation.' },
  { name: 'oncall.hasPersonNow', type: 'boolean', source: 'oncall', description: 'Someone is on call right now; null when the provider is not configured or could not be asked.' },
  { name: 'docs.built', type: 'boolean', source: 'docs', description: 'Its TechDocs site has a known build; null when TECHDOCS_BASE_URL is not configured.' },
  { name: 'docs.stale', type: 'boolean', source: 'docs', description: 'The build is older than BACKLINE_DOCS_MAX_AGE_DAYS; null when there is no build.' },
  { name: 'docs.ageDays', type: 'number', source: 'docs', description: 'Whole days since the docs were built; null when there is no build.' },
  { name: 'github.hasReadme', type: 'boolean', source: 'github', description: 'A README at the root of the repository; null when GitHub is not configured or could not be read.' },
  { name: 'github.hasCodeowners', type: 'boolean', source: 'github', description: 'A CODEOWNERS file at the root, in .github/ or in docs/.' },
  { name: 'github.hasWorkflow', type: 'boolean', source: 'github', description: 'A GitHub Actions workflow (.yml or .yaml) in .github/workflows/.' },
  { name: 'github.branchProtected', type: 'boolean', source: 'github', description: 'The default branch is protected.' },
  { name: 'github.daysSinceLastCommit', type: 'number', source: 'github', description: 'Whole days since the last commit on the default branch.' },
];

export const FACT_NAMES: readonly string[] = FACTS.map((fact) => fact.name);
export const FACT_TYPES: ReadonlyMap<string, FactType> = new Map(FACTS.map((fact) => [fact.name, fact.type]));

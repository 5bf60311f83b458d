import type { FakeGitHub } from '../../test/support/fakeGithub';
import { Prng } from './prng';

export const ORG = 'northwind';

/** 85% of repositories hold a catalog file (a service, sometimes an API and a resource), 10% none, 3% archived, 2% forks. */
export function seedDeclaredOrganisation(github: FakeGitHub, repos: number, seed: number): { withFile: number; skipped: number; undeclared: number } {
  const random = new Prng(seed);
  const teams = Array.from({ length: 60 }, (_, i) => `team-${i}`);
  let withFile = 0;
  let skipped = 0;
  let undeclared = 0;
  for (let i = 0; i < repos; i++) {
    const name = `service-${String(i).padStart(4, '0')}`;
    const roll = random.next();
    const archived = roll >= 0.95 && roll < 0.98;
    const fork = roll >= 0.98;
    if (archived || fork) skipped++;
    if (roll >= 0.85 && roll < 0.95) {
      github.addRepo(ORG, name, { files: { 'README.md': `# ${name}\n` } });
      undeclared++;
      continue;
    }
    const owner = teams[Math.floor(random.next() * teams.length)]!;
    const documents = [
      `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\n  description: Service ${i} of the bench organisation\n  annotations:\n    github.com/project-slug: ${ORG}/${name}\n  tags: [bench, tier-${i % 3}]\nspec:\n  type: service\n  lifecycle: production\n  owner: ${owner}\n${random.next() < 0.5 ? `  providesApis: [${name}-api]\n` : ''}`,
      ...(random.next() < 0.5 ? [`apiVersion: backstage.io/v1alpha1\nkind: API\nmetadata:\n  name: ${name}-api\nspec:\n  type: openapi\n  lifecycle: production\n  owner: ${owner}\n  definition: |\n    openapi: 3.0.0\n    info: { title: ${name}, version: 1.0.0 }\n    paths: {}\n`] : []),
      ...(random.next() < 0.3 ? [`apiVersion: backstage.io/v1alpha1\nkind: Resource\nmetadata:\n  name: ${name}-db\nspec:\n  type: database\n  owner: ${owner}\n`] : []),
    ];
    github.addRepo(ORG, name, { archived, fork, files: { 'catalog-info.yaml': documents.join('---\n') } });
    if (!archived && !fork) withFile++;
  }
  return { withFile, skipped, undeclared };
}

const LANGUAGES = ['TypeScript', 'Go', 'Python', 'Java', 'Kotlin', 'Ruby', 'Jupyter Notebook', 'C++'];
const CODEOWNERS_PLACES = ['.github/CODEOWNERS', 'CODEOWNERS', 'docs/CODEOWNERS'];

/**
 * An organisation that has not written catalog YAML: 5% of repositories declare themselves, 3% are
 * archived, 2% forks; the rest have a description, topics and a language, CODEOWNERS in one of
 * GitHub's three places for 55% of them, and one to three of 300 teams with access (one admin
 * team for 70%). Teams have five members each.
 */
export function seedUndeclaredOrganisation(github: FakeGitHub, repos: number, seed: number): { withFile: number; skipped: number; undeclared: number } {
  const random = new Prng(seed);
  const teams = Array.from({ length: 300 }, (_, i) => `team-${i}`);
  for (const [i, slug] of teams.entries()) github.addTeam(ORG, { slug, name: `Team ${i}`, members: Array.from({ length: 5 }, (_, m) => `person-${i}-${m}`) });
  const pick = () => teams[Math.floor(random.next() * teams.length)]!;
  let withFile = 0;
  let skipped = 0;
  let undeclared = 0;
  for (let i = 0; i < repos; i++) {
    const name = `repo-${String(i).padStart(5, '0')}`;
    const roll = random.next();
    const archived = roll >= 0.95 && roll < 0.98;
    const fork = roll >= 0.98;
    const owner = pick();
    const files: Record<string, string> = { 'README.md': `# ${name}\n` };
    if (roll < 0.05) files['catalog-info.yaml'] = `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\nspec:\n  type: service\n  lifecycle: production\n  owner: ${owner}\n`;
    const place = random.next();
    if (place < 0.55) files[CODEOWNERS_PLACES[place < 0.35 ? 0 : place < 0.5 ? 1 : 2]!] = `# Owners of ${name}\n* @${ORG}/${owner}\n/docs/ @${ORG}/${pick()}\n*.sql @${ORG}/${pick()}\n`;
    const access: Record<string, string> = random.next() < 0.7 ? { [owner]: 'admin' } : { [owner]: 'maintain' };
    for (let extra = Math.floor(random.next() * 3); extra > 0; extra--) access[pick()] ??= 'push';
    github.addRepo(ORG, name, {
      archived,
      fork,
      files,
      teams: access,
      description: `Repository ${i} of the bench organisation`,
      topics: [`area-${i % 17}`, ...(i % 5 === 0 ? ['api'] : [])],
      language: LANGUAGES[i % LANGUAGES.length],
    });
    if (archived || fork) skipped++;
    else if (files['catalog-info.yaml']) withFile++;
    else undeclared++;
  }
  return { withFile, skipped, undeclared };
}

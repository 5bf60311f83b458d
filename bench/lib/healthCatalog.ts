import fs from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import { Prng } from './prng';
import { ADJECTIVES, NOUNS, TAGS } from './words';

/**
 * A synthetic company for the health benchmark: `teams` Groups (most with a Slack channel, a few
 * with nobody in them), their Users, Systems, Components, APIs and Resources owned by those teams,
 * and a Rotation for some teams, `entities` in all, written as catalog files of 100 documents. The
 * facts it produces vary the way real ones do: descriptions, systems, lifecycles and TechDocs are
 * present for most entities and missing for some.
 */
export interface HealthCatalog {
  root: string;
  entities: number;
  teams: string[];
  /** Refs of entities with a TechDocs annotation, whose sites the benchmark puts in the docs cache. */
  documented: string[];
}

const PER_FILE = 100;

export function writeHealthCatalog(folder: string, options: { teams: number; entities: number; seed: number }): HealthCatalog {
  const rng = new Prng(options.seed);
  const documents: Array<Record<string, unknown>> = [];
  const teams = Array.from({ length: options.teams }, (_, i) => `team-${rng.pick(ADJECTIVES)}-${rng.pick(NOUNS)}-${i}`);
  for (const [i, team] of teams.entries()) {
    documents.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: { name: team, ...(rng.chance(0.85) && { annotations: { 'slack.com/channel': team } }) },
      spec: { type: 'team', children: [], ...(i > 20 && rng.chance(0.5) && { parent: teams[rng.int(0, 20)] }) },
    });
  }
  const users = Math.round(options.entities * 0.1);
  for (let i = 0; i < users; i++) {
    // Teams past the 95th percent of the list get nobody: "owner has members" fails for them.
    documents.push({ apiVersion: 'backstage.io/v1alpha1', kind: 'User', metadata: { name: `user-${i}` }, spec: { profile: { email: `user-${i}@acme.example` }, memberOf: [teams[rng.int(0, Math.floor(teams.length * 0.95) - 1)]] } });
  }
  const rotations = Math.round(options.teams * 0.2);
  for (let i = 0; i < rotations; i++) {
    const team = teams[i * 5]!;
    documents.push({
      apiVersion: 'backline.dev/v1alpha1',
      kind: 'Rotation',
      metadata: { name: `${team}-primary` },
      spec: { owner: `group:${team}`, timezone: 'UTC', handoff: { time: '09:00' }, start: '2026-01-05', members: [`user:user-${rng.int(0, users - 1)}`, `user:user-${rng.int(0, users - 1)}`] },
    });
  }
  const systems = Math.round(options.entities * 0.03);
  for (let i = 0; i < systems; i++) documents.push({ apiVersion: 'backstage.io/v1alpha1', kind: 'System', metadata: { name: `system-${i}`, description: `System ${i}.` }, spec: { owner: rng.pick(teams) } });
  const documented: string[] = [];
  const rest = options.entities - documents.length;
  for (let i = 0; i < rest; i++) {
    const kind = i % 10 < 5 ? 'Component' : i % 10 < 8 ? 'API' : 'Resource';
    const name = `${kind.toLowerCase()}-${rng.pick(NOUNS)}-${i}`;
    const annotations: Record<string, string> = { 'github.com/project-slug': `acme/${name}` };
    if (kind === 'Component' && rng.chance(0.7)) {
      annotations['backstage.io/techdocs-ref'] = 'dir:.';
      documented.push(`component:default/${name}`);
    }
    const spec: Record<string, unknown> = { owner: rng.chance(0.98) ? rng.pick(teams) : `group:default/gone-${i}`, ...(rng.chance(0.8) && { system: `system-${rng.int(0, systems - 1)}` }) };
    if (kind === 'Component') Object.assign(spec, { type: rng.pick(['service', 'service', 'website', 'library']), lifecycle: rng.pick(['production', 'production', 'experimental', 'deprecated']) });
    if (kind === 'API') Object.assign(spec, { type: 'openapi', lifecycle: rng.pick(['production', 'experimental']), definition: 'openapi: 3.0.3\n' });
    if (kind === 'Resource') Object.assign(spec, { type: rng.pick(['database', 'queue']) });
    documents.push({ apiVersion: 'backstage.io/v1alpha1', kind, metadata: { name, ...(rng.chance(0.85) && { description: `${name} does ${rng.pick(NOUNS)}.` }), tags: rng.sample(TAGS, rng.int(0, 3)), annotations }, spec });
  }
  fs.mkdirSync(folder, { recursive: true });
  const targets: string[] = [];
  for (let file = 0; file * PER_FILE < documents.length; file++) {
    const name = `catalog-${String(file).padStart(4, '0')}.yaml`;
    fs.writeFileSync(path.join(folder, name), documents.slice(file * PER_FILE, (file + 1) * PER_FILE).map((document) => yaml.dump(document, { lineWidth: -1 })).join('---\n'));
    targets.push(`./${name}`);
  }
  const root = path.join(folder, 'catalog-info.yaml');
  fs.writeFileSync(root, yaml.dump({ apiVersion: 'backstage.io/v1alpha1', kind: 'Location', metadata: { name: 'health-bench' }, spec: { targets } }));
  return { root, entities: documents.length, teams, documented };
}

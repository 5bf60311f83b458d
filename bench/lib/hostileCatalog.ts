import { Prng } from './prng';

/**
 * Two GitHub organisations of the same number of repositories for bench/hostile-refresh.bench.ts:
 * one of ordinary catalog files, and one where two repositories in three carry an attack that
 * anyone with commit rights could write, each beside ordinary sibling entities. Seeded: the same
 * seed gives the same files, byte for byte.
 */
export const ATTACKS = ['alias-bomb', 'deep-json', 'text-fan-out', 'many-documents', 'host-files', 'impostors', 'flow-style'] as const;
export type Attack = (typeof ATTACKS)[number];

export interface SeedRepo {
  name: string;
  attack: Attack | 'clean';
  files: Record<string, string>;
}

export interface HostileOptions {
  /** The largest catalog file Backline reads (BACKLINE_MAX_FILE_BYTES): the big files stay just under it. */
  maxFileBytes: number;
  /** The fake GitHub's web host, for blob URLs into another organisation. */
  web: string;
  /** An organisation Backline is not configured to read, holding what an attacker would want. */
  elsewhere: string;
}

const TEAMS = Array.from({ length: 24 }, (_, i) => `team-${i}`);
const docs = (...documents: string[]) => `${documents.join('\n---\n')}\n`;

function component(name: string, owner: string, description = `Service ${name}`): string {
  return ['apiVersion: backstage.io/v1alpha1', 'kind: Component', 'metadata:', `  name: ${name}`, `  description: ${description}`, 'spec:', '  type: service', '  lifecycle: production', `  owner: ${owner}`].join('\n');
}

/** An ordinary catalog file: a service and its API, sometimes a worker. */
function ordinary(name: string, random: Prng): string {
  const owner = random.pick(TEAMS);
  const documents = [
    [
      'apiVersion: backstage.io/v1alpha1',
      'kind: Component',
      'metadata:',
      `  name: ${name}`,
      `  description: ${name} of the bench organisation`,
      '  annotations:',
      `    github.com/project-slug: bench/${name}`,
      `  tags: [bench, tier-${random.int(0, 2)}]`,
      'spec:',
      '  type: service',
      '  lifecycle: production',
      `  owner: ${owner}`,
      `  providesApis: [${name}-api]`,
    ].join('\n'),
    ['apiVersion: backstage.io/v1alpha1', 'kind: API', 'metadata:', `  name: ${name}-api`, 'spec:', '  type: openapi', '  lifecycle: production', `  owner: ${owner}`, '  definition: |', '    openapi: 3.0.0', `    info: { title: ${name}, version: 1.0.0 }`, '    paths: {}'].join('\n'),
  ];
  // Discovered repositories may declare Components, APIs and Locations only (the default catalog.rules).
  if (random.chance(0.5)) documents.push(component(`${name}-worker`, owner, `Background jobs of ${name}`));
  return docs(...documents);
}

export function cleanOrganisation(repos: number, seed: number): SeedRepo[] {
  const random = new Prng(seed);
  return Array.from({ length: repos }, (_, i) => {
    const name = `service-${String(i).padStart(4, '0')}`;
    return { name, attack: 'clean', files: { 'catalog-info.yaml': ordinary(name, random) } };
  });
}

/** Attacks in turn over two repositories in three, in an order the seed shuffles; the rest are ordinary. */
export function hostileOrganisation(repos: number, seed: number, options: HostileOptions): SeedRepo[] {
  const random = new Prng(seed);
  const plan: Array<Attack | 'clean'> = Array.from({ length: repos }, (_, i) => (i % 3 === 2 ? 'clean' : ATTACKS[Math.floor((i - Math.floor(i / 3)) % ATTACKS.length)]!));
  random.shuffle(plan);
  return plan.map((attack, i) => {
    const name = `service-${String(i).padStart(4, '0')}`;
    if (attack === 'clean') return { name, attack, files: { 'catalog-info.yaml': ordinary(name, random) } };
    const owner = random.pick(TEAMS);
    const siblings = [component(`${name}-sibling-a`, owner), component(`${name}-sibling-b`, owner)];
    return { name, attack, files: attackFiles(attack, name, owner, siblings, random, options) };
  });
}

function attackFiles(attack: Attack, name: string, owner: string, siblings: string[], random: Prng, options: HostileOptions): Record<string, string> {
  const described = (entity: string, placeholder: string) => component(entity, owner, placeholder);
  switch (attack) {
    case 'alias-bomb': {
      // Billion laughs: nine levels of nine aliases, 387 million values once expanded.
      const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
      for (let level = 1; level < 9; level++) {
        const [self, below] = [String.fromCharCode(97 + level), String.fromCharCode(96 + level)];
        levels.push(`${self}: &${self} [${Array(9).fill(`*${below}`).join(',')}]`);
      }
      return { 'bomb.yaml': `${levels.join('\n')}\n`, 'catalog-info.yaml': docs(described(`${name}-bombed`, '{ $yaml: ./bomb.yaml }'), ...siblings) };
    }
    case 'deep-json':
      return { 'deep.json': `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`, 'catalog-info.yaml': docs(described(`${name}-deep`, '{ $json: ./deep.json }'), ...siblings) };
    case 'text-fan-out': {
      // One file of about 2 MB, pulled in by 200 entities: 400 MB if nothing capped the total.
      const line = `${Array.from({ length: 12 }, () => random.pick(['ledger', 'payment', 'refund', 'queue', 'retry', 'batch', 'merchant', 'settle'])).join(' ')}\n`;
      const big = line.repeat(Math.floor((options.maxFileBytes - 100_000) / line.length));
      const copies = Array.from({ length: 200 }, (_, i) => described(`${name}-copy-${i}`, '{ $text: ./big.txt }'));
      return { 'big.txt': big, 'catalog-info.yaml': docs(...copies, ...siblings) };
    }
    case 'many-documents': {
      // Thousands of small valid entities, up to just under the file size limit.
      const documents = [...siblings];
      let bytes = documents.join('\n---\n').length;
      for (let i = 0; ; i++) {
        const document = [
          'apiVersion: backstage.io/v1alpha1',
          'kind: Component',
          'metadata:',
          `  name: ${name}-part-${i}`,
          `  description: Part ${i} of ${name}, one of thousands of documents in a single catalog file`,
          '  annotations:',
          `    github.com/project-slug: bench/${name}`,
          `  tags: [bench, part-${i % 7}]`,
          'spec:',
          '  type: library',
          '  lifecycle: experimental',
          `  owner: ${random.pick(TEAMS)}`,
          `  dependsOn: [component:${name}-sibling-a]`,
        ].join('\n');
        if (bytes + document.length + 5 > options.maxFileBytes - 4096) break;
        documents.push(document);
        bytes += document.length + 5;
      }
      return { 'catalog-info.yaml': docs(...documents) };
    }
    case 'host-files': {
      const secrets = `${options.web}/${options.elsewhere}/secrets/blob/main`;
      return {
        'catalog-info.yaml': docs(
          described(`${name}-passwd`, '{ $text: /etc/passwd }'),
          described(`${name}-climbing`, '{ $text: ../../../../etc/passwd }'),
          described(`${name}-file-url`, '{ $text: "file:///etc/passwd" }'),
          described(`${name}-other-org`, `{ $text: ${secrets}/token.txt }`),
          described(`${name}-relative-org`, `{ $yaml: ../../../../${options.elsewhere}/secrets/blob/main/catalog-info.yaml }`),
          ['apiVersion: backstage.io/v1alpha1', 'kind: Location', 'metadata:', `  name: ${name}-escape`, 'spec:', '  type: url', '  targets:', '    - /etc/passwd', '    - ../../etc/passwd', `    - ${secrets}/catalog-info.yaml`].join('\n'),
          ...siblings,
        ),
      };
    }
    case 'impostors': {
      // People and teams a discovered repository may not declare; the rules refuse them.
      const user = ['apiVersion: backstage.io/v1alpha1', 'kind: User', 'metadata:', `  name: ${name}-mallory`, '  annotations:', '    slack.com/user-id: U0MALLORY', 'spec:', '  profile:', '    email: mallory@example.com', '  memberOf: [platform-admins, admins]'].join('\n');
      const group = (team: string) => ['apiVersion: backstage.io/v1alpha1', 'kind: Group', 'metadata:', `  name: ${team}`, 'spec:', '  type: team', '  children: []', `  members: [${name}-mallory]`].join('\n');
      const template = ['apiVersion: scaffolder.backstage.io/v1beta3', 'kind: Template', 'metadata:', `  name: ${name}-planted`, 'spec:', '  owner: platform-admins', '  type: service', '  steps: []'].join('\n');
      return { 'catalog-info.yaml': docs(user, group('admins'), group('platform-admins'), template, ...siblings) };
    }
    case 'flow-style': {
      // One Component written in YAML flow style, just under the size limit: no shortcut reader
      // takes it, so the whole file goes through the full YAML parser in one call.
      const entries: string[] = [];
      let bytes = 300;
      for (let i = 0; bytes < options.maxFileBytes - 4096; i++) {
        const entry = `backline.dev/note-${String(i).padStart(6, '0')}: "${random.pick(['ledger', 'payment', 'refund', 'queue'])} ${i} of ${name}, a value written in flow style"`;
        entries.push(entry);
        bytes += entry.length + 2;
      }
      return { 'catalog-info.yaml': `{apiVersion: backstage.io/v1alpha1, kind: Component, metadata: {name: ${name}-flow, annotations: {${entries.join(', ')}}}, spec: {type: service, lifecycle: production, owner: ${owner}}}\n---\n${docs(...siblings)}` };
    }
  }
}

import { capitalise, uniqueNames } from './names';
import { Prng } from './prng';
import { ADJECTIVES, FIRST_NAMES, LAST_NAMES, NOUNS, TAGS, VERBS } from './words';

/**
 * Synthetic catalog data in Backstage's descriptor format: first a plan (every entity's kind and
 * name, so that specs can refer to entities that exist), then each entity's document on demand, so a
 * million of them never have to sit in memory at once.
 */
export type PlannedKind = 'Group' | 'User' | 'System' | 'API' | 'Resource' | 'Component';

export interface PlannedEntity {
  kind: PlannedKind;
  name: string;
  title?: string;
}

export interface CatalogPlan {
  byKind: Record<PlannedKind, PlannedEntity[]>;
  /** Every entity, shuffled: the order in which they are written. */
  order: PlannedEntity[];
}

/** Share of each kind in a catalog; components take what is left. */
const SHARES: Array<[PlannedKind, number]> = [
  ['Group', 0.02],
  ['User', 0.1],
  ['System', 0.04],
  ['API', 0.18],
  ['Resource', 0.2],
];

const WORDS = [...ADJECTIVES, ...NOUNS];
const COMPONENT_PREFIXES = ['svc', 'svc', 'svc', 'web', 'lib', 'worker'] as const;
const RESOURCE_TYPES = ['db', 'queue', 'bucket', 'cache', 'topic'] as const;

export function planCatalog(total: number, seed: number): CatalogPlan {
  const rng = new Prng(seed);
  const unique = uniqueNames(50);
  const cap = capitalise;
  const counts = SHARES.map(([kind, share]) => [kind, Math.max(1, Math.round(total * share))] as const);
  const components = Math.max(1, total - counts.reduce((sum, [, n]) => sum + n, 0));
  const byKind: Record<PlannedKind, PlannedEntity[]> = { Group: [], User: [], System: [], API: [], Resource: [], Component: [] };

  const make: Record<PlannedKind, () => PlannedEntity> = {
    Group: () => {
      const name = unique(() => `team-${rng.pick(ADJECTIVES)}-${rng.pick(NOUNS)}`);
      const [, a, n] = name.split('-');
      return { kind: 'Group', name, title: `${cap(a!)} ${cap(n!)}` };
    },
    User: () => ({ kind: 'User', name: unique(() => `${rng.pick(FIRST_NAMES)}.${rng.pick(LAST_NAMES)}${rng.int(1, 999)}`) }),
    System: () => {
      const name = unique(() => `${rng.pick(ADJECTIVES)}-${rng.pick(NOUNS)}-${rng.int(1, 99)}`);
      const [a, n] = name.split('-');
      return { kind: 'System', name, title: `${cap(a!)} ${cap(n!)} Platform` };
    },
    API: () => {
      const name = unique(() => `${rng.pick(NOUNS)}-${rng.pick(WORDS)}-api-${rng.int(1, 99)}`);
      const [a, n] = name.split('-');
      return { kind: 'API', name, ...(rng.chance(0.5) && { title: `${cap(a!)} ${cap(n!)} API` }) };
    },
    Resource: () => ({ kind: 'Resource', name: unique(() => `${rng.pick(NOUNS)}-${rng.pick(WORDS)}-${rng.pick(RESOURCE_TYPES)}-${rng.int(1, 99)}`) }),
    Component: () => {
      const name = unique(() => `${rng.pick(COMPONENT_PREFIXES)}-${rng.pick(WORDS)}-${rng.pick(NOUNS)}-${rng.int(1, 99)}`);
      const [, a, n] = name.split('-');
      return { kind: 'Component', name, ...(rng.chance(0.6) && { title: `${cap(a!)} ${cap(n!)} Service` }) };
    },
  };
  for (const [kind, count] of [...counts, ['Component', components] as const]) {
    for (let i = 0; i < count; i++) byKind[kind].push(make[kind]());
  }
  const order = rng.shuffle(Object.values(byKind).flat());
  return { byKind, order };
}

/** Builds entity documents for a plan, in a repeatable sequence. */
export class DocumentBuilder {
  private readonly rng: Prng;

  constructor(private readonly plan: CatalogPlan, seed: number) {
    this.rng = new Prng((seed ^ 0x9e3779b9) >>> 0);
  }

  build(entity: PlannedEntity): Record<string, unknown> {
    const { rng } = this;
    const metadata: Record<string, unknown> = { name: entity.name };
    if (entity.title) metadata.title = entity.title;
    metadata.description = this.description(entity);
    const spec = this.spec(entity);
    if (entity.kind !== 'User') metadata.tags = rng.sample(TAGS, rng.int(1, 4));
    metadata.annotations = this.annotations(entity);
    if (entity.kind === 'Component' || entity.kind === 'API' || entity.kind === 'System' || (entity.kind === 'Group' && rng.chance(0.5))) {
      const links = [{ url: `https://docs.acme.example/${entity.name}`, title: 'Docs', type: 'docs', icon: 'docs' }];
      if (rng.chance(0.5)) links.push({ url: `https://grafana.acme.example/d/${entity.name}`, title: 'Dashboard', type: 'dashboard', icon: 'dashboard' });
      metadata.links = links;
    }
    return { apiVersion: 'backstage.io/v1alpha1', kind: entity.kind, metadata, spec };
  }

  private spec(entity: PlannedEntity): Record<string, unknown> {
    const { rng } = this;
    const lifecycle = () => rng.pick(['production', 'production', 'production', 'experimental', 'deprecated']);
    switch (entity.kind) {
      case 'Component': {
        const spec: Record<string, unknown> = { type: rng.pick(['service', 'service', 'website', 'library']), lifecycle: lifecycle(), owner: this.owner(), system: this.ref('System', 0.2, 'system') };
        const provides = rng.int(0, 2);
        if (provides) spec.providesApis = Array.from({ length: provides }, () => this.ref('API', 0.3, 'api'));
        const consumes = rng.int(0, 3);
        if (consumes) spec.consumesApis = Array.from({ length: consumes }, () => this.ref('API', 0.3, 'api'));
        spec.dependsOn = Array.from({ length: rng.int(1, 3) }, () => (rng.chance(0.6) ? `resource:${this.name('Resource')}` : `component:${this.name('Component')}`));
        return spec;
      }
      case 'API': {
        const type = rng.pick(['openapi', 'openapi', 'grpc', 'asyncapi']);
        return { type, lifecycle: lifecycle(), owner: this.owner(), system: this.ref('System', 0.2, 'system'), definition: definitionFor(type, entity.name) };
      }
      case 'Resource': {
        const spec: Record<string, unknown> = { type: rng.pick(['database', 'queue', 's3-bucket', 'cache']), owner: this.owner(), system: this.ref('System', 0.2, 'system') };
        if (rng.chance(0.3)) spec.dependsOn = [`resource:${this.name('Resource')}`];
        return spec;
      }
      case 'System':
        return { owner: this.owner(), type: rng.pick(['product', 'platform', 'internal']) };
      case 'Group': {
        const spec: Record<string, unknown> = { type: rng.pick(['team', 'team', 'team', 'department']), profile: { displayName: entity.title ?? entity.name, email: `${entity.name}@acme.example` }, children: [] };
        const parent = this.name('Group');
        if (parent !== entity.name) spec.parent = parent;
        return spec;
      }
      case 'User': {
        const [first = '', last = ''] = entity.name.replace(/\d+$/, '').split('.');
        const cap = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);
        return { profile: { displayName: `${cap(first)} ${cap(last)}`, email: `${entity.name}@acme.example` }, memberOf: Array.from(new Set(Array.from({ length: rng.int(1, 2) }, () => this.name('Group')))) };
      }
    }
  }

  private annotations(entity: PlannedEntity): Record<string, string> {
    const { rng } = this;
    const annotations: Record<string, string> = {};
    if (entity.kind === 'Group') {
      annotations['slack.com/channel'] = `C${this.code(9)}`;
      annotations['slack.com/channel-name'] = entity.name;
      return annotations;
    }
    if (entity.kind === 'User') {
      annotations['slack.com/user-id'] = `U${this.code(9)}`;
      return annotations;
    }
    annotations['github.com/project-slug'] = `acme/${entity.name}`;
    if (entity.kind === 'Component') {
      annotations['backstage.io/techdocs-ref'] = 'dir:.';
      if (rng.chance(0.5)) annotations['pagerduty.com/service-id'] = `P${this.code(6)}`;
    }
    return annotations;
  }

  /** About 100 characters of prose. */
  private description(entity: PlannedEntity): string {
    const { rng } = this;
    const subject = entity.title ?? entity.name;
    const text = `${subject} ${rng.pick(VERBS)} ${rng.pick(NOUNS)} and ${rng.pick(NOUNS)} data, then ${rng.pick(VERBS)} ${rng.pick(ADJECTIVES)} ${rng.pick(NOUNS)} events for ${rng.pick(NOUNS)} teams.`;
    return text.length <= 120 ? text : `${text.slice(0, text.lastIndexOf(' ', 117))}…`;
  }

  private owner(): string {
    const group = this.name('Group');
    const style = this.rng.int(0, 2);
    return style === 0 ? group : style === 1 ? `group:${group}` : `group:default/${group}`;
  }

  /** A ref to an entity of `kind`, with the kind prefix written out some of the time. */
  private ref(kind: PlannedKind, prefixed: number, prefix: string): string {
    const name = this.name(kind);
    return this.rng.chance(prefixed) ? `${prefix}:${name}` : name;
  }

  private name(kind: PlannedKind): string {
    return this.rng.pick(this.plan.byKind[kind]).name;
  }

  private code(length: number): string {
    const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789';
    let out = '';
    for (let i = 0; i < length; i++) out += alphabet[this.rng.int(0, alphabet.length - 1)];
    return out;
  }
}

function definitionFor(type: string, name: string): string {
  switch (type) {
    case 'grpc':
      return `syntax = "proto3";\npackage acme.${name.replace(/-/g, '_')};\nservice Api {\n  rpc Get (GetRequest) returns (GetResponse);\n}\n`;
    case 'asyncapi':
      return `asyncapi: 2.6.0\ninfo:\n  title: ${name}\n  version: 1.0.0\nchannels:\n  ${name}.events:\n    subscribe:\n      message:\n        name: Event\n`;
    default:
      return `openapi: 3.0.3\ninfo:\n  title: ${name}\n  version: 1.0.0\npaths:\n  /items/{id}:\n    get:\n      responses:\n        '200':\n          description: The item\n`;
  }
}

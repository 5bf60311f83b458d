import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const CONFORMANCE = path.resolve(__dirname, '..', '..', '..', 'shared', 'conformance', 'backstage-catalog');

/** A scratch folder of catalog files that a test writes, rewrites and deletes. */
export class CatalogFolder {
  readonly root = fs.mkdtempSync(path.join(os.tmpdir(), 'backline-catalog-'));

  path(name: string): string {
    return path.join(this.root, name);
  }

  write(name: string, content: string | Buffer): string {
    const file = this.path(name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
    return file;
  }

  remove(name: string): void {
    fs.rmSync(this.path(name), { recursive: true, force: true });
  }

  dispose(): void {
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}

export function component(name: string, extra: { owner?: string; system?: string; namespace?: string; title?: string; dependsOn?: string[] } = {}): string {
  return [
    'apiVersion: backstage.io/v1alpha1',
    'kind: Component',
    'metadata:',
    `  name: ${name}`,
    ...(extra.namespace ? [`  namespace: ${extra.namespace}`] : []),
    ...(extra.title ? [`  title: ${extra.title}`] : []),
    'spec:',
    '  type: service',
    '  lifecycle: production',
    `  owner: ${extra.owner ?? 'team-a'}`,
    ...(extra.system ? [`  system: ${extra.system}`] : []),
    ...(extra.dependsOn ? ['  dependsOn:', ...extra.dependsOn.map((ref) => `    - ${ref}`)] : []),
  ].join('\n');
}

export function group(name: string, extra: { parent?: string; channel?: string } = {}): string {
  return [
    'apiVersion: backstage.io/v1alpha1',
    'kind: Group',
    'metadata:',
    `  name: ${name}`,
    ...(extra.channel ? ['  annotations:', `    slack.com/channel: ${extra.channel}`] : []),
    'spec:',
    '  type: team',
    ...(extra.parent ? [`  parent: ${extra.parent}`] : []),
    '  children: []',
  ].join('\n');
}

export function user(name: string, teams: string[], email = `${name}@example.com`): string {
  return ['apiVersion: backstage.io/v1alpha1', 'kind: User', 'metadata:', `  name: ${name}`, 'spec:', '  profile:', `    email: ${email}`, `  memberOf: [${teams.join(', ')}]`].join('\n');
}

export function location(name: string, targets: string[]): string {
  return ['apiVersion: backstage.io/v1alpha1', 'kind: Location', 'metadata:', `  name: ${name}`, 'spec:', '  targets:', ...targets.map((target) => `    - ${target}`)].join('\n');
}

export const docs = (...documents: string[]) => `${documents.join('\n---\n')}\n`;

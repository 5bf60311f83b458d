import yaml from 'js-yaml';
import { validateEntity, type Entity } from '../../src/catalog/model';
import { catalogInfoYaml, declaredEntityOf, inferenceOf, provenanceOf } from '../../src/catalog/provenance';
import type { StoredEntity } from '../../src/catalog/store';

function stored(entity: Entity, locationKey = 'file:/srv/catalog/payments.yaml'): StoredEntity {
  const kind = entity.kind.toLowerCase();
  const ref = `${kind}:${entity.metadata.namespace ?? 'default'}/${entity.metadata.name}`;
  return { ref, refKey: ref.toLowerCase(), kind, namespace: entity.metadata.namespace ?? 'default', name: entity.metadata.name, entity, locationKey };
}

const inferred: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'payments-api',
    description: 'Takes card payments.',
    tags: ['typescript', 'Jupyter Notebook', 'payments', 'typescript'],
    annotations: {
      'backline.dev/inferred-from': 'codeowners',
      'backline.dev/inferred-evidence': '.github/CODEOWNERS line 3: * @acme/payments',
      'github.com/project-slug': 'acme/payments-api',
    },
  },
  spec: { type: 'service', lifecycle: 'unknown', owner: 'group:default/payments' },
};

describe('provenance', () => {
  it('says an inferred entity is inferred, with the evidence the inference recorded', () => {
    expect(provenanceOf(stored(inferred, 'github-inferred:https://github.com/acme/payments-api'))).toEqual({ kind: 'inferred', evidence: '.github/CODEOWNERS line 3: * @acme/payments' });
    expect(inferenceOf(stored(inferred, 'github-inferred:https://github.com/acme/payments-api'))).toEqual({ from: 'codeowners', evidence: '.github/CODEOWNERS line 3: * @acme/payments', repository: 'acme/payments-api' });
  });

  it('calls an entity declared when a catalog file writes the inferred annotations itself: only inference makes an entity inferred', () => {
    expect(provenanceOf(stored(inferred, 'url:https://github.com/mallory/tools/blob/main/catalog-info.yaml'))).toEqual({ kind: 'declared', evidence: 'spec.owner: group:default/payments in https://github.com/mallory/tools/blob/main/catalog-info.yaml' });
    expect(inferenceOf(stored(inferred, 'url:https://github.com/mallory/tools/blob/main/catalog-info.yaml'))).toBeNull();
  });

  it('says a declared entity is declared, naming the field and the file or URL it came from', () => {
    const component: Entity = { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'ledger' }, spec: { type: 'service', lifecycle: 'production', owner: 'payments' } };
    expect(provenanceOf(stored(component))).toEqual({ kind: 'declared', evidence: 'spec.owner: payments in /srv/catalog/payments.yaml' });
    expect(provenanceOf(stored(component, 'url:https://github.com/acme/ledger/blob/main/catalog-info.yaml')).evidence).toBe('spec.owner: payments in https://github.com/acme/ledger/blob/main/catalog-info.yaml');
    const group: Entity = { apiVersion: 'backstage.io/v1alpha1', kind: 'Group', metadata: { name: 'payments' }, spec: { type: 'team', children: [] } };
    expect(provenanceOf(stored(group, 'github-teams:https://github.com/acme'))).toEqual({ kind: 'declared', evidence: 'the team itself, declared in the GitHub teams imported from https://github.com/acme' });
    const user: Entity = { apiVersion: 'backstage.io/v1alpha1', kind: 'User', metadata: { name: 'pat' }, spec: { memberOf: ['payments', 'risk'] } };
    expect(provenanceOf(stored(user)).evidence).toBe('spec.memberOf: payments, risk in /srv/catalog/payments.yaml');
    const location: Entity = { apiVersion: 'backstage.io/v1alpha1', kind: 'Location', metadata: { name: 'all' }, spec: { targets: ['./a.yaml'] } };
    expect(provenanceOf(stored(location)).evidence).toBe('declared in /srv/catalog/payments.yaml, which names no owner');
  });

  it('declares an inferred Component with the confirmed owner and none of Backline\'s own annotations, in a file Backline accepts', () => {
    const declared = declaredEntityOf(inferred, 'payments');
    expect(declared).toEqual({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name: 'payments-api', description: 'Takes card payments.', tags: ['typescript', 'payments'], annotations: { 'github.com/project-slug': 'acme/payments-api' } },
      spec: { type: 'service', lifecycle: 'unknown', owner: 'payments' },
    });
    const text = catalogInfoYaml(declared);
    expect(validateEntity(yaml.load(text))).toMatchObject({ valid: true });
    expect(text).not.toContain('backline.dev/');
  });

  it('keeps a non-default namespace, and refuses to write a file Backline would not accept', () => {
    const elsewhere = { ...inferred, metadata: { ...inferred.metadata, namespace: 'platform' } };
    expect(declaredEntityOf(elsewhere, 'group:default/payments').metadata).toMatchObject({ name: 'payments-api', namespace: 'platform' });
    const badName = { ...inferred, metadata: { ...inferred.metadata, name: 'not a name!' } };
    expect(() => catalogInfoYaml(declaredEntityOf(badName, 'payments'))).toThrow(/would not validate/);
  });
});

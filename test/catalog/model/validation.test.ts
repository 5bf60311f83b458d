import { validateEntity } from '../../../src/catalog/model';
import { component } from './fixtures';
import {
  ANNOTATION_CASES,
  COMPONENT_CASES,
  KIND_AND_VERSION_CASES,
  LABEL_CASES,
  LINK_CASES,
  METADATA_TYPE_CASES,
  NAME_CASES,
  NAMESPACE_CASES,
  OTHER_KIND_CASES,
  ROOT_CASES,
  ROTATION_CASES,
  TAG_CASES,
  TEMPLATE_CASES,
  type ValidationCase,
} from './validationCases';

function expectVerdict({ input, errors }: ValidationCase): void {
  const result = validateEntity(input);
  if (errors.length === 0) {
    expect(result.errors).toEqual([]);
    expect(result.valid).toBe(true);
  } else {
    expect(result).toEqual({ valid: false, errors });
  }
}

// Every verdict in these groups is the one Backstage's catalog (catalog-model 1.10.1) gives.
describe('validateEntity, as Backstage decides', () => {
  describe('metadata.name', () => it.each(NAME_CASES)('$title', expectVerdict));
  describe('metadata.namespace', () => it.each(NAMESPACE_CASES)('$title', expectVerdict));
  describe('metadata.tags', () => it.each(TAG_CASES)('$title', expectVerdict));
  describe('metadata.labels', () => it.each(LABEL_CASES)('$title', expectVerdict));
  describe('metadata.annotations', () => it.each(ANNOTATION_CASES)('$title', expectVerdict));
  describe('metadata.links', () => it.each(LINK_CASES)('$title', expectVerdict));
  describe('other metadata fields', () => it.each(METADATA_TYPE_CASES)('$title', expectVerdict));
  describe('the root of the document', () => it.each(ROOT_CASES)('$title', expectVerdict));
  describe('kinds and apiVersions', () => it.each(KIND_AND_VERSION_CASES)('$title', expectVerdict));
  describe('Component', () => it.each(COMPONENT_CASES)('$title', expectVerdict));
  describe('API, Resource, System, Domain, Group, User and Location', () => it.each(OTHER_KIND_CASES)('$title', expectVerdict));
  describe('Template (scaffolder.backstage.io/v1beta3)', () => it.each(TEMPLATE_CASES)('$title', expectVerdict));
});

describe('validateEntity for Backline Rotations', () => {
  it.each(ROTATION_CASES)('$title', expectVerdict);
});

describe('the entity a valid result carries', () => {
  it('fills in the default namespace', () => {
    const result = validateEntity(component());
    expect(result).toEqual({
      valid: true,
      errors: [],
      entity: {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: { name: 'artist-lookup', namespace: 'default' },
        spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
      },
    });
  });

  it('keeps a namespace that is given', () => {
    const result = validateEntity(component({ metadata: { namespace: 'alternative' } }));
    expect(result.valid && result.entity.metadata.namespace).toBe('alternative');
  });

  it('keeps unknown metadata and spec fields', () => {
    const result = validateEntity(component({ metadata: { custom: { a: 1 } }, spec: { extra: [1, 'two'] } }));
    expect(result.valid && result.entity.metadata.custom).toEqual({ a: 1 });
    expect(result.valid && result.entity.spec?.extra).toEqual([1, 'two']);
  });

  it('is a copy, leaving the input untouched', () => {
    const input = component();
    const result = validateEntity(input);
    expect(input.metadata).toEqual({ name: 'artist-lookup' });
    expect(result.valid && result.entity).not.toBe(input);
    if (result.valid) result.entity.spec!.owner = 'someone-else';
    expect((input.spec as { owner: string }).owner).toBe('team-a');
  });
});

import fs from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import { relationsOf, stringifyEntityRef, validateEntity, type Entity, type EntityRelation } from '../../../src/catalog/model';

/**
 * Backstage's own example catalog. The verdicts below are those of Backstage's catalog with
 * catalog-model 1.10.1 and its default policies and processors, each checked against that package.
 */
const CORPUS = path.resolve(__dirname, '../../../../shared/conformance/backstage-catalog');

/** Not an entity: the OpenAPI document petstore-webhook-api.yaml pulls in through `$text`. */
const NOT_ENTITIES = new Set(['apis/petstore-webhook.oas.yaml']);

const UNRESOLVED_TEXT = 'spec.definition must be a string (got object)';
const AI_RESOURCE =
  'Unsupported kind "AiResource" (apiVersion "backstage.io/v1alpha1"): no validator accepts it; supported kinds are API, Component, Domain, Group, Location, Resource, Rotation, System, Template, User';

/** Document (`file#index`) → the errors it must get. Every other document must be valid. */
const REJECTED: Record<string, string[]> = {
  'components/invalid-component.yaml#1': [
    'metadata.name "invalid component" is not valid; expected strings of 1-63 characters matching [a-z0-9A-Z] separated by [-_.], starting and ending with [a-z0-9A-Z]',
    'metadata.tags[1] "go 1.15.3" is not valid; expected 1-63 characters of [a-z0-9:+#] separated by [-], like "java" or "c++"',
  ],
  // `$text` placeholders pointing at URLs stay objects here, so the definition is not a string.
  'apis/config-schema-api.yaml#1': [UNRESOLVED_TEXT],
  'apis/spotify-api.yaml#1': [UNRESOLVED_TEXT],
  'apis/wayback-archive-api.yaml#1': [UNRESOLVED_TEXT],
  'apis/wayback-search-api.yaml#1': [UNRESOLVED_TEXT],
  // Newer API types that describe `remotes` instead of a definition; 1.10.1's catalog validates
  // every API with the API schema, which requires `definition`.
  'apis/local-ai-model-server-api.yaml#1': ['spec.definition is required for kind API'],
  'apis/backstage-mcp-server-api.yaml#1': ['spec.definition is required for kind API'],
  // catalog-model 1.10.1 describes AiResource, but the catalog's built-in processor has no validator for it.
  'ai-resources/code-review-plugin.yaml#1': [AI_RESOURCE],
  'ai-resources/company-ai-marketplace.yaml#1': [AI_RESOURCE],
  'ai-resources/frontend-design-skill.yaml#1': [AI_RESOURCE],
  'ai-resources/use-internal-apis-rule.yaml#1': [AI_RESOURCE],
};

const PLACEHOLDERS = ['$text', '$json', '$yaml'] as const;

/** Replaces relative-path placeholders with the file they name; URL placeholders are left alone. */
function resolvePlaceholders(value: unknown, directory: string): unknown {
  if (Array.isArray(value)) return value.map((item) => resolvePlaceholders(item, directory));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value);
  const [only] = entries;
  if (entries.length === 1 && only && (PLACEHOLDERS as readonly string[]).includes(only[0]) && typeof only[1] === 'string') {
    const [placeholder, target] = only as [string, string];
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return value;
    const content = fs.readFileSync(path.resolve(directory, target), 'utf8');
    if (placeholder === '$text') return content;
    if (placeholder === '$json') return JSON.parse(content) as unknown;
    return yaml.load(content, { schema: yaml.CORE_SCHEMA });
  }
  return Object.fromEntries(entries.map(([key, item]) => [key, resolvePlaceholders(item, directory)]));
}

function yamlFiles(directory: string): string[] {
  return fs
    .readdirSync(directory, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? yamlFiles(path.join(directory, entry.name)) : entry.name.endsWith('.yaml') ? [path.join(directory, entry.name)] : []))
    .sort();
}

interface CorpusDocument {
  id: string;
  value: unknown;
}

function loadCorpus(): CorpusDocument[] {
  return yamlFiles(CORPUS)
    .map((file) => path.relative(CORPUS, file).split(path.sep).join('/'))
    .filter((relative) => !NOT_ENTITIES.has(relative))
    .flatMap((relative) => {
      const file = path.join(CORPUS, relative);
      // The core schema keeps dates as strings, as Backstage's YAML 1.2 reader does.
      const documents = yaml.loadAll(fs.readFileSync(file, 'utf8'), undefined, { schema: yaml.CORE_SCHEMA });
      return documents.map((document, index) => ({ id: `${relative}#${index + 1}`, value: resolvePlaceholders(document, path.dirname(file)) }));
    });
}

const documents = loadCorpus();
const verdicts = documents.map((document) => ({ id: document.id, result: validateEntity(document.value) }));
const entities: Entity[] = verdicts.flatMap(({ result }) => (result.valid ? [result.entity] : []));
const relationLines = new Set(
  entities.flatMap((entity) => relationsOf(entity).relations.map((relation: EntityRelation) => `${relation.type} ${relation.source} ${relation.target}`)),
);

describe('the Backstage example catalog', () => {
  it('is all there: 73 entity documents', () => {
    expect(documents).toHaveLength(73);
  });

  it.each(verdicts.filter(({ id }) => !(id in REJECTED)))('accepts $id', ({ result }) => {
    expect(result.errors).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it.each(Object.entries(REJECTED))('rejects %s', (id, errors) => {
    expect(verdicts.find((verdict) => verdict.id === id)?.result).toEqual({ valid: false, errors });
  });

  it('resolves the relative $text placeholder of petstore-webhook-api.yaml', () => {
    const webhook = entities.find((entity) => entity.metadata.name === 'petstore-webhook');
    expect(webhook?.spec?.definition).toBe(fs.readFileSync(path.join(CORPUS, 'apis/petstore-webhook.oas.yaml'), 'utf8'));
  });

  it('reads every ref in every accepted entity', () => {
    expect(entities.flatMap((entity) => relationsOf(entity).errors)).toEqual([]);
  });

  it('relates artist-lookup to its owner and system', () => {
    const artistLookup = entities.find((entity) => stringifyEntityRef(entity) === 'component:default/artist-lookup')!;
    expect(relationsOf(artistLookup).relations).toEqual([
      { type: 'ownedBy', source: 'component:default/artist-lookup', target: 'group:default/team-a' },
      { type: 'ownerOf', source: 'group:default/team-a', target: 'component:default/artist-lookup' },
      { type: 'partOf', source: 'component:default/artist-lookup', target: 'system:default/artist-engagement-portal' },
      { type: 'hasPart', source: 'system:default/artist-engagement-portal', target: 'component:default/artist-lookup' },
    ]);
  });

  it.each([
    'ownerOf group:default/team-a component:default/artist-lookup',
    'ownerOf group:default/team-a system:default/artist-engagement-portal',
    'ownerOf user:default/guest component:default/searcher',
    'ownerOf user:default/frank.tiernan domain:default/playback',
    'hasPart system:default/podcast component:default/queue-proxy',
    'hasPart domain:default/audio domain:default/artists',
    'hasPart component:default/wayback-archive component:default/wayback-archive-storage',
    'apiProvidedBy api:default/petstore component:default/petstore',
    'apiConsumedBy api:default/wayback-archive component:default/wayback-search',
    'hasMember group:default/team-a user:default/breanna.davison',
    'hasMember group:default/team-a user:development/guest',
    'parentOf group:default/acme-corp group:default/infrastructure',
    'childOf group:default/team-a group:default/backstage',
    'ownedBy component:alternative/different-namespace group:default/team-a',
  ])('derives %s', (line) => {
    expect(relationLines.has(line)).toBe(true);
  });
});

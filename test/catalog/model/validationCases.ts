import { component, entity, without, x, type Doc } from './fixtures';

/**
 * Adversarial cases for every rule, with the exact errors Backline reports. An empty error list
 * means valid. For every case in BACKSTAGE_CASES the verdict (valid or not) is the one
 * @backstage/catalog-model 1.10.1 gives through the catalog's default policies and kind validators;
 * each verdict was checked against that package.
 */
export interface ValidationCase {
  title: string;
  input: unknown;
  errors: string[];
}

const NAME = 'strings of 1-63 characters matching [a-z0-9A-Z] separated by [-_.], starting and ending with [a-z0-9A-Z]';
const NAMESPACE = 'a lowercase DNS label: 1-63 characters of [a-z0-9] separated by [-]';
const TAG = '1-63 characters of [a-z0-9:+#] separated by [-], like "java" or "c++"';
const KEY =
  'an optional DNS-subdomain prefix and "/" (like "example.com/") followed by 1-63 characters matching [a-z0-9A-Z] separated by [-_.], starting and ending with [a-z0-9A-Z]';
const LABEL_VALUE = 'an empty string or 1-63 characters matching [a-z0-9A-Z] separated by [-_.], starting and ending with [a-z0-9A-Z]';
const API_VERSION = 'an optional DNS-subdomain group and "/" followed by a version of 1-63 characters of [a-z0-9A-Z], like "backstage.io/v1alpha1"';
const KIND = 'a letter followed by letters and digits, at most 63 characters, like "Component"';
const KINDS = 'supported kinds are API, Component, Domain, Group, Location, Resource, Rotation, System, Template, User';

const valid = (title: string, input: unknown): ValidationCase => ({ title, input, errors: [] });
const invalid = (title: string, input: unknown, ...errors: string[]): ValidationCase => ({ title, input, errors });
const meta = (metadata: Doc): Doc => component({ metadata });
const spec = (patch: Doc): Doc => component({ spec: patch });

export const NAME_CASES: ValidationCase[] = [
  valid('accepts a name of exactly 63 characters', meta({ name: x(63) })),
  invalid('rejects a name of 64 characters', meta({ name: x(64) }), `metadata.name "${x(64)}" is not valid; expected ${NAME}`),
  valid('accepts a one-character name', meta({ name: 'a' })),
  valid('accepts mixed case and inner punctuation, even repeated', meta({ name: 'Artist_Lookup.v2--b' })),
  invalid('rejects a name starting with a dash', meta({ name: '-artist' }), `metadata.name "-artist" is not valid; expected ${NAME}`),
  invalid('rejects a name ending with a dot', meta({ name: 'artist.' }), `metadata.name "artist." is not valid; expected ${NAME}`),
  invalid('rejects a name ending with an underscore', meta({ name: 'artist_' }), `metadata.name "artist_" is not valid; expected ${NAME}`),
  invalid('rejects a name with a space', meta({ name: 'invalid component' }), `metadata.name "invalid component" is not valid; expected ${NAME}`),
  invalid('rejects a name with non-ASCII letters', meta({ name: 'café' }), `metadata.name "café" is not valid; expected ${NAME}`),
  invalid('rejects a name with a slash', meta({ name: 'team/artist' }), `metadata.name "team/artist" is not valid; expected ${NAME}`),
  invalid('rejects an empty name', meta({ name: '' }), `metadata.name "" is not valid; expected ${NAME}`),
  invalid('rejects a numeric name', meta({ name: 42 }), 'metadata.name must be a string (got number)'),
  invalid('rejects a missing name', without(component(), 'metadata.name'), 'metadata.name is required'),
];

export const NAMESPACE_CASES: ValidationCase[] = [
  valid('accepts a lowercase namespace', meta({ namespace: 'alternative' })),
  valid('accepts a namespace of exactly 63 characters with repeated dashes', meta({ namespace: `a--${x(60)}` })),
  invalid('rejects an uppercase namespace', meta({ namespace: 'Alternative' }), `metadata.namespace "Alternative" is not valid; expected ${NAMESPACE}`),
  invalid('rejects a namespace of 64 characters', meta({ namespace: x(64) }), `metadata.namespace "${x(64)}" is not valid; expected ${NAMESPACE}`),
  invalid('rejects a namespace with an underscore', meta({ namespace: 'team_a' }), `metadata.namespace "team_a" is not valid; expected ${NAMESPACE}`),
  invalid('rejects a namespace ending with a dash', meta({ namespace: 'team-' }), `metadata.namespace "team-" is not valid; expected ${NAMESPACE}`),
  invalid('rejects an empty namespace', meta({ namespace: '' }), `metadata.namespace "" is not valid; expected ${NAMESPACE}`),
  invalid('rejects a null namespace', meta({ namespace: null }), 'metadata.namespace must be a string (got null)'),
];

export const TAG_CASES: ValidationCase[] = [
  valid('accepts tags with digits, plus, hash and colon', meta({ tags: ['java', 'c++', 'c#', 'k8s:prod', 'go-1'] })),
  valid('accepts a tag of exactly 63 characters', meta({ tags: [x(63)] })),
  invalid('rejects an uppercase tag', meta({ tags: ['Java'] }), `metadata.tags[0] "Java" is not valid; expected ${TAG}`),
  invalid('rejects a tag with a space', meta({ tags: ['go', 'go 1.15.3'] }), `metadata.tags[1] "go 1.15.3" is not valid; expected ${TAG}`),
  invalid('rejects a tag with a dot', meta({ tags: ['go1.15'] }), `metadata.tags[0] "go1.15" is not valid; expected ${TAG}`),
  invalid('rejects a tag with a double dash', meta({ tags: ['a--b'] }), `metadata.tags[0] "a--b" is not valid; expected ${TAG}`),
  invalid('rejects a tag of 64 characters', meta({ tags: [x(64)] }), `metadata.tags[0] "${x(64)}" is not valid; expected ${TAG}`),
  invalid('rejects an empty tag', meta({ tags: [''] }), `metadata.tags[0] "" is not valid; expected ${TAG}`),
  invalid('rejects a numeric tag', meta({ tags: [5] }), 'metadata.tags[0] must be a string (got number)'),
  invalid('rejects tags given as a string', meta({ tags: 'java' }), 'metadata.tags must be an array (got string)'),
];

export const LABEL_CASES: ValidationCase[] = [
  valid('accepts prefixed label keys and name-shaped values', meta({ labels: { 'backstage.io/custom': 'ValueStuff', goVersion: 'go1.15.3' } })),
  valid('accepts an empty label value', meta({ labels: { tier: '' } })),
  valid('accepts a label prefix of 253 characters', meta({ labels: { [`${x(63)}.${x(63)}.${x(63)}.${x(61)}/k`]: 'v' } })),
  invalid('rejects a label prefix of 254 characters', meta({ labels: { [`${x(63)}.${x(63)}.${x(63)}.${x(62)}/k`]: 'v' } }), `metadata.labels key "${x(63)}.${x(63)}.${x(63)}.${x(62)}/k" is not valid; expected ${KEY}`),
  invalid('rejects a label key with two slashes', meta({ labels: { 'a/b/c': 'v' } }), `metadata.labels key "a/b/c" is not valid; expected ${KEY}`),
  invalid('rejects an uppercase label prefix', meta({ labels: { 'Example.com/team': 'v' } }), `metadata.labels key "Example.com/team" is not valid; expected ${KEY}`),
  invalid('rejects a label key with an empty name', meta({ labels: { 'example.com/': 'v' } }), `metadata.labels key "example.com/" is not valid; expected ${KEY}`),
  invalid('rejects a label key with an empty prefix', meta({ labels: { '/team': 'v' } }), `metadata.labels key "/team" is not valid; expected ${KEY}`),
  invalid('rejects a label key name of 64 characters', meta({ labels: { [x(64)]: 'v' } }), `metadata.labels key "${x(64)}" is not valid; expected ${KEY}`),
  invalid('rejects a label value with a space', meta({ labels: { category: 'rock music' } }), `metadata.labels.category "rock music" is not valid; expected ${LABEL_VALUE}`),
  invalid('rejects a label value of 64 characters', meta({ labels: { category: x(64) } }), `metadata.labels.category "${x(64)}" is not valid; expected ${LABEL_VALUE}`),
  invalid('rejects a numeric label value', meta({ labels: { port: 8080 } }), 'metadata.labels.port must be a string (got number)'),
  invalid('rejects labels given as a list', meta({ labels: ['a'] }), 'metadata.labels must be an object (got array)'),
];

export const ANNOTATION_CASES: ValidationCase[] = [
  valid('accepts annotation values of any text', meta({ annotations: { 'backstage.io/techdocs-ref': 'dir:.', note: 'Hello, world! ü', empty: '' } })),
  invalid('rejects a numeric annotation value', meta({ annotations: { 'example.com/port': 8080 } }), 'metadata.annotations["example.com/port"] must be a string (got number)'),
  invalid('rejects a boolean annotation value', meta({ annotations: { enabled: true } }), 'metadata.annotations.enabled must be a string (got boolean)'),
  invalid('rejects a null annotation value', meta({ annotations: { owner: null } }), 'metadata.annotations.owner must be a string (got null)'),
  invalid('rejects an annotation key with a space', meta({ annotations: { 'my key': 'v' } }), `metadata.annotations key "my key" is not valid; expected ${KEY}`),
  invalid('rejects an annotation key with two slashes', meta({ annotations: { 'github.com/project/slug': 'v' } }), `metadata.annotations key "github.com/project/slug" is not valid; expected ${KEY}`),
  invalid('rejects annotations given as a string', meta({ annotations: 'x' }), 'metadata.annotations must be an object (got string)'),
];

export const LINK_CASES: ValidationCase[] = [
  valid('accepts a link with only a url', meta({ links: [{ url: 'https://example.com' }] })),
  valid('accepts a link with title, icon and type', meta({ links: [{ url: 'http://localhost:3000/x', title: 'Docs', icon: 'docs', type: 'documentation' }] })),
  invalid('rejects a link without a url', meta({ links: [{ title: 'Docs' }] }), 'metadata.links[0].url is required'),
  invalid('rejects a link whose url is not a URL', meta({ links: [{ url: 'example.com/docs' }] }), 'metadata.links[0].url "example.com/docs" is not a valid URL'),
  invalid('rejects a link with a numeric title', meta({ links: [{ url: 'https://example.com', title: 5 }] }), 'metadata.links[0].title must be a string (got number)'),
  invalid('rejects a link with a blank title', meta({ links: [{ url: 'https://example.com', title: '   ' }] }), 'metadata.links[0].title must not be empty or blank'),
  invalid('rejects a link with an empty icon', meta({ links: [{ url: 'https://example.com', icon: '' }] }), 'metadata.links[0].icon must not be empty or blank'),
  invalid('rejects a link with an empty type', meta({ links: [{ url: 'https://example.com', type: '' }] }), 'metadata.links[0].type must not be empty'),
  invalid('rejects a link that is a string', meta({ links: ['https://example.com'] }), 'metadata.links[0] must be an object (got string)'),
  invalid('rejects links given as an object', meta({ links: { url: 'https://example.com' } }), 'metadata.links must be an array (got object)'),
];

export const METADATA_TYPE_CASES: ValidationCase[] = [
  valid('accepts an empty description and unknown metadata fields', meta({ description: '', custom: { nested: [1, 2] } })),
  valid('accepts uid and etag strings', meta({ uid: 'e01199ab-08cc-44c2-8e19-5c29ded82521', etag: 'abc==' })),
  invalid('rejects a numeric title', meta({ title: 5 }), 'metadata.title must be a string (got number)'),
  invalid('rejects an empty title', meta({ title: '' }), 'metadata.title must not be empty'),
  invalid('rejects a description that is a list', meta({ description: ['a'] }), 'metadata.description must be a string (got array)'),
  invalid('rejects an empty uid', meta({ uid: '' }), 'metadata.uid must not be empty'),
  invalid('rejects a numeric etag', meta({ etag: 7 }), 'metadata.etag must be a string (got number)'),
  invalid(
    'reports every bad metadata field at once',
    meta({ name: 'bad name', tags: ['Bad'], annotations: { a: 1 } }),
    `metadata.name "bad name" is not valid; expected ${NAME}`,
    'metadata.annotations.a must be a string (got number)',
    `metadata.tags[0] "Bad" is not valid; expected ${TAG}`,
  ),
];

export const ROOT_CASES: ValidationCase[] = [
  invalid('rejects relations at the root', component({ root: { relations: [] } }), 'unknown root field "relations"; an entity may only have apiVersion, kind, metadata and spec'),
  invalid('rejects status at the root', component({ root: { status: {} } }), 'unknown root field "status"; an entity may only have apiVersion, kind, metadata and spec'),
  invalid('rejects any other root field', component({ root: { owner: 'team-a' } }), 'unknown root field "owner"; an entity may only have apiVersion, kind, metadata and spec'),
  invalid('rejects a spec that is a list', component({ root: { spec: ['a'] } }), 'spec must be an object (got array)'),
  invalid('rejects a missing metadata', without(component(), 'metadata'), 'metadata is required'),
  invalid('rejects metadata that is a string', component({ root: { metadata: 'artist-lookup' } }), 'metadata must be an object (got string)'),
  invalid('rejects a document that is a string', 'artist-lookup', 'entity must be an object with apiVersion, kind, metadata and spec (got string)'),
  invalid('rejects a document that is a list', [component()], 'entity must be an object with apiVersion, kind, metadata and spec (got array)'),
  invalid('rejects an empty document', null, 'entity must be an object with apiVersion, kind, metadata and spec (got null)'),
  invalid('rejects a missing apiVersion', without(component(), 'apiVersion'), 'apiVersion is required'),
  invalid('rejects a missing kind', without(component(), 'kind'), 'kind is required'),
  invalid('rejects a numeric apiVersion', component({ root: { apiVersion: 1 } }), 'apiVersion must be a string (got number)'),
  invalid('rejects an apiVersion with two slashes', component({ root: { apiVersion: 'backstage.io/v1alpha1/x' } }), `apiVersion "backstage.io/v1alpha1/x" is not valid; expected ${API_VERSION}`),
  invalid('rejects an empty apiVersion', component({ root: { apiVersion: '' } }), `apiVersion "" is not valid; expected ${API_VERSION}`),
  invalid('rejects a kind starting with a digit', component({ root: { kind: '1Component' } }), `kind "1Component" is not valid; expected ${KIND}`),
];

export const KIND_AND_VERSION_CASES: ValidationCase[] = [
  valid('accepts a Component at backstage.io/v1beta1', component({ root: { apiVersion: 'backstage.io/v1beta1' } })),
  invalid('rejects a Component at backstage.io/v1', component({ root: { apiVersion: 'backstage.io/v1' } }), 'Unsupported apiVersion "backstage.io/v1" for kind Component: no validator accepts it; expected backstage.io/v1alpha1 or backstage.io/v1beta1'),
  invalid('rejects a lowercase kind, since kinds are case-sensitive', component({ root: { kind: 'component' } }), 'Unsupported kind "component" (apiVersion "backstage.io/v1alpha1"): no validator accepts it; kinds are case-sensitive, did you mean "Component"?'),
  invalid('rejects the AiResource kind that catalog-model describes but the catalog does not validate', entity('AiResource', { type: 'skill', owner: 'team-a' }), `Unsupported kind "AiResource" (apiVersion "backstage.io/v1alpha1"): no validator accepts it; ${KINDS}`),
  invalid('rejects a custom kind', entity('Widget', {}, 'example.com/v1'), `Unsupported kind "Widget" (apiVersion "example.com/v1"): no validator accepts it; ${KINDS}`),
  invalid('rejects a Template at the catalog-model apiVersion', entity('Template', { type: 'service', steps: [] }), 'Unsupported apiVersion "backstage.io/v1alpha1" for kind Template: no validator accepts it; expected scaffolder.backstage.io/v1beta3'),
  invalid('rejects a v1beta2 Template', entity('Template', { type: 'service', steps: [] }, 'scaffolder.backstage.io/v1beta2'), 'Unsupported apiVersion "scaffolder.backstage.io/v1beta2" for kind Template: no validator accepts it; expected scaffolder.backstage.io/v1beta3'),
];

export const COMPONENT_CASES: ValidationCase[] = [
  valid('accepts a Component with every relation field', spec({ system: 's', subcomponentOf: 'c', providesApis: ['a'], consumesApis: ['b'], dependsOn: ['resource:db'] })),
  valid('accepts any value in the undeclared dependencyOf field', spec({ dependencyOf: 5 })),
  invalid('rejects a Component without a spec', without(component(), 'spec'), 'spec is required for kind Component'),
  invalid('rejects a Component without type, lifecycle and owner', component({ root: { spec: {} } }), 'spec.type is required for kind Component', 'spec.lifecycle is required for kind Component', 'spec.owner is required for kind Component'),
  invalid('rejects a numeric lifecycle', spec({ lifecycle: 1 }), 'spec.lifecycle must be a string (got number)'),
  invalid('rejects an empty owner', spec({ owner: '' }), 'spec.owner must not be empty'),
  invalid('rejects a list of owners', spec({ owner: ['team-a'] }), 'spec.owner must be a string (got array)'),
  invalid('rejects a numeric system', spec({ system: 5 }), 'spec.system must be a string (got number)'),
  invalid('rejects an empty subcomponentOf', spec({ subcomponentOf: '' }), 'spec.subcomponentOf must not be empty'),
  invalid('rejects providesApis given as a string', spec({ providesApis: 'petstore' }), 'spec.providesApis must be an array (got string)'),
  invalid('rejects a numeric consumesApis entry', spec({ consumesApis: [1] }), 'spec.consumesApis[0] must be a string (got number)'),
  invalid('rejects an empty dependsOn entry', spec({ dependsOn: ['component:a', ''] }), 'spec.dependsOn[1] must not be empty'),
];

const api = (patch: Doc): Doc => entity('API', { type: 'openapi', lifecycle: 'production', owner: 'team-a', definition: 'openapi: 3.0.0', ...patch });

export const OTHER_KIND_CASES: ValidationCase[] = [
  valid('accepts an API with a string definition', api({})),
  invalid('rejects an API whose definition is an unresolved placeholder', api({ definition: { $text: 'https://example.com/openapi.yaml' } }), 'spec.definition must be a string (got object)'),
  invalid('rejects an API without a definition, even an MCP server with remotes', api({ type: 'mcp-server', definition: undefined, remotes: [{ type: 'streamable-http', url: 'http://localhost:7007' }] }), 'spec.definition is required for kind API'),
  invalid('rejects an API with an empty definition', api({ definition: '' }), 'spec.definition must not be empty'),
  invalid('rejects an API without a type', api({ type: undefined }), 'spec.type is required for kind API'),
  valid('accepts a Resource with dependsOn', entity('Resource', { type: 'database', owner: 'team-a', dependsOn: ['resource:disk'] })),
  invalid('rejects a Resource without type and owner', entity('Resource', {}), 'spec.type is required for kind Resource', 'spec.owner is required for kind Resource'),
  invalid('rejects a numeric Resource dependsOn entry', entity('Resource', { type: 'database', owner: 'team-a', dependsOn: [3] }), 'spec.dependsOn[0] must be a string (got number)'),
  valid('accepts a System without a domain', entity('System', { owner: 'team-a' })),
  invalid('rejects a System without an owner', entity('System', { domain: 'artists' }), 'spec.owner is required for kind System'),
  invalid('rejects a numeric System domain', entity('System', { owner: 'team-a', domain: 5 }), 'spec.domain must be a string (got number)'),
  valid('accepts a Domain with a type', entity('Domain', { owner: 'team-a', type: 'product-area' })),
  invalid('rejects a Domain without an owner', entity('Domain', {}), 'spec.owner is required for kind Domain'),
  invalid('rejects an empty subdomainOf', entity('Domain', { owner: 'team-a', subdomainOf: '' }), 'spec.subdomainOf must not be empty'),
  valid('accepts a Group with no children', entity('Group', { type: 'team', children: [] })),
  invalid('rejects a Group without children', entity('Group', { type: 'team' }), 'spec.children is required for kind Group'),
  invalid('rejects Group children given as a string', entity('Group', { type: 'team', children: 'team-b' }), 'spec.children must be an array (got string)'),
  invalid('rejects a Group without a type', entity('Group', { children: [] }), 'spec.type is required for kind Group'),
  invalid('rejects a Group profile that is a string', entity('Group', { type: 'team', children: [], profile: 'Team A' }), 'spec.profile must be an object (got string)'),
  invalid('rejects a numeric Group profile email and an empty display name', entity('Group', { type: 'team', children: [], profile: { email: 5, displayName: '' } }), 'spec.profile.displayName must not be empty', 'spec.profile.email must be a string (got number)'),
  invalid('rejects a numeric Group member and parent', entity('Group', { type: 'team', children: [], members: [1], parent: 5 }), 'spec.parent must be a string (got number)', 'spec.members[0] must be a string (got number)'),
  valid('accepts a User in no groups', entity('User', { memberOf: [] })),
  invalid('rejects a User without memberOf, which the 1.10.1 schema requires', entity('User', { profile: { email: 'a@example.com' } }), 'spec.memberOf is required for kind User'),
  invalid('rejects a numeric User profile picture', entity('User', { memberOf: [], profile: { picture: 5 } }), 'spec.profile.picture must be a string (got number)'),
  valid('accepts a Location with an empty spec', entity('Location', {})),
  valid('accepts a Location with type, target, targets and presence', entity('Location', { type: 'url', target: 'https://example.com/a.yaml', targets: ['./b.yaml'], presence: 'optional' })),
  invalid('rejects a numeric Location target', entity('Location', { target: 5 }), 'spec.target must be a string (got number)'),
  invalid('rejects Location targets given as a string', entity('Location', { targets: './a.yaml' }), 'spec.targets must be an array (got string)'),
  invalid('rejects an empty Location targets entry', entity('Location', { targets: [''] }), 'spec.targets[0] must not be empty'),
  invalid('rejects an empty Location type', entity('Location', { type: '' }), 'spec.type must not be empty'),
  invalid('rejects an unknown Location presence', entity('Location', { presence: 'sometimes' }), 'spec.presence must be one of "required", "optional" (got "sometimes")'),
];

const template = (patch: Doc): Doc => entity('Template', { type: 'service', steps: [], ...patch }, 'scaffolder.backstage.io/v1beta3');

export const TEMPLATE_CASES: ValidationCase[] = [
  valid('accepts a minimal v1beta3 Template', template({})),
  valid('accepts a Template with parameter pages, steps and output', template({
    owner: 'team-a',
    parameters: [{ title: 'Name', required: ['name'], properties: { name: { type: 'string' } }, 'backstage:permissions': { tags: ['x'] } }],
    steps: [{ id: 'fetch', name: 'Fetch', action: 'fetch:template', input: { url: './skeleton' }, if: true }],
    output: { links: [{ title: 'Repo', url: 'https://example.com' }], text: [{ title: 'Done', content: 'ok' }], note: 'extra' },
  })),
  valid('accepts a single parameter page as an object', template({ parameters: { properties: {} } })),
  invalid('rejects a Template without steps', template({ steps: undefined }), 'spec.steps is required for kind Template'),
  invalid('rejects a Template without a type', template({ type: undefined }), 'spec.type is required for kind Template'),
  invalid('rejects steps given as an object', template({ steps: { action: 'x' } }), 'spec.steps must be an array (got object)'),
  invalid('rejects a step without an action', template({ steps: [{ id: 'a' }] }), 'spec.steps[0].action is required for kind Template'),
  invalid('rejects a numeric step action and a numeric condition', template({ steps: [{ action: 5, if: 5 }] }), 'spec.steps[0].action must be a string (got number)', 'spec.steps[0].if must be a string or a boolean (got number)'),
  invalid('rejects a step input that is a string', template({ steps: [{ action: 'x', input: 'y' }] }), 'spec.steps[0].input must be an object (got string)'),
  invalid('rejects parameters given as a string', template({ parameters: 'name' }), 'spec.parameters must be an object or an array of objects (got string)'),
  invalid('rejects a parameter page that is a number', template({ parameters: [5] }), 'spec.parameters[0] must be an object (got number)'),
  invalid('rejects numeric permission tags on a parameter page', template({ parameters: [{ 'backstage:permissions': { tags: [1] } }] }), 'spec.parameters[0]["backstage:permissions"].tags[0] must be a string (got number)'),
  invalid('rejects a numeric owner', template({ owner: 5 }), 'spec.owner must be a string (got number)'),
  invalid('rejects a non-string extra output value', template({ output: { count: 5 } }), 'spec.output.count must be a string (got number)'),
  invalid('rejects an output link with an empty url', template({ output: { links: [{ url: '' }] } }), 'spec.output.links[0].url must not be empty'),
  invalid('rejects a numeric button label', template({ presentation: { buttonLabels: { backButtonText: 5 } } }), 'spec.presentation.buttonLabels.backButtonText must be a string (got number)'),
  invalid('rejects a secrets schema that is a string', template({ secrets: { schema: 'x' } }), 'spec.secrets.schema must be an object (got string)'),
  invalid('rejects a form decorator with a numeric id', template({ formDecorators: [{ id: 1 }] }), 'spec.formDecorators[0].id must be a string (got number)'),
];

/** Every case whose verdict is Backstage's. */
export const BACKSTAGE_CASES: ValidationCase[] = [
  ...NAME_CASES,
  ...NAMESPACE_CASES,
  ...TAG_CASES,
  ...LABEL_CASES,
  ...ANNOTATION_CASES,
  ...LINK_CASES,
  ...METADATA_TYPE_CASES,
  ...ROOT_CASES,
  ...KIND_AND_VERSION_CASES,
  ...COMPONENT_CASES,
  ...OTHER_KIND_CASES,
  ...TEMPLATE_CASES,
];

const rotation = (patch: Doc): Doc =>
  entity(
    'Rotation',
    {
      owner: 'team-a',
      timezone: 'Europe/Berlin',
      handoff: { weekday: 'monday', time: '09:00' },
      start: '2024-05-06',
      members: ['jane', 'user:default/omar'],
      ...patch,
    },
    'backline.dev/v1alpha1',
    'team-a-primary',
  );

/** Backline's own kind: no Backstage verdict exists for these. */
export const ROTATION_CASES: ValidationCase[] = [
  valid('accepts a weekly Rotation', rotation({})),
  valid('accepts a daily Rotation with overrides, a date-time start and a capitalised weekday', rotation({
    handoff: { time: '23:59' },
    start: '2024-05-06T09:00:00+02:00',
    overrides: [{ user: 'jane', from: '2024-05-10T09:00:00Z', to: '2024-05-11T09:00:00.000Z' }],
  })),
  valid('accepts a weekday in any case and UTC as the zone', rotation({ handoff: { weekday: 'Friday', time: '00:00' }, timezone: 'UTC' })),
  invalid('rejects a Rotation at another apiVersion', entity('Rotation', {}, 'backstage.io/v1alpha1'), 'Unsupported apiVersion "backstage.io/v1alpha1" for kind Rotation: no validator accepts it; expected backline.dev/v1alpha1'),
  invalid(
    'rejects a Rotation with nothing in its spec',
    rotation({ owner: undefined, timezone: undefined, handoff: undefined, start: undefined, members: undefined }),
    'spec.owner is required for kind Rotation',
    'spec.timezone is required for kind Rotation',
    'spec.handoff is required for kind Rotation',
    'spec.start is required for kind Rotation',
    'spec.members is required for kind Rotation',
  ),
  invalid('rejects an owner that is not a ref', rotation({ owner: 'group:' }), 'spec.owner "group:" is not a valid entity ref: Entity reference "group:" was not on the form [<kind>:][<namespace>/]<name>'),
  invalid('rejects an unknown time zone', rotation({ timezone: 'Mars/Olympus_Mons' }), 'spec.timezone "Mars/Olympus_Mons" is not valid; expected an IANA time zone like "Europe/Berlin" or "UTC"'),
  invalid('rejects an empty time zone', rotation({ timezone: '' }), 'spec.timezone "" is not valid; expected an IANA time zone like "Europe/Berlin" or "UTC"'),
  invalid('rejects a handoff without a time', rotation({ handoff: { weekday: 'monday' } }), 'spec.handoff.time is required for kind Rotation'),
  invalid('rejects a handoff at 24:00', rotation({ handoff: { time: '24:00' } }), 'spec.handoff.time "24:00" is not valid; expected a 24-hour time "HH:MM" like "09:00"'),
  invalid('rejects a handoff time without a leading zero', rotation({ handoff: { time: '9:00' } }), 'spec.handoff.time "9:00" is not valid; expected a 24-hour time "HH:MM" like "09:00"'),
  invalid('rejects an abbreviated weekday', rotation({ handoff: { weekday: 'mon', time: '09:00' } }), 'spec.handoff.weekday "mon" is not valid; expected a day of the week (monday, tuesday, wednesday, thursday, friday, saturday, sunday)'),
  invalid('rejects a handoff given as a string', rotation({ handoff: 'monday 09:00' }), 'spec.handoff must be an object (got string)'),
  invalid('rejects a start date that does not exist', rotation({ start: '2024-02-30' }), 'spec.start "2024-02-30" is not valid; expected a date "YYYY-MM-DD" or an ISO 8601 date-time'),
  invalid('rejects a start in another date format', rotation({ start: '06/05/2024' }), 'spec.start "06/05/2024" is not valid; expected a date "YYYY-MM-DD" or an ISO 8601 date-time'),
  invalid('rejects a start that YAML turned into a timestamp', rotation({ start: new Date('2024-05-06') }), 'spec.start must be a string (got date; quote the date in YAML so it stays a string)'),
  invalid('rejects an empty member list', rotation({ members: [] }), 'spec.members must not be empty'),
  invalid('rejects a member that is a group', rotation({ members: ['group:team-a'] }), 'spec.members[0] "group:team-a" must refer to a User, not a group'),
  invalid('rejects a numeric member', rotation({ members: [7] }), 'spec.members[0] must be a string (got number)'),
  invalid('rejects an override ending before it starts', rotation({ overrides: [{ user: 'jane', from: '2024-05-11T09:00:00Z', to: '2024-05-10T09:00:00Z' }] }), 'spec.overrides[0].to "2024-05-10T09:00:00Z" must be later than from ("2024-05-11T09:00:00Z")'),
  invalid('rejects an override that starts and ends at the same instant', rotation({ overrides: [{ user: 'jane', from: '2024-05-10T11:00:00+02:00', to: '2024-05-10T09:00:00Z' }] }), 'spec.overrides[0].to "2024-05-10T09:00:00Z" must be later than from ("2024-05-10T11:00:00+02:00")'),
  invalid('rejects an override with plain dates and no user', rotation({ overrides: [{ from: '2024-05-10', to: '2024-05-11' }] }), 'spec.overrides[0].user is required for kind Rotation', 'spec.overrides[0].from "2024-05-10" is not valid; expected an ISO 8601 date-time like "2024-05-01T09:00:00Z"', 'spec.overrides[0].to "2024-05-11" is not valid; expected an ISO 8601 date-time like "2024-05-01T09:00:00Z"'),
  invalid('rejects an override at hour 25', rotation({ overrides: [{ user: 'jane', from: '2024-05-10T25:00:00Z', to: '2024-05-11T09:00:00Z' }] }), 'spec.overrides[0].from "2024-05-10T25:00:00Z" is not valid; expected an ISO 8601 date-time like "2024-05-01T09:00:00Z"'),
  invalid('rejects overrides given as an object', rotation({ overrides: { user: 'jane' } }), 'spec.overrides must be an array (got object)'),
];

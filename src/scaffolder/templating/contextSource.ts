/**
 * The JavaScript that runs inside the sandbox's V8 context, after Nunjucks' browser build. It is
 * text, not a module: the context has no `require`, no `process` and no host object, so everything
 * it uses is defined here. Only JSON strings go in and out (see sandbox.ts).
 *
 * It mirrors Backstage's SecureTemplater: `${{ }}` variables for templates, `{{ }}` plus
 * installJinjaCompat and `jsonify` for cookiecutterCompat, autoescape off, and the filters
 * parseRepoUrl, parseEntityRef, pick and projectSlug beside Nunjucks' built-ins. Step inputs are
 * rendered as Backstage's NunjucksWorkflowRunner renders them: a string that is one expression is
 * wrapped in `| dump` and parsed back, so arrays, numbers and booleans keep their type, and a
 * string that renders empty becomes undefined.
 */
export const CONTEXT_SOURCE = String.raw`
'use strict';
const nunjucks = __nunjucksModule.exports;
const VARIABLE_START = '$' + '{{';
const makeEnv = (variableStart, config) => nunjucks.configure({
  autoescape: false,
  trimBlocks: Boolean(config.trimBlocks),
  lstripBlocks: Boolean(config.lstripBlocks),
  tags: { variableStart, variableEnd: '}}' },
});

function parseRepoUrl(value) {
  const text = String(value == null ? '' : value);
  const question = text.indexOf('?');
  const host = question === -1 ? '' : text.slice(0, question).trim();
  const query = {};
  for (const pair of (question === -1 ? '' : text.slice(question + 1)).split('&')) {
    if (!pair) continue;
    const at = pair.indexOf('=');
    const key = decodeURIComponent((at === -1 ? pair : pair.slice(0, at)).replace(/\+/g, ' '));
    if (!Object.prototype.hasOwnProperty.call(query, key)) query[key] = decodeURIComponent((at === -1 ? '' : pair.slice(at + 1)).replace(/\+/g, ' '));
  }
  const owner = query.owner || query.organization || '';
  const repo = query.repo || '';
  if (!host || !owner || !repo) {
    throw new Error('"' + text + '" is not a repository URL: expected host?owner=ORG&repo=NAME, e.g. github.com?owner=acme&repo=payments-service');
  }
  const parsed = { host, owner, repo };
  for (const extra of ['organization', 'workspace', 'project']) if (query[extra]) parsed[extra] = query[extra];
  return parsed;
}

// catalog-model's parseEntityRef: [kind:][namespace/]name, with defaults from the second argument.
function parseEntityRef(ref, context) {
  const text = String(ref == null ? '' : ref);
  const defaults = context && typeof context === 'object' ? context : {};
  const colon = text.indexOf(':');
  const slash = text.indexOf('/');
  const kind = colon === -1 || (slash !== -1 && slash < colon) ? defaults.defaultKind : text.slice(0, colon);
  const rest = colon === -1 || (slash !== -1 && slash < colon) ? text : text.slice(colon + 1);
  const at = rest.indexOf('/');
  const namespace = at === -1 ? (defaults.defaultNamespace || 'default') : rest.slice(0, at);
  const name = at === -1 ? rest : rest.slice(at + 1);
  if (!kind) throw new Error('Entity reference "' + text + '" had missing or empty kind (e.g. did not start with "component:" or similar)');
  if (!namespace) throw new Error('Entity reference "' + text + '" had missing or empty namespace');
  if (!name) throw new Error('Entity reference "' + text + '" had missing or empty name');
  return { kind, namespace, name };
}

// lodash's get: "a.b[0].c".
function pick(object, key) {
  const parts = String(key == null ? '' : key).replace(/\[(\w+)\]/g, '.$1').split('.').filter(Boolean);
  let value = object;
  for (const part of parts) {
    if (value == null || !Object.prototype.hasOwnProperty.call(Object(value), part)) return undefined;
    value = value[part];
  }
  return value;
}

const FILTERS = {
  parseRepoUrl: (url) => parseRepoUrl(url),
  parseEntityRef: (ref, context) => parseEntityRef(ref, context),
  pick: (object, key) => pick(object, key),
  projectSlug: (url) => { const parsed = parseRepoUrl(url); return parsed.owner + '/' + parsed.repo; },
};

const environments = new Map();
let uninstallCompat;
function environment(compat, config) {
  // installJinjaCompat patches Nunjucks' runtime for every environment, so it is switched on and
  // off with the mode, as Backstage does.
  if (compat && !uninstallCompat) uninstallCompat = nunjucks.installJinjaCompat();
  if (!compat && uninstallCompat) { uninstallCompat(); uninstallCompat = undefined; }
  const key = (compat ? 'compat' : 'plain') + (config.trimBlocks ? '+trim' : '') + (config.lstripBlocks ? '+lstrip' : '');
  let env = environments.get(key);
  if (!env) {
    env = makeEnv(compat ? '{{' : VARIABLE_START, config);
    for (const name of Object.keys(FILTERS)) env.addFilter(name, FILTERS[name]);
    if (compat) env.addFilter('jsonify', env.getFilter('dump'));
    environments.set(key, env);
  }
  return env;
}

function render(env, source, values, name) {
  return env.renderString(source, values, { path: name });
}

// Backstage's isSingleTemplateString: the whole string is one output with no text around it.
function isSingleExpression(source) {
  const parsed = nunjucks.parser.parse(source, {}, { autoescape: false, tags: { variableStart: VARIABLE_START, variableEnd: '}}' } });
  return parsed.children.length === 1 && !(parsed.children[0] && parsed.children[0].children && parsed.children[0].children[0] instanceof nunjucks.nodes.TemplateData);
}

function renderInputString(env, source, context, name) {
  let single = false;
  try { single = isSingleExpression(source); } catch (error) { single = false; }
  if (single) {
    const wrapped = source.replace(/\$\{\{(.+)\}\}/g, VARIABLE_START + ' ( $1 ) | dump }}');
    let dumped;
    try { dumped = render(env, wrapped, context, name); } catch (error) { dumped = null; }
    if (dumped === '') return undefined;
    if (dumped !== null) {
      try { return JSON.parse(dumped); } catch (error) { /* not JSON: render it as text below */ }
    }
  }
  const text = render(env, source, context, name);
  return text === '' ? undefined : text;
}

function renderInput(env, value, context, name) {
  if (typeof value === 'string') return renderInputString(env, value, context, name);
  if (Array.isArray(value)) return value.map((item, index) => renderInput(env, item, context, name + '[' + index + ']'));
  if (value && typeof value === 'object') {
    const out = {};
    for (const key of Object.keys(value)) {
      const rendered = renderInput(env, value[key], context, name + '.' + key);
      if (rendered !== undefined) out[key] = rendered;
    }
    return out;
  }
  return value;
}

globalThis.__run = (jobText) => {
  let at = '';
  try {
    const job = JSON.parse(jobText);
    const env = environment(Boolean(job.compat), job.config || {});
    if (job.kind === 'strings') {
      const out = [];
      for (const item of job.items) {
        at = item.name;
        out.push(render(env, item.source, job.values, item.name));
      }
      return JSON.stringify({ ok: out });
    }
    at = job.name;
    return JSON.stringify({ ok: renderInput(env, job.value, job.values, job.name) });
  } catch (error) {
    let message;
    try { message = String(error && error.message !== undefined ? error.message : error); } catch (ignored) { message = 'the template threw something that is not an error'; }
    return JSON.stringify({ error: message, at });
  }
};
`;

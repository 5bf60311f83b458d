/**
 * The program of the sandbox process, passed with `node -e` so that it needs no file to read: the
 * process runs under Node's permission model with no file system access at all.
 *
 * It keeps Nunjucks in a separate V8 context whose global object has a null prototype on the host
 * side: `"".constructor.constructor("return process")()` inside it finds no `process`, and the
 * global's own `constructor` does not lead back to this realm's Function. Templates reach nothing
 * but JSON-parsed data; the process around them is the second wall (no files, no child processes,
 * no workers, no environment variables, a capped heap).
 */
export const CHILD_SOURCE = String.raw`
'use strict';
const vm = require('node:vm');
// What a template would need to load modules, should it ever leave the context.
delete globalThis.require;
delete globalThis.module;
delete globalThis.exports;
delete process.getBuiltinModule;
let context;
let timeoutMs = 10000;
const reply = (id, text) => process.send({ id, text });
process.on('message', (message) => {
  if (message.kind === 'start') {
    timeoutMs = message.timeoutMs;
    context = vm.createContext(Object.create(null), { codeGeneration: { strings: true, wasm: false }, microtaskMode: 'afterEvaluate' });
    // A template could otherwise set Error.prepareStackTrace and be handed the frames of this realm.
    vm.runInContext('Object.defineProperty(Error, "prepareStackTrace", { value: undefined, writable: false, configurable: false });', context);
    // Every global a contextified global object holds is read through an interceptor, several times
    // slower than a variable; Nunjucks reads these on its hot paths, so it gets them as parameters
    // (the context's own builtins, the same objects it would find).
    const builtins = 'Object, Array, String, Number, Error, TypeError, Math, JSON, RegExp, Symbol, Map, Set, parseInt, parseFloat';
    const shim = 'var __nunjucksModule = { exports: {} }; (function (module, exports, process, require, ' + builtins + ') {\n' + message.nunjucks + '\n})(__nunjucksModule, __nunjucksModule.exports, { env: {} }, function (name) { if (name === "events") return function () {}; }, ' + builtins + ');\n';
    vm.runInContext(shim, context, { filename: 'nunjucks.js' });
    vm.runInContext(message.setup, context, { filename: 'backline-templating.js' });
    reply(message.id, '{"ok":true}');
    return;
  }
  context.__job = message.job;
  const started = Date.now();
  let text;
  try {
    text = vm.runInContext('__run(__job)', context, { timeout: timeoutMs, filename: 'render.js' });
  } catch (error) {
    // Only the timeout is expected here (__run catches everything else); the error's fields are
    // not read, as a template could have made them getters.
    text = Date.now() - started >= timeoutMs ? '{"timeout":true}' : '{"error":"the template stopped the renderer"}';
  }
  context.__job = undefined;
  reply(message.id, typeof text === 'string' ? text : '{"error":"the renderer returned no text"}');
});
`;

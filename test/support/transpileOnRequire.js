'use strict';
/**
 * Lets a plain node process require Backline's TypeScript sources: each .ts file is compiled as it
 * is required, with the typescript package's transpileModule. For tests that run Backline in child
 * processes (several replicas on one database, a replica killed with SIGKILL): no build step, and no
 * ts-node (not a dependency).
 */
const fs = require('node:fs');
const ts = require('typescript');

require.extensions['.ts'] = (module, filename) => {
  const source = fs.readFileSync(filename, 'utf8');
  const { outputText } = ts.transpileModule(source, {
    fileName: filename,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, sourceMap: false },
  });
  module._compile(outputText, filename);
};

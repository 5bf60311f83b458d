'use strict';
/**
 * The health evaluation thread's entry (src/serve/evaluationWorker.ts) from the TypeScript
 * sources, for tests: serve starts the compiled one, which a source tree does not have.
 * `new Worker(this file, { workerData })` runs it with the worker's own parentPort and workerData.
 */
require('./transpileOnRequire');
require('../../src/serve/evaluationWorker.ts');

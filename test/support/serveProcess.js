'use strict';
/**
 * `backline serve` from the TypeScript sources, in a child process: the same CLI entry point, the
 * same environment variables (DATABASE_URL, SLACK_*, PORT …), and the same start as bin/backline.js.
 * Ready once GET /readyz
 * answers 200; SIGTERM stops it gracefully (exit code 0, or 1 when BACKLINE_SHUTDOWN_SECONDS cut
 * requests under way).
 *
 *   node test/support/serveProcess.js
 */
const path = require('node:path');
require('./transpileOnRequire');

const { main } = require(path.join(__dirname, '..', '..', 'src', 'main.ts'));
main(['node', 'backline', 'serve']).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
    process.exitCode = 1;
  },
);

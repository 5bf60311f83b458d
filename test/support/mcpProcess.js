'use strict';
/**
 * `backline mcp` from the TypeScript sources, in a child process: the same CLI entry point and
 * environment as bin/backline.js, with the protocol on stdin and stdout. Arguments after the script
 * are passed on (`--as user:default/jane`).
 *
 *   node test/support/mcpProcess.js [--as <user>]
 */
const path = require('node:path');
require('./transpileOnRequire');

const { main } = require(path.join(__dirname, '..', '..', 'src', 'main.ts'));
main(['node', 'backline', 'mcp', ...process.argv.slice(2)]).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
    process.exitCode = 1;
  },
);

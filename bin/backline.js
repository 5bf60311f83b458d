#!/usr/bin/env node
'use strict';
// The CLI is compiled to dist/ by `npm run build`, which `npm ci` runs through the `prepare` script.
const path = require('node:path');
const fs = require('node:fs');

const dist = path.join(__dirname, '..', 'dist', 'src');
const entry = path.join(dist, 'main.js');
if (!fs.existsSync(entry)) {
  process.stderr.write('backline: the compiled CLI is missing. Run `npm ci` (or `npm run build`) in the Backline folder first.\n');
  process.exit(2);
}
require(entry).main(process.argv).then(
  (code) => { process.exitCode = code; },
  (error) => { process.stderr.write(`backline: ${error && error.stack ? error.stack : error}\n`); process.exitCode = 1; },
);

'use strict';
/**
 * octokit and its dependencies ship only ES modules, which jest's CommonJS runtime cannot require.
 * The compiled CLI loads them with a real `import()`; under jest, ts-jest turns that `import()` into
 * `require()` and transpiles these packages to CommonJS. The set is found by walking octokit's
 * dependency tree, so that an octokit upgrade needs no edit here.
 */
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const ENTRY_PACKAGES = ['octokit'];

function findPackage(name, from) {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name);
    // Real paths, as jest sees module files: node_modules may be a symlink (a worktree, pnpm).
    if (fs.existsSync(path.join(candidate, 'package.json'))) return fs.realpathSync(candidate);
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** Absolute folders of every ES-module package reachable from octokit. */
function esmPackageDirs() {
  const seen = new Map();
  const visit = (dir) => {
    if (seen.has(dir)) return;
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
    seen.set(dir, manifest.type === 'module');
    for (const dependency of Object.keys(manifest.dependencies ?? {})) {
      const found = findPackage(dependency, dir);
      if (found) visit(found);
    }
  };
  for (const name of ENTRY_PACKAGES) {
    const found = findPackage(name, ROOT);
    if (found) visit(found);
  }
  return [...seen].filter(([, esm]) => esm).map(([dir]) => dir);
}

const ESM_DIRS = esmPackageDirs();
const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

module.exports = {
  ESM_DIRS,
  /** jest's transformIgnorePatterns: every node_modules file except those of the ESM packages. */
  transformIgnorePattern: `^(?!(?:${ESM_DIRS.map((dir) => escape(dir + path.sep)).join('|')})).*[\\\\/]node_modules[\\\\/]`,
  isEsmFile: (file) => ESM_DIRS.some((dir) => file.startsWith(dir + path.sep)),
};

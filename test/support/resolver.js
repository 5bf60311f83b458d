'use strict';
/**
 * jest resolves `require()` with the "require"/"default" export conditions; some octokit packages
 * export only under "import" (e.g. @octokit/auth-unauthenticated). For bare specifiers that land in
 * one of octokit's ES-module packages, resolve with the "import" condition (jest then transpiles the
 * file, see esmPackages.js); everything else resolves as jest always does.
 */
const { isEsmFile } = require('./esmPackages');

module.exports = (request, options) => {
  if (!request.startsWith('.') && !request.startsWith('/') && !request.startsWith('node:')) {
    try {
      const resolved = options.defaultResolver(request, { ...options, conditions: ['import', 'node', 'default'] });
      if (isEsmFile(resolved)) return resolved;
    } catch {
      // Not resolvable as an ES module: fall through to jest's own resolution.
    }
  }
  return options.defaultResolver(request, options);
};

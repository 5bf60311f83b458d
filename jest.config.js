const { transformIgnorePattern } = require('./test/support/esmPackages');

// ts-jest only transpiles here (type checking runs once, in `npm test`'s tsc --noEmit), as CommonJS:
// the `import('octokit')` that the compiled CLI keeps becomes a `require`, and octokit's ES-module
// packages are transpiled to CommonJS too (test/support/esmPackages.js).
const transpile = { isolatedModules: true, module: 'commonjs', moduleResolution: 'node10' };

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { diagnostics: false, tsconfig: transpile }],
    '^.+\\.m?js$': ['ts-jest', { diagnostics: false, tsconfig: { ...transpile, allowJs: true } }],
  },
  transformIgnorePatterns: [transformIgnorePattern],
  resolver: '<rootDir>/test/support/resolver.js',
  globalSetup: '<rootDir>/test/support/globalSetup.ts',
  globalTeardown: '<rootDir>/test/support/globalTeardown.ts',
  setupFiles: ['<rootDir>/test/support/setupNetwork.ts'],
  testTimeout: 30000,
  maxWorkers: 2,
};

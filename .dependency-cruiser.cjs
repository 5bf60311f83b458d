/**
 * The layers of Backline, lowest first. A module may import its own layer and the layers below it,
 * never one above: data flows sources → catalog → cores → surfaces, and the composition root
 * (main.ts with compose/, serve/ and the CLI's commands) wires everything. `npm test` runs this.
 */
const LAYERS = [
  { name: 'base', path: '^src/(errors|databaseUnavailable|redact|logger|paths|directory|metrics)\\.ts$' },
  { name: 'db', path: '^src/db/' },
  { name: 'catalog', path: '^src/catalog/' },
  { name: 'sources', path: '^src/sources/' },
  { name: 'services', path: '^src/(oncall|docs|health|scaffolder|scheduler|search)/' },
  { name: 'config', path: '^src/(config|backlineFile|mcpTokens)\\.ts$' },
  { name: 'doctor', path: '^src/doctor/' },
  { name: 'commands', path: '^commands/' },
  { name: 'surfaces', path: '^src/(slack|shell|mcp)/' },
  { name: 'root', path: '^src/(main\\.ts$|compose/|serve/|cli/)' },
];

const upward = LAYERS.slice(0, -1).map((layer, index) => ({
  name: `${layer.name}-not-upward`,
  comment: `${layer.name} may import only ${LAYERS.slice(0, index + 1).map((l) => l.name).join(', ')}`,
  severity: 'error',
  from: { path: layer.path },
  to: { path: LAYERS.slice(index + 1).map((l) => l.path) },
}));

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    { name: 'no-circular', comment: 'modules import each other in one direction only', severity: 'error', from: {}, to: { circular: true } },
    ...upward,
    {
      name: 'main-is-imported-by-nothing',
      comment: 'src/main.ts is the entry bin/backline.js runs',
      severity: 'error',
      from: {},
      to: { path: '^src/main\\.ts$' },
    },
    {
      name: 'commands-use-ports',
      comment: 'cores and renderers reach the database and the outside world only through ports they are given',
      severity: 'error',
      from: { path: '^commands/' },
      to: { path: ['^src/db/', '^src/sources/', '/Pg[A-Za-z]*\\.ts$'] },
    },
    {
      name: 'every-module-is-in-a-layer',
      comment: 'a new folder gets a place in LAYERS above',
      severity: 'error',
      from: { path: '^(src|commands)/', pathNot: LAYERS.map((l) => l.path) },
      to: {},
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    includeOnly: '^(src|commands)/',
  },
};

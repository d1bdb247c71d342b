/**
 * The architecture, checked in CI (`npm run check:architecture`, docs/architecture.md):
 *   app  →  lib  →  db          components → lib (browser-safe modules) and components
 *   scripts (CLI, demo seed, bench) may use everything below them; nothing imports scripts.
 * No import cycles anywhere. Type-only imports count as imports unless a rule says otherwise.
 */
module.exports = {
  forbidden: [
    { name: 'no-cycles', severity: 'error', comment: 'A cycle makes two modules one: merge them or move the shared part down.', from: {}, to: { circular: true } },
    { name: 'db-is-the-bottom', severity: 'error', comment: 'db/ holds the schema, migrations and the client; it uses nothing above it.', from: { path: '^db/' }, to: { path: '^(lib|app|components|scripts)/' } },
    { name: 'lib-below-app', severity: 'error', comment: 'lib/ is the domain layer: pages, routes and components call it, never the reverse.', from: { path: '^lib/' }, to: { path: '^(app|components|scripts)/|^(middleware|instrumentation)\\.ts$' } },
    { name: 'components-not-app', severity: 'error', comment: 'A page hands its form the action as a prop; components never import app/.', from: { path: '^components/' }, to: { path: '^(app|scripts)/' } },
    { name: 'components-not-db', severity: 'error', comment: 'Components get data from lib/ (types from db/schema only).', from: { path: '^components/' }, to: { path: '^db/', dependencyTypesNot: ['type-only'] } },
    { name: 'app-queries-through-lib', severity: 'error', comment: 'Pages and routes pass the db handle to lib/; queries (db/schema) belong to lib/.', from: { path: '^app/' }, to: { path: '^db/', pathNot: '^db/client\\.ts$', dependencyTypesNot: ['type-only'] } },
    { name: 'nothing-imports-scripts', severity: 'error', from: { pathNot: '^(scripts|tests|bench)/' }, to: { path: '^scripts/' } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(\\.next|\\.data)/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json'] },
  },
};

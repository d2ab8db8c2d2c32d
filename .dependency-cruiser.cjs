/**
 * The layers (README, Layout): domain ← schemas ← services ← http / cli ← start-up, with db beside
 * schemas. Arrows point down only, and nothing in src/ imports itself round in a circle.
 * `npm run lint:deps` checks it; CI runs it.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Modules of src/ import each other in a loop.',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment:
        'The rules core (src/domain/) imports nothing else of src/: no database, clock, HTTP or edge schemas.',
      from: { path: '^src/domain/' },
      to: { path: '^src/', pathNot: '^src/domain/' },
    },
    {
      name: 'persistence-and-schemas-below-use-cases',
      severity: 'error',
      comment:
        'src/db/ and src/schemas/ sit below the use cases: they never import services, http or cli.',
      from: { path: '^src/(db|schemas)/' },
      to: { path: '^src/(services|http|cli)/' },
    },
    {
      name: 'use-cases-below-their-callers',
      severity: 'error',
      comment:
        'Use cases (src/services/) never import the HTTP layer or the CLI that call them.',
      from: { path: '^src/services/' },
      to: { path: '^src/(http|cli)/' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment:
        'An import that resolves to nothing would hide an arrow from the rules above.',
      from: { path: '^src/' },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports are arrows too: a type from a higher layer ties the layers as much as a value.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
  },
};

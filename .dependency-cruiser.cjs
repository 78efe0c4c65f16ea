// The layers of alma-users and the one direction their imports may point (ARCHITECTURE.md):
//   domain  <-  store / io / mail / alma  <-  app  <-  cli
// `npm test` runs this; a wrong import fails it with the rule's name and comment.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment: 'src/domain is the model and its rules: it imports nothing of ours outside src/domain.',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { path: '^src/(?!domain/)' },
    },
    {
      name: 'adapters-import-only-domain',
      comment: 'src/store, src/io, src/mail and src/alma (the adapters) import only src/domain (and their own folder): not each other, not app or cli.',
      severity: 'error',
      from: { path: '^src/(store|io|mail|alma)/' },
      to: { path: '^src/', pathNot: ['^src/domain/', '^src/$1/'] },
    },
    {
      name: 'app-never-imports-cli',
      comment: 'src/app holds the use cases; terminals, argv and exit codes belong to src/cli.',
      severity: 'error',
      from: { path: '^src/app/' },
      to: { path: '^src/cli/' },
    },
    {
      name: 'cli-goes-through-app',
      comment: 'src/cli imports src/app and src/domain only; the store, files, mail and the Alma API are reached through a use case.',
      severity: 'error',
      from: { path: '^src/cli/' },
      to: { path: '^src/(store|io|mail|alma)/' },
    },
    {
      name: 'sqlite-only-in-store',
      comment: 'Every SQL statement lives in src/store: only it may use better-sqlite3.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/store/' },
      to: { path: 'node_modules/better-sqlite3/' },
    },
    {
      name: 'no-circular',
      comment: 'A cycle makes two modules one: merge them or move what both need to a third.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import that resolves to nothing fails at run time.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'no-dev-deps-in-src',
      comment: 'Production code may not need a package that `npm ci --omit=dev` leaves out.',
      severity: 'error',
      from: { path: '^src/' },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};

import tseslint from 'typescript-eslint';

// The domain core is pure: no drivers, server, file system, processes, clock or threads, and no
// imports of the outer layers (scripts/check-domain-purity.sh checks the same in CI).
const purityPaths = ['pg', 'kysely', 'fastify', 'fs', 'node:fs', 'node:fs/promises', 'fs/promises', 'node:http', 'http', 'node:child_process', 'exceljs'].map((name) => ({
  name,
  message: 'the domain core is pure: no database, server, file system or processes',
}));
const purityPatterns = [
  { group: ['@electric-sql/*', '**/store/*', '**/api/*', '**/cli/*'], message: 'the domain core is pure' },
  { group: ['**/solver/*', '**/flows/*', 'highs'], message: 'the domain declares ports (e.g. MipSolver in domain/shared/mip.ts); adapters and flows sit outside and are passed in' },
  { group: ['perf_hooks', 'node:perf_hooks', 'worker_threads', 'node:worker_threads'], message: 'the domain core reads no clock and starts no threads' },
];
// Contexts meet through their public faces: a module of src/domain/<context>/ imports another
// context only through that context's index.ts (a module `depth` folders below the context's own).
const throughIndex = (depth) => {
  const up = '../'.repeat(depth);
  return { group: [`${up}*/**`, `!${up}*/index.ts`], message: 'import another context through its public face, src/domain/<context>/index.ts' };
};
const domainImports = (depth) => ['error', { paths: purityPaths, patterns: [...purityPatterns, throughIndex(depth)] }];

// The outer layers (store, flows, api, cli, solver adapters, the app, benchmarks) reach a domain
// context only through its public face, src/domain/<context>/index.ts. Tests may also import a
// context's test fixtures (fixtures.ts, fixtures/, arbitraries.ts).
const publicFace = (fixturesToo) => ['error', {
  patterns: [{
    regex: fixturesToo ? '(^|/)domain/[a-z-]+/(?!index\\.ts$|fixtures(\\.ts$|/)|arbitraries\\.ts$).+' : '(^|/)domain/[a-z-]+/(?!index\\.ts$).+',
    message: 'import a domain context through its public face, src/domain/<context>/index.ts (export what you need from there)',
  }],
}];
// Files let off the public-face rule while they are restructured (none now: every store module imports through the faces).
const publicFacePending = [];

// Lint: typescript-eslint's recommended rules, plus the purity rule for the domain core.
export default tseslint.config(
  { ignores: ['node_modules/**', 'web/dist/**', 'baogong-data/**', 'test-artifacts/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['warn', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    // The store reads and writes typed tables (src/store/tables.ts): no `any` there. Migrations build the schema the types come from.
    files: ['src/store/**/*.ts'],
    ignores: ['src/store/migrations/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'error' },
  },
  {
    files: ['src/domain/**/*.ts'],
    ignores: ['src/domain/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: purityPaths, patterns: purityPatterns }],
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: 'pass a seeded Random in (src/domain/shared/random.ts)' },
        { object: 'Date', property: 'now', message: 'pass the time in' },
        { object: 'performance', property: 'now', message: 'pass a monotonic clock in (e.g. monotonicMs)' },
        { object: 'process', property: 'hrtime', message: 'pass a monotonic clock in (e.g. monotonicMs)' },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'the domain core reads no environment, clock or process state: pass what it needs in' },
        { name: 'crypto', message: 'pass ids or a seeded Random in (src/domain/shared/random.ts)' },
        { name: 'setTimeout', message: 'the domain core schedules nothing: the caller does' },
        { name: 'setInterval', message: 'the domain core schedules nothing: the caller does' },
      ],
      'no-restricted-syntax': ['error', { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'pass the time in; new Date() reads the wall clock' }],
    },
  },
  {
    files: ['src/domain/*/*.ts'],
    ignores: ['src/domain/**/*.test.ts'],
    rules: { 'no-restricted-imports': domainImports(1) },
  },
  {
    files: ['src/domain/*/*/*.ts'],
    ignores: ['src/domain/**/*.test.ts'],
    rules: { 'no-restricted-imports': domainImports(2) },
  },
  {
    files: ['src/domain/*/*/*/*.ts'],
    ignores: ['src/domain/**/*.test.ts'],
    rules: { 'no-restricted-imports': domainImports(3) },
  },
  {
    files: ['src/**/*.ts', 'bench/**/*.ts'],
    ignores: ['src/domain/**', '**/*.test.ts', ...publicFacePending],
    rules: { 'no-restricted-imports': publicFace(false) },
  },
  {
    files: ['src/**/*.test.ts', 'test/**/*.ts'],
    ignores: ['src/domain/**'],
    rules: { 'no-restricted-imports': publicFace(true) },
  },
);

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
    files: ['src/domain/**/*.ts'],
    ignores: ['src/domain/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: purityPaths, patterns: purityPatterns }],
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: 'pass a seeded Random in (src/domain/shared/random.ts)' },
        { object: 'Date', property: 'now', message: 'pass the time in' },
        { object: 'performance', property: 'now', message: 'pass a monotonic clock in (e.g. monotonicMs)' },
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
);

// ESLint flat config: typescript-eslint's type-checked rules (recommendedTypeChecked) on every package's
// sources, i.e. the files of the `tsc -b` projects, found through the TypeScript project service; the
// syntactic rules only on files outside those projects.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    // `*.tmp.*`: scratch files engineers keep (and delete) while working; never committed.
    ignores: ['**/node_modules/**', '**/dist/**', 'packages/viz/dist/**', '**/*.tsbuildinfo', 'coverage/**', 'models/**', '**/*.tmp.*', 'packages/viz/dist-viewer/**'],
  },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // `_`-prefixed names mark deliberately unused bindings, as tsc's noUnused* checks already allow.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // The rules below are warnings, not errors, because existing code violates them in many places
      // (about 70 casts the checker finds redundant across eight packages, methods passed unbound where
      // `this` is not used) or in a few deliberate spots; fixing them belongs to each package's owner.
      '@typescript-eslint/no-unnecessary-type-assertion': 'warn',
      '@typescript-eslint/unbound-method': 'warn',
      '@typescript-eslint/require-await': 'warn',
      '@typescript-eslint/no-base-to-string': 'warn',
      '@typescript-eslint/no-this-alias': 'warn',
      '@typescript-eslint/no-unsafe-return': 'warn',
      '@typescript-eslint/no-unsafe-member-access': 'warn',
      // `JSON.parse` returns any; existing readers assign it to a declared type and validate after.
      '@typescript-eslint/no-unsafe-assignment': 'warn',
    },
  },
  {
    // The browser viewer receives messages decoded by the schema the server advertises at run time and
    // types them `any` on purpose (see `type Any` in viewer/src/main.ts); the no-unsafe-* family would
    // flag every use of them.
    files: ['packages/viz/viewer/**'],
    rules: {
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    // The CDR codecs generate specialised decoders/encoders with `new Function` on purpose (byte-identical
    // ROS 2 CDR at copy speed); the source is built from message definitions, never from input data.
    files: ['packages/core/src/cdr/compile*.ts'],
    rules: { '@typescript-eslint/no-implied-eval': 'off' },
  },
  {
    // Tests, benchmarks, scripts and configs are not part of a `tsc -b` project (vitest and tsx transpile
    // them without type information), so the project service has no types for them: syntactic rules only.
    files: ['**/test/**', 'bench/**', '**/scripts/**', 'ros/**', '*.config.ts', '*.config.js', 'packages/cli/bin/**', '**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['**/test/**', 'bench/**'],
    rules: {
      // Test doubles and fixtures reach into loosely typed data; unused leftovers are noise, not bugs.
      '@typescript-eslint/no-explicit-any': 'warn',
      '@typescript-eslint/no-unused-vars': ['warn', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
);
